/**
 * npm run bench [-- --quick]
 * Starts what it measures as real processes on loopback and drives them with autocannon, in one run:
 * the bare-Hono baseline, warm lookups (mock and live), cold stampedes (one and two instances sharing a
 * Redis), a 500-query batch, memory over 10k keys, and start-up time. Prints a table and writes
 * bench/results.json. `--quick` shrinks every size so CI only checks that each scenario runs; figures are
 * never asserted.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { cpus, totalmem } from "node:os";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import { CLOUDS, loadTables } from "../src/clouds/registry.ts";
import { createKey } from "../src/http/auth.ts";

const { values } = parseArgs({ options: { quick: { type: "boolean", default: false }, connections: { type: "string", default: "50" } } });
const QUICK = values.quick as boolean;
const CONNECTIONS = Number(values.connections);
const DURATION_S = QUICK ? 1 : 10;
const STAMPEDE = QUICK ? 50 : 500;
const MEMORY_KEYS = QUICK ? 300 : 10_000;
const MEMORY_REQUESTS = QUICK ? 600 : 20_000;
const REGIONS = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-south-1"];
const key = createKey("bench", ["prices:read"]);
const AUTH = { authorization: `Bearer ${key.key}` };

const children: ChildProcess[] = [];
process.on("exit", () => {
  for (const c of children) c.kill("SIGKILL");
});

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => (typeof a === "object" && a ? resolve(a.port) : reject(new Error("no port"))));
    });
  });
}

async function waitFor(url: string, ms = 20_000): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < ms) {
    try {
      if ((await fetch(url)).ok) return performance.now() - started;
    } catch {
      // not yet
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error(`${url} did not answer`);
}

function start(script: string, env: Record<string, string>, args: string[] = []): ChildProcess {
  const child = spawn(process.execPath, [script, ...args], { env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "", ...env }, stdio: ["ignore", "ignore", "inherit"] });
  children.push(child);
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((r) => child.once("exit", r));
  child.kill("SIGTERM");
  await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))]);
  child.kill("SIGKILL");
}

interface Load {
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  non2xx: number;
}

async function load(url: string, headers: Record<string, string> = {}, post?: string): Promise<Load> {
  const r = await autocannon({
    url,
    connections: CONNECTIONS,
    duration: DURATION_S,
    headers: post ? { ...headers, "content-type": "application/json" } : headers,
    pipelining: 1,
    ...(post ? { method: "POST" as const, body: post } : {}),
  });
  return { rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.timeouts, non2xx: r.non2xx };
}

async function pricebook(env: Record<string, string>): Promise<{ url: string; child: ChildProcess; startupMs: number }> {
  const port = await freePort();
  const child = start("src/main.ts", {
    PORT: String(port),
    HOST: "127.0.0.1",
    LOG_LEVEL: "info",
    PRICEBOOK_API_KEYS: JSON.stringify([key.entry]),
    RATE_LIMIT_PRICES_PER_MINUTE: "100000000",
    PIPELINE_LOG_INTERVAL_MS: "0",
    ...env,
  });
  const startupMs = await waitFor(`http://127.0.0.1:${port}/healthz`);
  return { url: `http://127.0.0.1:${port}`, child, startupMs };
}

async function fakeAws(args: string[]): Promise<{ url: string; child: ChildProcess; calls(): Promise<number> }> {
  const port = await freePort();
  const child = start("scripts/fake-aws.ts", {}, ["--port", String(port), ...args]);
  const url = `http://127.0.0.1:${port}`;
  await waitFor(`${url}/__fake`);
  return { url, child, calls: async () => ((await (await fetch(`${url}/__fake`)).json()) as { calls: number }).calls };
}

const liveEnv = (endpoint: string, extra: Record<string, string> = {}) => ({
  PRICEBOOK_MODE: "live",
  AWS_ENDPOINT_URL_PRICING: endpoint,
  AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
  AWS_SECRET_ACCESS_KEY: "bench",
  AWS_REGION: "us-east-1",
  ...extra,
});

async function ownRedis(): Promise<{ url: string; child: ChildProcess } | undefined> {
  if (spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status !== 0) return undefined;
  const port = await freePort();
  const child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
  children.push(child);
  for (let i = 0; i < 100; i++) {
    const ok = spawnSync("redis-cli", ["-p", String(port), "ping"], { encoding: "utf8" }).stdout?.trim() === "PONG";
    if (ok) return { url: `redis://127.0.0.1:${port}`, child };
    await new Promise((r) => setTimeout(r, 50));
  }
  return undefined;
}

const SINGLE = "/v1/prices/aws/ec2?region=us-east-1&instanceType=m5.large";
const benchTables = loadTables("fallback-pricing");
const LIST = "/v1/prices/aws/eks?region=us-east-1";
const results: Record<string, unknown> = {
  machine: { cpus: cpus().length, model: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version },
  settings: { quick: QUICK, connections: CONNECTIONS, durationSeconds: DURATION_S },
};
const rows: string[][] = [];
const row = (...cells: Array<string | number>) => rows.push(cells.map(String));

/** Resident set size of a child process, MB. */
const rssMB = (pid: number | undefined) => Number(spawnSync("ps", ["-o", "rss=", "-p", String(pid)], { encoding: "utf8" }).stdout.trim()) / 1024;

