import { pino } from "pino";
import { type AppServices, createApp } from "../../src/app.ts";
import type { ComposedCloud } from "../../src/clouds/types.ts";
import type { PriceProvider } from "../../src/domain/price.ts";
import { loadConfig } from "../../src/config.ts";
import { loadTables } from "../../src/clouds/registry.ts";
import type { FallbackTables } from "../../src/fallback/tables.ts";
import { createServices, type Services } from "../../src/services.ts";
import { AWS_OPTION_HINTS, AWS_SERVICES } from "../../src/clouds/aws/catalog.ts";
import { FallbackPriceProvider } from "../../src/pricing/fallback-provider.ts";
import { PurchaseOptionPrices } from "../../src/pricing/purchase-provider.ts";

export const silentLogger = pino({ level: "silent" });

let shipped: FallbackTables | undefined;

/**
 * The real fallback tables shipped in the repo, loaded once per test worker: a region's file is read and
 * validated on first use, and tens of thousands of rows need not be read again by every app a test
 * builds (tests of lazy loading use `loadTables` for a fresh instance).
 */
export function realTables(): FallbackTables {
  shipped ??= loadTables("fallback-pricing");
  return shipped;
}

/** Mock-mode services built by the real composition root, with settings from `env`. */
export function mockServices(
  tables: FallbackTables = realTables(),
  env: Record<string, string> = {},
  logger = silentLogger,
  now?: () => Date,
): Services {
  return createServices({
    config: loadConfig({ PRICEBOOK_MODE: "mock", ...env }),
    logger,
    mode: { mode: "mock", reason: "test" },
    tables,
    version: "test",
    ...(now ? { now } : {}),
  });
}

/** A mock-mode app (open: no keys configured). */
export function mockApp(tables: FallbackTables = realTables(), env: Record<string, string> = {}) {
  return createApp(mockServices(tables, env));
}

/** The same services with AWS's price provider replaced (to make it fail or hang in a test). */
export function withAwsPrices(services: Services, prices: (original: PriceProvider) => PriceProvider["price"]): AppServices {
  const composed = new Map(services.composed);
  const aws = services.composed.get("aws") as ComposedCloud;
  composed.set("aws", { ...aws, prices: { origin: aws.prices.origin, price: prices(aws.prices) } });
  return { ...services, composed };
}

/** AWS prices as mock mode composes them for the mock account: the tables behind the purchase options. */
export function mockAwsPrices(): PurchaseOptionPrices {
  return new PurchaseOptionPrices("aws", AWS_SERVICES, new FallbackPriceProvider("aws", AWS_SERVICES, realTables(), "mock"), realTables(), {}, AWS_OPTION_HINTS);
}
