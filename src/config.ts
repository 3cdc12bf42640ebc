import { z } from "zod";

/**
 * The one reader of the environment, and the one declaration of every setting: this schema is the
 * type (`Config`), the validation and the documentation (`docs/settings.md` is generated from it by
 * `npm run docs:settings`; a test fails when the two drift). `main.ts` passes `process.env` in; tests
 * pass plain objects. Every setting has its unit in its name; a bad value stops the start naming it.
 */

type Group = "Server" | "Mode" | "Cache" | "Upstreams" | "AWS" | "Azure" | "GCP" | "Auth and limits" | "HTTP" | "Logs" | "Store";

/** Attaches a setting's documentation to its schema. */
function doc<T extends z.ZodType>(schema: T, group: Group, description: string): T {
  return schema.meta({ group, description });
}

const ms = (def: number, min = 1) => z.coerce.number().int().min(min).default(def);
const count = (def: number, min = 1) => z.coerce.number().int().min(min).default(def);

const envShape = {
  PORT: doc(z.coerce.number().int().min(0).max(65535).default(8787), "Server", "HTTP port"),
  HOST: doc(z.string().min(1).default("0.0.0.0"), "Server", "interface to listen on"),
  PRICEBOOK_MODE: doc(
    z.enum(["auto", "live", "mock"]).default("auto"),
    "Mode",
    "`auto`, `live` or `mock` (see the README's Modes)",
  ),
  CREDENTIALS_DETECT_TIMEOUT_MS: doc(
    z.coerce.number().int().positive().max(30_000).default(3_000),
    "Mode",
    "bound on the start-up credential probe",
  ),
  FALLBACK_PRICING_DIR: doc(z.string().min(1).default("fallback-pricing"), "Mode", "where the fallback tables are"),
  REDIS_URL: doc(
    z
      .url({ protocol: /^rediss?$/, error: "must be a redis:// or rediss:// URL" })
      .optional()
      .or(z.literal("").transform(() => undefined)),
    "Cache",
    "`redis://` or `rediss://` URL of a shared cache; unset = in-process cache only",
  ),
  PRICE_CACHE_TTL_MS: doc(ms(3_600_000), "Cache", "how long a live price is fresh (±10% jitter)"),
  PRICE_NOT_FOUND_TTL_MS: doc(ms(60_000), "Cache", 'how long a "no such price" answer is cached'),
  PRICE_STALE_TTL_MS: doc(ms(86_400_000, 0), "Cache", "how long past its TTL a price may still be served as `stale`"),
  COST_CACHE_TTL_MS: doc(ms(1_800_000), "Cache", "how long Cost Explorer answers are cached"),
  SPOT_PRICE_TTL_MS: doc(
    ms(300_000),
    "Cache",
    "how long an AWS spot price is fresh (±10% jitter); a spot price is a point in time, so past its TTL it is served as `stale` for at most as long again while EC2 is asked anew",
  ),
  SPOT_ADVISOR_TTL_MS: doc(ms(3_600_000), "Cache", "how long the AWS Spot Advisor file (interruption bands, savings) is fresh"),
  SAVINGS_PLANS_TTL_MS: doc(ms(21_600_000), "Cache", "how long AWS Savings Plans offering rates (live mode) are fresh (±10% jitter)"),
  CACHE_MAX_BYTES: doc(count(64 * 1024 * 1024), "Cache", "bound of the in-process cache, in bytes of serialised entries"),
  CACHE_LOCK_TTL_MS: doc(ms(10_000), "Cache", "lifetime of the fleet-wide fetch lock"),
  CACHE_LOCK_WAIT_MS: doc(ms(3_000, 0), "Cache", "how long an instance waits for another's fetch before fetching itself"),
  LIMITER_LOCAL_SHARE: doc(
    z.coerce.number().positive().max(1).default(1),
    "Upstreams",
    "share of each quota one instance uses when it must pace alone (set 1/N for N instances)",
  ),
  UPSTREAM_MAX_CONCURRENT: doc(count(4), "Upstreams", "concurrent calls to one upstream API"),
  UPSTREAM_RETRIES: doc(z.coerce.number().int().min(0).max(10).default(2), "Upstreams", "retries after a throttled or transient attempt"),
  UPSTREAM_ATTEMPT_TIMEOUT_MS: doc(ms(3_000), "Upstreams", "deadline of one attempt"),
  UPSTREAM_DEADLINE_MS: doc(ms(8_000), "Upstreams", "deadline of a whole upstream call: queueing, attempts and backoff"),
  MAX_UPSTREAM_CALLS_PER_REQUEST: doc(
    count(50),
    "Upstreams",
    "upstream attempts one request may make (a batch's lookups included); past it, answers come from the cache or the fallback tables",
  ),
  BREAKER_VOLUME_THRESHOLD: doc(count(5), "Upstreams", "calls in the window before a breaker may open"),
  BREAKER_ERROR_PERCENT: doc(z.coerce.number().int().min(1).max(100).default(50), "Upstreams", "failure percentage that opens a breaker"),
  BREAKER_RESET_MS: doc(ms(30_000), "Upstreams", "how long a breaker stays open before one trial call"),
  BREAKER_WINDOW_MS: doc(ms(10_000), "Upstreams", "the breaker's rolling window"),
  PRICING_API_REGION: doc(
    z.enum(["us-east-1", "eu-central-1", "ap-south-1"]).default("us-east-1"),
    "AWS",
    "Price List endpoint region: `us-east-1`, `eu-central-1` or `ap-south-1`",
  ),
  PRICING_RATE_PER_SECOND: doc(
    z.coerce.number().positive().default(5),
    "AWS",
    "Price List calls per second for the whole account (AWS's quota)",
  ),
  PRICING_BURST: doc(count(10), "AWS", "Price List burst bucket for the whole account"),
  EC2_RATE_PER_SECOND: doc(
    z.coerce.number().positive().default(10),
    "AWS",
    "EC2 API calls (DescribeSpotPriceHistory) per second for the whole account; EC2 throttles every Describe call of the account from one bucket, so stay well under it",
  ),
  EC2_BURST: doc(count(20), "AWS", "EC2 API burst bucket for the whole account"),
  SAVINGS_PLANS_RATE_PER_SECOND: doc(
    z.coerce.number().positive().default(2),
    "AWS",
    "AWS Savings Plans API calls (DescribeSavingsPlansOfferingRates) per second for the whole account; AWS publishes no quota for it, so keep it low",
  ),
  SAVINGS_PLANS_BURST: doc(count(5), "AWS", "AWS Savings Plans API burst bucket for the whole account"),
  AWS_PRICING_OFFERS_URL: doc(
    z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).default("https://pricing.us-east-1.amazonaws.com"),
    "AWS",
    "base URL of AWS's public bulk offer files (`<base>/offers/v1.0/aws/<OfferCode>/current/<region>/index.json`), read by `npm run fallback:refresh`; point it at a mirror in an air-gapped network",
  ),
  SPOT_ADVISOR_URL: doc(
    z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).default("https://spot-bid-advisor.s3.amazonaws.com/spot-advisor-data.json"),
    "AWS",
    "AWS's public Spot Advisor file (interruption bands and savings of spot prices); when it cannot be fetched, the dated copy in `fallback-pricing/spot-advisor/aws/` answers",
  ),
  BUDGETS_ACCOUNT_ID: doc(
    z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id").optional(),
    "AWS",
    "the account that owns the budgets (default: STS GetCallerIdentity)",
  ),
  AZURE_RETAIL_PRICES_URL: doc(
    z
      .url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" })
      .default("https://prices.azure.com")
      .transform((v) => v.replace(/\/+$/, "")),
    "Azure",
    "base URL of the Azure Retail Prices API (`/api/retail/prices` is appended; its NextPageLinks are followed on this host only)",
  ),
  AZURE_RETAIL_PRICES_RATE_PER_SECOND: doc(
    z.coerce.number().positive().default(3),
    "Azure",
    "Retail Prices API calls per second for the whole fleet (Azure publishes no quota: gentle, and 429s are backed off with their Retry-After)",
  ),
  AZURE_RETAIL_PRICES_BURST: doc(count(10), "Azure", "Retail Prices API burst bucket for the whole fleet"),
  GCP_API_KEY: doc(
    z
      .string()
      .regex(/^[A-Za-z0-9_-]{10,200}$/, "must be a Google Cloud API key (letters, digits, - and _)")
      .optional()
      .or(z.literal("").transform(() => undefined)),
    "GCP",
    "API key for the Cloud Billing Catalog API (a secret: sent in the `x-goog-api-key` header, never logged); unset = GCP prices come from the fallback tables, and `/healthz` says so",
  ),
  GCP_CLOUD_BILLING_URL: doc(
    z.url({ protocol: /^https?$/, error: "must be an http:// or https:// URL" }).default("https://cloudbilling.googleapis.com"),
    "GCP",
    "base URL of the Cloud Billing Catalog API (tests and operators may point it at a fake or a proxy)",
  ),
  GCP_BILLING_ATTEMPT_TIMEOUT_MS: doc(
    ms(30_000),
    "GCP",
    "deadline of one Cloud Billing Catalog page (5,000 SKUs are megabytes of JSON); a page call may retry while twice this has not passed",
  ),
  GCP_CATALOG_WAIT_MS: doc(
    ms(5_000),
    "GCP",
    "how long a request waits for a service's catalogue that is still being read before it is answered from the fallback tables (the read goes on and fills the cache)",
  ),
  GCP_BILLING_REQUESTS_PER_MINUTE: doc(
    z.coerce.number().positive().default(300),
    "GCP",
    "Cloud Billing Catalog calls per minute for the whole project (Google's quota: 300)",
  ),
  GCP_BILLING_BURST: doc(count(10), "GCP", "Cloud Billing Catalog burst bucket for the whole project"),
  PRICEBOOK_AUTH: doc(
    z.enum(["on", "off"]).default("on"),
    "Auth and limits",
    "`off` runs without authentication (required to run live mode without keys)",
  ),
  PRICEBOOK_API_KEYS: doc(
    z.string().optional(),
    "Auth and limits",
    'JSON array of `{ "id", "sha256", "scopes" }` (from `npm run key:create`)',
  ),
  PRICEBOOK_API_KEYS_FILE: doc(z.string().min(1).optional(), "Auth and limits", "a file holding that JSON array (e.g. a mounted secret)"),
  METRICS_PUBLIC: doc(
    z.enum(["true", "false"]).default("false"),
    "Auth and limits",
    "`true` opens `/metrics` and `/readyz`'s details to anyone; otherwise they need the metrics key",
  ),
  METRICS_KEY_SHA256: doc(
    z
      .string()
      .regex(/^[0-9a-f]{64}$/, "must be the hex SHA-256 of the metrics key (npm run key:create prints it)")
      .optional(),
    "Auth and limits",
    "SHA-256 (hex) of the key `/metrics` and `/readyz?detail` require (without it, and without METRICS_PUBLIC, `/metrics` is closed)",
  ),
  RATE_LIMIT_PRICES_PER_MINUTE: doc(count(6000), "Auth and limits", "per key, `prices:read` routes"),
  RATE_LIMIT_COSTS_PER_MINUTE: doc(count(600), "Auth and limits", "per key, `costs:read` routes"),
  RATE_LIMIT_BUDGETS_READ_PER_MINUTE: doc(count(600), "Auth and limits", "per key, `budgets:read` routes"),
  RATE_LIMIT_BUDGETS_WRITE_PER_MINUTE: doc(count(60), "Auth and limits", "per key, `budgets:write` routes"),
  RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: doc(count(30), "Auth and limits", "per client address, failed authentications; past it, 429"),
  BODY_LIMIT_BYTES: doc(count(262_144), "HTTP", "largest request body (a full 500-query batch is well under it)"),
  BODY_TIMEOUT_MS: doc(ms(10_000), "HTTP", "how long a request body may take to arrive; a slower one is answered 408"),
  REQUEST_TIMEOUT_MS: doc(ms(15_000), "HTTP", "a request's own deadline; upstream work is aborted when it passes"),
  HEADERS_TIMEOUT_MS: doc(ms(10_000), "HTTP", "how long a client may take to send its request headers before the connection is closed"),
  KEEP_ALIVE_TIMEOUT_MS: doc(ms(5_000), "HTTP", "how long an idle keep-alive connection is kept open"),
  MAX_CONNECTIONS: doc(count(1024), "HTTP", "open connections one instance accepts; more are refused"),
  SHUTDOWN_TIMEOUT_MS: doc(ms(10_000), "HTTP", "how long in-flight requests get to finish on shutdown"),
  SHUTDOWN_DRAIN_DELAY_MS: doc(ms(0, 0), "HTTP", "after SIGTERM, how long readiness is 503 before the server stops accepting"),
  CORS_ALLOWED_ORIGINS: doc(
    z
      .string()
      .optional()
      .transform((v) => (v ?? "").split(",").map((o) => o.trim()).filter(Boolean)),
    "HTTP",
    "comma-separated origins allowed by CORS (CORS is off when unset)",
  ),
  LOG_LEVEL: doc(
    z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    "Logs",
    "`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`",
  ),
  PIPELINE_LOG_INTERVAL_MS: doc(ms(300_000, 0), "Logs", "how often the pipeline counters are logged (0 = never)"),
  DATABASE_URL: doc(
    z
      .url({ protocol: /^postgres(ql)?$/, error: "must be a postgres:// or postgresql:// URL" })
      .optional()
      .or(z.literal("").transform(() => undefined)),
    "Store",
    "`postgres://` URL of the price store (price history, change feed, webhooks); unset = the embedded store (PGlite)",
  ),
  PRICE_STORE_DIR: doc(
    z.string().min(1).optional(),
    "Store",
    "directory of the embedded store's data when `DATABASE_URL` is unset; unset = in memory (history lasts as long as the process)",
  ),
};

