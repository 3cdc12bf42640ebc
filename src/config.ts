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
  };
}
