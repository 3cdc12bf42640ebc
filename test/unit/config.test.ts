import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.ts";

describe("loadConfig", () => {
  it("applies defaults on an empty environment", () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 8787,
      mode: "auto",
      redisUrl: undefined,
      priceCacheTtlMs: 3_600_000,
      logLevel: "info",
      fallbackPricingDir: "fallback-pricing",
    });
  });

  it("reads every variable it knows", () => {
    const config = loadConfig({
      PORT: "9000",
      PRICEBOOK_MODE: "live",
      REDIS_URL: "redis://127.0.0.1:6379",
      PRICE_CACHE_TTL_MS: "1000",
      PRICE_NOT_FOUND_TTL_MS: "500",
      LOG_LEVEL: "debug",
    });
    expect(config).toMatchObject({
      port: 9000,
      mode: "live",
      redisUrl: "redis://127.0.0.1:6379",
      priceCacheTtlMs: 1000,
      priceNotFoundTtlMs: 500,
      logLevel: "debug",
    });
  });

  it("treats an empty REDIS_URL as unset", () => {
    expect(loadConfig({ REDIS_URL: "" }).redisUrl).toBeUndefined();
  });

  it.each([
    ["PORT", "eighty"],
    ["PORT", "70000"],
    ["PRICEBOOK_MODE", "sometimes"],
    ["REDIS_URL", "http://localhost:6379"],
    ["PRICE_CACHE_TTL_MS", "-5"],
    ["LOG_LEVEL", "loud"],
  ])("fails fast naming %s when it is %s", (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(`^invalid configuration: ${name}:`));
  });
});