// 1. Baseline and warm lookups.
const mock = await pricebook({ PRICEBOOK_MODE: "mock" });
// Idle memory: after start-up, before any request (the fallback tables are read on first use).
await new Promise((r) => setTimeout(r, 1000));
const idleRssMB = rssMB(mock.child.pid);
const listBody = await (await fetch(`${mock.url}${LIST}`, { headers: AUTH })).text();
const singleBody = await (await fetch(`${mock.url}${SINGLE}`, { headers: AUTH })).text();
writeFileSync("/tmp/pricebook-bench-body.json", listBody);
const barePort = await freePort();
const bareStarted = performance.now();
const bare = start("bench/bare-server.ts", { PORT: String(barePort), BENCH_BODY_FILE: "/tmp/pricebook-bench-body.json" });
const bareStartupMs = await waitFor(`http://127.0.0.1:${barePort}/`) + (performance.now() - bareStarted) * 0;
await new Promise((r) => setTimeout(r, 1000));
const bareIdleRssMB = rssMB(bare.pid);
const baseline = await load(`http://127.0.0.1:${barePort}/`);
row("baseline: bare Hono, fixed body", `${listBody.length} B`, baseline.rps.toFixed(0), "1.00", baseline.p50, baseline.p99, baseline.errors + baseline.non2xx);
const warm: Record<string, Load> = {};
for (const [name, path, bytes] of [["mock single item", SINGLE, singleBody.length], ["mock list (EKS)", LIST, listBody.length]] as const) {
  warm[name] = await load(`${mock.url}${path}`, AUTH);
  row(`warm ${name}`, `${bytes} B`, warm[name].rps.toFixed(0), (warm[name].rps / baseline.rps).toFixed(2), warm[name].p50, warm[name].p99, warm[name].errors + warm[name].non2xx);
}
// The intelligence endpoints, warm: the instance search over every cloud's instance service in three
// regions each, and a 20-line estimate.
const places = CLOUDS.flatMap((cloud) => {
  const service = cloud.services.find((s) => s.instances);
  if (!service) return [];
  const regions = [cloud.regions.example, ...benchTables.regions(cloud.id, service.id).filter((r) => r !== cloud.regions.example)].slice(0, 3);
  return regions.map((r) => `${cloud.id}:${r}`);
});
const INSTANCES = `/v1/instances?minVcpu=4&minMemoryGiB=16&regions=${places.join(",")}&limit=20`;
const ESTIMATE = JSON.stringify({
  lines: Array.from({ length: 20 }, (_, i) =>
    i % 2 === 0
      ? { cloud: "aws", service: "lambda", region: "us-east-1", requestsPerMonth: 1_000_000 * (i + 1), avgDurationMs: 120, memoryMB: 512 }
      : { cloud: "aws", service: "eks", region: "us-east-1", nodes: [{ instanceType: "m5.large", count: i }] },
  ),
});
await fetch(`${mock.url}${INSTANCES}`, { headers: AUTH });
for (const [name, path, body] of [
  [`instances: ${places.length} places`, INSTANCES, undefined],
  ["estimate: 20 lines", "/v1/estimates", ESTIMATE],
] as const) {
  warm[name] = await load(`${mock.url}${path}`, AUTH, body);
  row(`warm ${name}`, "", warm[name].rps.toFixed(0), (warm[name].rps / baseline.rps).toFixed(2), warm[name].p50, warm[name].p99, warm[name].errors + warm[name].non2xx);
}
await stop(bare);

