import { pino } from "pino";
import { createApp } from "../../src/app.ts";
import { type FallbackTables, loadFallbackTables } from "../../src/fallback/tables.ts";
import { FallbackPriceProvider } from "../../src/pricing/fallback-provider.ts";

export const silentLogger = pino({ level: "silent" });

/** The real fallback tables shipped in the repo. */
export function realTables(): FallbackTables {
  return loadFallbackTables("fallback-pricing");
}

/** A mock-mode app over the given tables, built the way `services.ts` builds it. */
export function mockApp(tables: FallbackTables = realTables()) {
  return createApp({
    mode: "mock",
    version: "test",
    logger: silentLogger,
    prices: new FallbackPriceProvider(tables),
  });
}
