import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";
import { Redis } from "ioredis";

/**
 * Tests of the Redis tier talk to a real Redis at REDIS_URL (default redis://127.0.0.1:6379). When none
 * answers they are skipped with a visible notice; with REQUIRE_REDIS=1 (CI) that is a failure instead.
 */
const BASE_URL = process.env.REDIS_URL || "redis://127.0.0.1:6379";
const REQUIRED = process.env.REQUIRE_REDIS === "1";

async function ping(url: string): Promise<boolean> {
  const client = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  client.on("error", () => undefined);
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

/** The test database URL (db 15, flushed by the tests that use it), or undefined when Redis is absent. */
export async function testRedisUrl(): Promise<string | undefined> {
  const url = `${BASE_URL.replace(/\/\d+$/, "")}/15`;
  if (await ping(url)) return url;
  const message = `Redis not reachable at ${BASE_URL}: Redis-tier tests are SKIPPED (set REDIS_URL, or REQUIRE_REDIS=1 to fail instead)`;
  if (REQUIRED) throw new Error(`REQUIRE_REDIS=1 but ${message}`);
  console.warn(`\n⚠ ${message}\n`);
  return undefined;
}

export async function flush(url: string): Promise<void> {
  const client = new Redis(url);
  await client.flushdb();
  client.disconnect();
}

export function redisServerAvailable(): boolean {
  const found = spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
  if (!found) {
    const message = "redis-server is not installed: tests that stop and restart their own Redis are SKIPPED";
    if (REQUIRED) throw new Error(`REQUIRE_REDIS=1 but ${message}`);
    console.warn(`\n⚠ ${message}\n`);
  }
  return found;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}

/** A private redis-server that a test can kill and restart on the same port. */
export class OwnRedis {
  #child: ChildProcess | undefined;
  readonly port: number;

  constructor(port: number) {
    this.port = port;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.#child = spawn(
      "redis-server",
      ["--port", String(this.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
      { stdio: "ignore" },
    );
    for (let i = 0; i < 100; i++) {
      if (await ping(this.url)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`redis-server on port ${this.port} did not start`);
  }

  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGKILL");
    await exited;
  }
}
