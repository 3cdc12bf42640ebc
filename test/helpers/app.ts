import { pino } from "pino";
import { createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { type FallbackTables, loadFallbackTables } from "../../src/fallback/tables.ts";
import { createServices, type Services } from "../../src/services.ts";

export const silentLogger = pino({ level: "silent" });

/** The real fallback tables shipped in the repo. */
export function realTables(): FallbackTables {
  return loadFallbackTables("fallback-pricing");
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
