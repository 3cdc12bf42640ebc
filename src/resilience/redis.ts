import { Redis } from "ioredis";
import type { Logger } from "pino";

/**
 * A Redis connection that never makes a request wait on Redis: no offline queue (commands fail at once
 * while disconnected), a short command timeout, and reconnects forever with a capped backoff (never
 * `null` from retryStrategy: that would stop reconnecting for good). RESP2, because bottleneck's Lua
 * scripts were written for it.
 */
export function createRedis(url: string, logger: Logger, purpose: string): Redis {
  const redis = new Redis(url, {
    protocol: 2,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 250,
    connectTimeout: 1500,
    retryStrategy: (times) => Math.min(times * 200, 5000),
    lazyConnect: false,
    connectionName: `pricebook-${purpose}`,
  });
  let lastError = "";
  redis.on("error", (error: Error) => {
    // One line per distinct error, not one per reconnect attempt.
    if (error.message !== lastError) logger.warn({ purpose, err: error.message }, "redis error");
    lastError = error.message;
  });
  redis.on("ready", () => {
    if (lastError) logger.info({ purpose }, "redis ready again");
    lastError = "";
  });
  return redis;
}