const fake = await fakeAws([]);
const live = await pricebook(liveEnv(fake.url));
await fetch(`${live.url}${SINGLE}`, { headers: AUTH });
await fetch(`${live.url}${LIST}`, { headers: AUTH });
for (const [name, path] of [["live single item", SINGLE], ["live list (EKS)", LIST]] as const) {
  warm[name] = await load(`${live.url}${path}`, AUTH);
  row(`warm ${name}`, "", warm[name].rps.toFixed(0), (warm[name].rps / baseline.rps).toFixed(2), warm[name].p50, warm[name].p99, warm[name].errors + warm[name].non2xx);
}
await stop(live.child);
await stop(fake.child);
results.baseline = baseline;
results.warm = warm;

// 2. Cold stampede: the fake adds 200 ms per call and enforces AWS's quota.
async function stampede(instances: string[]): Promise<{ upstreamCalls: number; ms: number; failed: number }> {
  const started = performance.now();
  const answers = await Promise.all(
    Array.from({ length: STAMPEDE }, (_, i) => fetch(`${instances[i % instances.length]}${LIST}`, { headers: AUTH }).then((r) => r.status, () => 0)),
  );
  return { upstreamCalls: 0, ms: Math.round(performance.now() - started), failed: answers.filter((s) => s !== 200).length };
}
const slow = await fakeAws(["--latency-ms", "200", "--quota"]);
const one = await pricebook(liveEnv(slow.url));
const s1 = await stampede([one.url]);
s1.upstreamCalls = await slow.calls();
row(`cold stampede: ${STAMPEDE} identical, 1 instance`, "", "", "", "", "", s1.failed, `${s1.upstreamCalls} upstream calls, ${s1.ms} ms to all answered`);
await stop(one.child);
const redis = await ownRedis();
let s2: { upstreamCalls: number; ms: number; failed: number } | undefined;
if (redis) {
  const before = await slow.calls();
  const a = await pricebook(liveEnv(slow.url, { REDIS_URL: redis.url }));
  const b = await pricebook(liveEnv(slow.url, { REDIS_URL: redis.url }));
  await new Promise((r) => setTimeout(r, 300));
  s2 = await stampede([a.url, b.url]);
  s2.upstreamCalls = (await slow.calls()) - before;
  row(`cold stampede: ${STAMPEDE} identical, 2 instances + Redis`, "", "", "", "", "", s2.failed, `${s2.upstreamCalls} upstream calls, ${s2.ms} ms to all answered`);
  await stop(a.child);
  await stop(b.child);
}
results.stampede = { oneInstance: s1, twoInstancesSharingRedis: s2 ?? "skipped: no redis-server" };

