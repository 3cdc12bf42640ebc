import type { Logger } from "pino";
import type { AppServices } from "./app.ts";
import type { ModeDecision } from "./aws/mode.ts";
import type { Config } from "./config.ts";
import type { FallbackTables } from "./fallback/tables.ts";
import { FallbackPriceProvider } from "./pricing/fallback-provider.ts";

export interface ServiceDeps {
  config: Config;
  logger: Logger;
  mode: ModeDecision;
  tables: FallbackTables;
  version: string;
}

/** The composition root: every long-lived service is built here, once. */
export function createServices(deps: ServiceDeps): AppServices {
  return {
    mode: deps.mode.mode,
    version: deps.version,
    logger: deps.logger,
    prices: new FallbackPriceProvider(deps.tables),
  };
}
