import { z } from "zod";

/**
 * The one reader of the environment. `main.ts` passes `process.env` in; tests pass plain objects.
 * Every setting has its unit in its name; a bad value stops the start with the variable named.
 */
const envSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  HOST: z.string().min(1).default("0.0.0.0"),
  PRICEBOOK_MODE: z.enum(["auto", "live", "mock"]).default("auto"),
  REDIS_URL: z
    .url({ protocol: /^rediss?$/, error: "must be a redis:// or rediss:// URL" })
    .optional()
    .or(z.literal("").transform(() => undefined)),
  PRICE_CACHE_TTL_MS: z.coerce.number().int().positive().default(3_600_000),
  PRICE_NOT_FOUND_TTL_MS: z.coerce.number().int().positive().default(60_000),
  CREDENTIALS_DETECT_TIMEOUT_MS: z.coerce.number().int().positive().max(30_000).default(3_000),
  FALLBACK_PRICING_DIR: z.string().min(1).default("fallback-pricing"),
  PRICING_API_REGION: z.enum(["us-east-1", "eu-central-1", "ap-south-1"]).default("us-east-1"),
  PRICE_STALE_TTL_MS: z.coerce.number().int().min(0).default(86_400_000),
  CACHE_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(64 * 1024 * 1024),
  CACHE_LOCK_TTL_MS: z.coerce.number().int().positive().default(10_000),
  CACHE_LOCK_WAIT_MS: z.coerce.number().int().min(0).default(3_000),
  PRICING_RATE_PER_SECOND: z.coerce.number().positive().default(5),
  PRICING_BURST: z.coerce.number().int().positive().default(10),
  LIMITER_LOCAL_SHARE: z.coerce.number().positive().max(1).default(1),
  UPSTREAM_MAX_CONCURRENT: z.coerce.number().int().positive().default(4),
  UPSTREAM_RETRIES: z.coerce.number().int().min(0).max(10).default(2),
  UPSTREAM_ATTEMPT_TIMEOUT_MS: z.coerce.number().int().positive().default(3_000),
  UPSTREAM_DEADLINE_MS: z.coerce.number().int().positive().default(8_000),
  BREAKER_VOLUME_THRESHOLD: z.coerce.number().int().min(1).default(5),
  BREAKER_ERROR_PERCENT: z.coerce.number().int().min(1).max(100).default(50),
  BREAKER_RESET_MS: z.coerce.number().int().positive().default(30_000),
  BREAKER_WINDOW_MS: z.coerce.number().int().positive().default(10_000),
  PRICEBOOK_AUTH: z.enum(["on", "off"]).default("on"),
  PRICEBOOK_API_KEYS: z.string().optional(),
  PRICEBOOK_API_KEYS_FILE: z.string().min(1).optional(),
  METRICS_KEY_SHA256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, "must be the hex SHA-256 of the metrics key (npm run key:create prints it)")
    .optional(),
  RATE_LIMIT_PRICES_PER_MINUTE: z.coerce.number().int().positive().default(6000),
  RATE_LIMIT_COSTS_PER_MINUTE: z.coerce.number().int().positive().default(600),
  RATE_LIMIT_BUDGETS_READ_PER_MINUTE: z.coerce.number().int().positive().default(600),
  RATE_LIMIT_BUDGETS_WRITE_PER_MINUTE: z.coerce.number().int().positive().default(60),
  BODY_LIMIT_BYTES: z.coerce.number().int().positive().default(1_048_576),
  REQUEST_TIMEOUT_MS: z.coerce.number().int().positive().default(15_000),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  SHUTDOWN_DRAIN_DELAY_MS: z.coerce.number().int().min(0).default(0),
  CORS_ALLOWED_ORIGINS: z.string().optional(),
  COST_CACHE_TTL_MS: z.coerce.number().int().positive().default(1_800_000),
  BUDGETS_ACCOUNT_ID: z.string().regex(/^\d{12}$/, "must be a 12-digit AWS account id").optional(),
  PIPELINE_LOG_INTERVAL_MS: z.coerce.number().int().min(0).default(300_000),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
});