// 3. Batch: EC2 instance types × 6 regions, cold.
const batchInstance = await pricebook(liveEnv(slow.url));
const types = ["m5.large", "c5.xlarge", "t3.micro", "p4d.24xlarge", "u-6tb1.metal", "zz9.unknown"];
const queries = Array.from({ length: QUICK ? 60 : 500 }, (_, i) => ({ service: "ec2", region: REGIONS[i % REGIONS.length], instanceType: types[Math.floor(i / REGIONS.length) % types.length] }));
const beforeBatch = await slow.calls();
const batchStarted = performance.now();
const batchRes = await fetch(`${batchInstance.url}/v1/prices/batch`, { method: "POST", headers: { ...AUTH, "content-type": "application/json" }, body: JSON.stringify({ queries }) });
const batchMs = Math.round(performance.now() - batchStarted);
const batchCalls = (await slow.calls()) - beforeBatch;
row(`batch: ${queries.length} EC2 queries × 6 regions, cold`, "", "", "", "", "", batchRes.status === 200 ? 0 : 1, `${batchCalls} upstream calls, ${batchMs} ms`);
results.batch = { queries: queries.length, status: batchRes.status, upstreamCalls: batchCalls, ms: batchMs };
await stop(batchInstance.child);
await stop(slow.child);

// 4. Memory over many distinct keys (live, fast fake, limiter opened up: this measures the cache).
const many = await fakeAws(["--extra-ec2-types", String(Math.ceil(MEMORY_KEYS / REGIONS.length))]);
const memInstance = await pricebook(liveEnv(many.url, { PRICING_RATE_PER_SECOND: "100000", PRICING_BURST: "100000", UPSTREAM_MAX_CONCURRENT: "32" }));
const pid = memInstance.child.pid as number;
for (let i = 0; i < MEMORY_REQUESTS; i += 50) {
  await Promise.all(
    Array.from({ length: 50 }, (_, j) => {
      const n = (i + j) % MEMORY_KEYS;
      return fetch(`${memInstance.url}/v1/prices/aws/ec2?region=${REGIONS[n % REGIONS.length]}&instanceType=bench${Math.floor(n / REGIONS.length)}.large`, { headers: AUTH }).then((r) => r.arrayBuffer());
    }),
  );
}
const rssKb = Number(spawnSync("ps", ["-o", "rss=", "-p", String(pid)], { encoding: "utf8" }).stdout.trim());
row(`memory: RSS after ${MEMORY_REQUESTS} requests over ${MEMORY_KEYS} keys`, "", "", "", "", "", 0, `${(rssKb / 1024).toFixed(1)} MB RSS (LRU bound: CACHE_MAX_BYTES = 64 MiB)`);
results.memory = { requests: MEMORY_REQUESTS, distinctKeys: MEMORY_KEYS, rssMB: rssKb / 1024, lruMaxBytes: 64 * 1024 * 1024 };
await stop(memInstance.child);
await stop(many.child);

// 5. Start-up: process start to the first 200 on /healthz.
row("start-up: process start → first 200 /healthz", "", "", "", "", "", 0, `pricebook ${mock.startupMs.toFixed(0)} ms vs bare ${bareStartupMs.toFixed(0)} ms`);
results.startup = { pricebookMs: mock.startupMs, bareMs: bareStartupMs };
row("idle: RSS after start-up, before any request", "", "", (idleRssMB / bareIdleRssMB).toFixed(2), "", "", 0, `pricebook ${idleRssMB.toFixed(1)} MB vs bare ${bareIdleRssMB.toFixed(1)} MB`);
results.idle = { pricebookRssMB: idleRssMB, bareRssMB: bareIdleRssMB };
await stop(mock.child);

const header = ["scenario", "body", "req/s", "× baseline", "p50 ms", "p99 ms", "errors", "notes"];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
const fmt = (cells: string[]) => header.map((_, i) => (cells[i] ?? "").padEnd(widths[i] ?? 0)).join(" | ");
console.log(`\nPricebook bench (${QUICK ? "quick" : "full"}), ${CONNECTIONS} connections, ${DURATION_S} s per load, on ${cpus().length} × ${cpus()[0]?.model}, Node ${process.version}`);
console.log(fmt(header));
console.log(widths.map((w) => "-".repeat(w)).join("-|-"));
for (const r of rows) console.log(fmt(r));
writeFileSync("bench/results.json", `${JSON.stringify({ ...results, table: rows, at: new Date().toISOString() }, null, 2)}\n`);
console.log("\nwrote bench/results.json");
process.exit(0);