export const envSchema = z.object(envShape);

/** Every setting, by its environment variable's name, parsed and defaulted. */
export type Config = Readonly<z.output<typeof envSchema>>;

/** Thrown when the environment is invalid; the message names every bad variable. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`);
    throw new ConfigError(`invalid configuration: ${lines.join("; ")}`);
  }
  return Object.freeze(parsed.data);
}

export interface SettingDoc {
  name: string;
  group: Group;
  default: string | undefined;
  description: string;
}

/** The documentation of every setting, read from the schema itself (for docs/settings.md). */
export function settingDocs(): SettingDoc[] {
  return Object.entries(envShape).map(([name, schema]) => {
    const meta = z.globalRegistry.get(schema) as { group: Group; description: string };
    const parsed = (schema as z.ZodType).safeParse(undefined);
    const value = parsed.success ? parsed.data : undefined;
    const shown = value === undefined || (Array.isArray(value) && value.length === 0) ? undefined : String(value);
    return { name, group: meta.group, default: shown, description: meta.description };
  });
}

/** docs/settings.md, as generated from the schema. */
export function settingsMarkdown(): string {
  const docs = settingDocs();
  const groups = [...new Set(docs.map((d) => d.group))];
  const lines = [
    "# Settings",
    "",
    "Generated from `src/config.ts` by `npm run docs:settings` (a test fails when this file and the schema differ).",
    "All settings are environment variables, parsed once at start-up; a bad value stops the start with a",
    "message naming the variable. The AWS SDK also reads its own standard variables (`AWS_REGION`,",
    "`AWS_PROFILE`, `AWS_ACCESS_KEY_ID`, `AWS_ENDPOINT_URL_<SERVICE>`, …).",
  ];
  for (const group of groups) {
    lines.push("", `## ${group}`, "", "| Variable | Default | Meaning |", "|---|---|---|");
    for (const d of docs.filter((x) => x.group === group)) {
      lines.push(`| \`${d.name}\` | ${d.default === undefined ? "unset" : `\`${d.default}\``} | ${d.description} |`);
    }
  }
  return `${lines.join("\n")}\n`;
}
