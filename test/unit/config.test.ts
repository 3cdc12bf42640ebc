import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ConfigError, envSchema, loadConfig, settingDocs, settingsMarkdown } from "../../src/config.ts";

/** A valid, non-default value for every setting, so that a setting that is not read fails the test. */
const NON_DEFAULTS: Record<string, [string, unknown]> = {
  PORT: ["9000", 9000],
  HOST: ["127.0.0.1", "127.0.0.1"],
  PRICEBOOK_MODE: ["live", "live"],
  CREDENTIALS_DETECT_TIMEOUT_MS: ["1234", 1234],
  FALLBACK_PRICING_DIR: ["/srv/tables", "/srv/tables"],
  REDIS_URL: ["redis://127.0.0.1:6379", "redis://127.0.0.1:6379"],
  PRICE_CACHE_TTL_MS: ["1000", 1000],
  PRICE_NOT_FOUND_TTL_MS: ["500", 500],
  PRICE_STALE_TTL_MS: ["0", 0],
  COST_CACHE_TTL_MS: ["7", 7],
  SPOT_PRICE_TTL_MS: ["37", 37],
  SPOT_ADVISOR_TTL_MS: ["38", 38],
  SAVINGS_PLANS_TTL_MS: ["41", 41],
  CACHE_MAX_BYTES: ["1024", 1024],
  CACHE_LOCK_TTL_MS: ["11", 11],
  CACHE_LOCK_WAIT_MS: ["0", 0],
  LIMITER_LOCAL_SHARE: ["0.25", 0.25],
  UPSTREAM_MAX_CONCURRENT: ["9", 9],
  UPSTREAM_RETRIES: ["0", 0],
  UPSTREAM_ATTEMPT_TIMEOUT_MS: ["13", 13],
  UPSTREAM_DEADLINE_MS: ["14", 14],
  MAX_UPSTREAM_CALLS_PER_REQUEST: ["29", 29],
  BREAKER_VOLUME_THRESHOLD: ["15", 15],
  BREAKER_ERROR_PERCENT: ["16", 16],
  BREAKER_RESET_MS: ["17", 17],
  BREAKER_WINDOW_MS: ["18", 18],
  PRICING_API_REGION: ["ap-south-1", "ap-south-1"],
  PRICING_RATE_PER_SECOND: ["2.5", 2.5],
  PRICING_BURST: ["19", 19],
  EC2_RATE_PER_SECOND: ["3.5", 3.5],
  EC2_BURST: ["39", 39],
  SAVINGS_PLANS_RATE_PER_SECOND: ["1.5", 1.5],
  SAVINGS_PLANS_BURST: ["42", 42],
  SPOT_ADVISOR_URL: ["http://127.0.0.1:4567/advisor.json", "http://127.0.0.1:4567/advisor.json"],
  AWS_PRICING_OFFERS_URL: ["http://mirror.internal:8080/aws", "http://mirror.internal:8080/aws"],
  AZURE_RETAIL_PRICES_URL: ["http://127.0.0.1:4567/", "http://127.0.0.1:4567"],
  AZURE_RETAIL_PRICES_RATE_PER_SECOND: ["7", 7],
  AZURE_RETAIL_PRICES_BURST: ["21", 21],
  BUDGETS_ACCOUNT_ID: ["123456789012", "123456789012"],
  GCP_API_KEY: ["AIzaSyTestKey_0123456789", "AIzaSyTestKey_0123456789"],
  GCP_CLOUD_BILLING_URL: ["http://127.0.0.1:4567", "http://127.0.0.1:4567"],
  GCP_BILLING_ATTEMPT_TIMEOUT_MS: ["35", 35],
  GCP_CATALOG_WAIT_MS: ["36", 36],
  GCP_BILLING_REQUESTS_PER_MINUTE: ["120", 120],
  GCP_BILLING_BURST: ["3", 3],
  PRICEBOOK_AUTH: ["off", "off"],
  PRICEBOOK_API_KEYS: ["[]", "[]"],
  PRICEBOOK_API_KEYS_FILE: ["/run/secrets/keys", "/run/secrets/keys"],
  METRICS_KEY_SHA256: ["a".repeat(64), "a".repeat(64)],
  METRICS_PUBLIC: ["true", "true"],
  HEADERS_TIMEOUT_MS: ["32", 32],
  KEEP_ALIVE_TIMEOUT_MS: ["33", 33],
  MAX_CONNECTIONS: ["34", 34],
  RATE_LIMIT_PRICES_PER_MINUTE: ["20", 20],
  RATE_LIMIT_COSTS_PER_MINUTE: ["21", 21],
  RATE_LIMIT_BUDGETS_READ_PER_MINUTE: ["22", 22],
  RATE_LIMIT_BUDGETS_WRITE_PER_MINUTE: ["23", 23],
  RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: ["31", 31],
  BODY_LIMIT_BYTES: ["24", 24],
  BODY_TIMEOUT_MS: ["28", 28],
  REQUEST_TIMEOUT_MS: ["25", 25],
  SHUTDOWN_TIMEOUT_MS: ["26", 26],
  SHUTDOWN_DRAIN_DELAY_MS: ["27", 27],
  CORS_ALLOWED_ORIGINS: ["https://a.example, https://b.example", ["https://a.example", "https://b.example"]],
  LOG_LEVEL: ["debug", "debug"],
  PIPELINE_LOG_INTERVAL_MS: ["0", 0],
  DATABASE_URL: ["postgres://postgres@127.0.0.1:5432/test", "postgres://postgres@127.0.0.1:5432/test"],
  PRICE_STORE_DIR: ["/var/lib/pricebook", "/var/lib/pricebook"],
};

