import { readFileSync } from "node:fs";
import type { Server } from "node:http";
import { serve } from "@hono/node-server";
import { pino } from "pino";
import { createApp } from "./app.ts";
import { credentialConfiguration, decideMode, defaultCredentialProbe } from "./clouds/aws/mode.ts";
import { loadTables } from "./clouds/registry.ts";
import { loadConfig } from "./config.ts";
import { createServices } from "./services.ts";

/** Start-up: config → fallback tables → mode → services → app → listen. Any failure exits 1 with its reason. */
async function main(): Promise<void> {
  const config = loadConfig(process.env);
  // Logs are written asynchronously (buffered, flushed on exit) so that logging stays off the hot path.
  const destination = pino.destination({ dest: 1, sync: false });
  const logger = pino(
    {
      level: config.LOG_LEVEL,
      base: { service: "pricebook" },
      // Defence in depth: nothing logs headers or keys, and these paths are censored if anything ever does.
      redact: {
        paths: ["authorization", "*.authorization", "headers.authorization", "*.headers.authorization", "apiKey", "*.apiKey", "key.hash", "token", "*.token"],
        censor: "[redacted]",
      },
    },
    destination,
  );
  // The per-request line has fixed, non-secret fields (ids, route pattern, status, timing, key id).
  const requestLogger = pino({ level: config.LOG_LEVEL, base: { service: "pricebook" } }, destination);
  process.once("exit", () => destination.flushSync());
  const version = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string })
    .version;
  const tables = loadTables(config.FALLBACK_PRICING_DIR);
  const configured = credentialConfiguration(process.env);
  const mode = await decideMode(config.PRICEBOOK_MODE, defaultCredentialProbe(), config.CREDENTIALS_DETECT_TIMEOUT_MS, configured);
  const services = createServices({ config, logger, requestLogger, mode, tables, version });
  services.metrics.collectProcessMetrics();
  const app = createApp(services);

  const cache = config.REDIS_URL ? "Redis, then in-process LRU" : "in-process only";
  // Slow clients cannot hold connections: headers must arrive within HEADERS_TIMEOUT_MS (checked every
  // second, not Node's default 30 s), bodies within BODY_TIMEOUT_MS (408, in the app), and one
  // instance keeps at most MAX_CONNECTIONS open.
  const server = serve(
    {
      fetch: app.fetch,
      port: config.PORT,
      hostname: config.HOST,
      serverOptions: {
        headersTimeout: config.HEADERS_TIMEOUT_MS,
        requestTimeout: config.HEADERS_TIMEOUT_MS + config.BODY_TIMEOUT_MS + config.REQUEST_TIMEOUT_MS,
        keepAliveTimeout: config.KEEP_ALIVE_TIMEOUT_MS,
        connectionsCheckingInterval: 1_000,
      },
    },
    (info) => {
      logger.info(
        { port: info.port, mode: mode.mode, cache, version },
        `pricebook ${version} listening on ${info.address}:${info.port} in ${mode.mode} mode (${mode.reason}); ${services.authSummary}; cache: ${cache}; fallback tables: ${tables.files.length} files`,
      );
    },
  ) as Server;
  server.maxConnections = config.MAX_CONNECTIONS;

  if (config.PIPELINE_LOG_INTERVAL_MS > 0) {
    setInterval(() => {
      services.metrics.snapshot().then(
        (pipeline) => logger.info({ pipeline }, "pipeline counters"),
        (error: unknown) => logger.warn({ err: error }, "could not read the pipeline counters"),
      );
    }, config.PIPELINE_LOG_INTERVAL_MS).unref();
  }

  /**
   * Graceful shutdown: readiness turns 503 (a load balancer stops sending), after an optional drain
   * delay the server stops accepting, in-flight requests get until the deadline, then Redis, limiters
   * and breakers are closed. Exit 0 when all of that went well.
   */
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    services.lifecycle.shuttingDown = true;
    logger.info({ signal }, "shutting down: readiness is 503");
    if (config.SHUTDOWN_DRAIN_DELAY_MS > 0) await new Promise((r) => setTimeout(r, config.SHUTDOWN_DRAIN_DELAY_MS));
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    const deadline = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), config.SHUTDOWN_TIMEOUT_MS).unref());
    if ((await Promise.race([closed, deadline])) === "timeout") {
      logger.warn({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, "in-flight requests did not finish in time; closing their connections");
      server.closeAllConnections();
    }
    try {
      await services.close();
      logger.info("stopped");
      process.exit(0);
    } catch (error) {
      logger.error({ err: error }, "error while closing services");
      process.exit(1);
    }
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  process.stderr.write(`pricebook failed to start: ${message}\n`);
  process.exit(1);
});
