import { readFileSync } from "node:fs";
import { serve } from "@hono/node-server";
import { pino } from "pino";
import { createApp } from "./app.ts";
import { decideMode, defaultCredentialProbe } from "./aws/mode.ts";
import { loadConfig } from "./config.ts";
import { loadFallbackTables } from "./fallback/tables.ts";
import { createServices } from "./services.ts";

/** Start-up: config → fallback tables → mode → services → app → listen. Any failure exits 1 with its reason. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = pino({ level: config.logLevel, base: { service: "pricebook" } });
  const version = (
    JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }
  ).version;
  const tables = loadFallbackTables(config.fallbackPricingDir);
  const mode = await decideMode(config.mode, defaultCredentialProbe(), config.credentialsDetectTimeoutMs);
  const services = createServices({ config, logger, mode, tables, version });
  const app = createApp(services);

  const cache = config.redisUrl ? "Redis, then in-process LRU" : "in-process only";
  const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
    logger.info(
      { port: info.port, mode: mode.mode, cache, version },
      `pricebook ${version} listening on ${info.address}:${info.port} in ${mode.mode} mode (${mode.reason}); cache: ${cache}; fallback tables: ${tables.files.length} files`,
    );
  });

  if (config.pipelineLogIntervalMs > 0) {
    setInterval(() => {
      services.metrics.snapshot().then(
        (pipeline) => logger.info({ pipeline }, "pipeline counters"),
        (error: unknown) => logger.warn({ err: error }, "could not read the pipeline counters"),
      );
    }, config.pipelineLogIntervalMs).unref();
  }

  const stop = (signal: string) => {
    logger.info({ signal }, "shutting down");
    server.close(() => {
      services.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, "error while closing services");
          process.exit(1);
        },
      );
    });
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stderr.write(`pricebook failed to start: ${message}\n`);
  process.exit(1);
});