describe("loadConfig", () => {
  it("applies defaults on an empty environment", () => {
    const config = loadConfig({});
    expect(config.REDIS_URL).toBeUndefined();
    expect(config).toMatchObject({
      PORT: 8787,
      PRICEBOOK_MODE: "auto",
      PRICE_CACHE_TTL_MS: 3_600_000,
      LOG_LEVEL: "info",
      FALLBACK_PRICING_DIR: "fallback-pricing",
      CORS_ALLOWED_ORIGINS: [],
    });
  });

  it("reads every variable the schema declares, each to its own field", () => {
    const names = Object.keys(envSchema.shape);
    // The table above must cover the schema: a new setting needs a line here.
    expect(Object.keys(NON_DEFAULTS).sort()).toEqual([...names].sort());
    const config = loadConfig(Object.fromEntries(Object.entries(NON_DEFAULTS).map(([k, [v]]) => [k, v])));
    for (const [name, [, expected]] of Object.entries(NON_DEFAULTS)) {
      expect({ name, value: (config as Record<string, unknown>)[name] }).toEqual({ name, value: expected });
    }
    const defaults = loadConfig({}) as Record<string, unknown>;
    for (const [name, [, expected]] of Object.entries(NON_DEFAULTS)) expect({ name, value: defaults[name] }).not.toEqual({ name, value: expected });
  });

  it("treats an empty REDIS_URL as unset", () => {
    expect(loadConfig({ REDIS_URL: "" }).REDIS_URL).toBeUndefined();
  });

  it.each([
    ["PORT", "eighty"],
    ["PORT", "70000"],
    ["DATABASE_URL", "mysql://localhost/x"],
    ["PRICEBOOK_MODE", "sometimes"],
    ["REDIS_URL", "http://localhost:6379"],
    ["PRICE_CACHE_TTL_MS", "-5"],
    ["LOG_LEVEL", "loud"],
    ["BUDGETS_ACCOUNT_ID", "12345"],
    ["LIMITER_LOCAL_SHARE", "2"],
    ["AZURE_RETAIL_PRICES_URL", "ftp://prices.azure.com"],
    ["AZURE_RETAIL_PRICES_URL", "prices.azure.com"],
  ])("fails fast naming %s when it is %s", (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^invalid configuration: ${name}:`));
  });
});

describe("the settings documentation", () => {
  it("documents every setting with a group and a description", () => {
    const docs = settingDocs();
    expect(docs.map((d) => d.name).sort()).toEqual(Object.keys(envSchema.shape).sort());
    for (const d of docs) {
      expect(d.group, d.name).toBeTruthy();
      expect(d.description.length, d.name).toBeGreaterThan(5);
    }
  });

  it("docs/settings.md is what the schema generates (npm run docs:settings)", () => {
    expect(readFileSync("docs/settings.md", "utf8")).toBe(settingsMarkdown());
  });
});