export type Config = {
  port: number;
  host: string;
  mode: "auto" | "live" | "mock";
  redisUrl: string | undefined;
  priceCacheTtlMs: number;
  priceNotFoundTtlMs: number;
  credentialsDetectTimeoutMs: number;
  fallbackPricingDir: string;
  logLevel: z.infer<typeof envSchema>["LOG_LEVEL"];
  pricingApiRegion: "us-east-1" | "eu-central-1" | "ap-south-1";
  /** How often the pipeline's counters are logged (0 = never). */
  pipelineLogIntervalMs: number;
  auth: {
    enabled: boolean;
    /** Key entries as JSON (from PRICEBOOK_API_KEYS), or a file that holds them. */
    keysJson: string | undefined;
    keysFile: string | undefined;
    metricsKeySha256: string | undefined;
  };
  rateLimits: { prices: number; costs: number; budgetsRead: number; budgetsWrite: number };
  /** Cost Explorer answers are cached this long (every request costs USD 0.01). */
  costCacheTtlMs: number;
  /** The account that owns the budgets; when unset, STS GetCallerIdentity tells. */
  budgetsAccountId: string | undefined;
  http: {
    bodyLimitBytes: number;
    requestTimeoutMs: number;
    shutdownTimeoutMs: number;
    shutdownDrainDelayMs: number;
    corsAllowedOrigins: string[];
  };
  cache: {
    staleTtlMs: number;
    maxBytes: number;
    lockTtlMs: number;
    lockWaitMs: number;
  };
  pricing: {
    ratePerSecond: number;
    burst: number;
    localShare: number;
    maxConcurrent: number;
  };
  upstream: {
    retries: number;
    attemptTimeoutMs: number;
    deadlineMs: number;
  };
  breaker: {
    volumeThreshold: number;
    errorThresholdPercentage: number;
    resetTimeoutMs: number;
    rollingWindowMs: number;
  };
};

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
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    mode: e.PRICEBOOK_MODE,
    redisUrl: e.REDIS_URL,
    priceCacheTtlMs: e.PRICE_CACHE_TTL_MS,
    priceNotFoundTtlMs: e.PRICE_NOT_FOUND_TTL_MS,
    credentialsDetectTimeoutMs: e.CREDENTIALS_DETECT_TIMEOUT_MS,
    fallbackPricingDir: e.FALLBACK_PRICING_DIR,
    logLevel: e.LOG_LEVEL,
    pricingApiRegion: e.PRICING_API_REGION,
    pipelineLogIntervalMs: e.PIPELINE_LOG_INTERVAL_MS,
    auth: {
      enabled: e.PRICEBOOK_AUTH === "on",
      keysJson: e.PRICEBOOK_API_KEYS,
      keysFile: e.PRICEBOOK_API_KEYS_FILE,
      metricsKeySha256: e.METRICS_KEY_SHA256,
    },
    costCacheTtlMs: e.COST_CACHE_TTL_MS,
    budgetsAccountId: e.BUDGETS_ACCOUNT_ID,
    rateLimits: {
      prices: e.RATE_LIMIT_PRICES_PER_MINUTE,
      costs: e.RATE_LIMIT_COSTS_PER_MINUTE,
      budgetsRead: e.RATE_LIMIT_BUDGETS_READ_PER_MINUTE,
      budgetsWrite: e.RATE_LIMIT_BUDGETS_WRITE_PER_MINUTE,
    },
    http: {
      bodyLimitBytes: e.BODY_LIMIT_BYTES,
      requestTimeoutMs: e.REQUEST_TIMEOUT_MS,
      shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
      shutdownDrainDelayMs: e.SHUTDOWN_DRAIN_DELAY_MS,
      corsAllowedOrigins: (e.CORS_ALLOWED_ORIGINS ?? "").split(",").map((o) => o.trim()).filter(Boolean),
    },
    cache: {
      staleTtlMs: e.PRICE_STALE_TTL_MS,
      maxBytes: e.CACHE_MAX_BYTES,
      lockTtlMs: e.CACHE_LOCK_TTL_MS,
      lockWaitMs: e.CACHE_LOCK_WAIT_MS,
    },
    pricing: {
      ratePerSecond: e.PRICING_RATE_PER_SECOND,
      burst: e.PRICING_BURST,
      localShare: e.LIMITER_LOCAL_SHARE,
      maxConcurrent: e.UPSTREAM_MAX_CONCURRENT,
    },
    upstream: {
      retries: e.UPSTREAM_RETRIES,
      attemptTimeoutMs: e.UPSTREAM_ATTEMPT_TIMEOUT_MS,
      deadlineMs: e.UPSTREAM_DEADLINE_MS,
    },
    breaker: {
      volumeThreshold: e.BREAKER_VOLUME_THRESHOLD,
      errorThresholdPercentage: e.BREAKER_ERROR_PERCENT,
      resetTimeoutMs: e.BREAKER_RESET_MS,
      rollingWindowMs: e.BREAKER_WINDOW_MS,
    },
  };
}
