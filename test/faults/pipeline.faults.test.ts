import { type ChildProcess, spawn } from "node:child_process";
import { createServer, type IncomingMessage, type Server } from "node:http";
import { mkdirSync, writeFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { getResponse } from "msw";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeBudgets, FakeCostExplorer, stsHandler } from "../fakes/billing-fake.ts";
import type { FakeMode, FakePricingApi } from "../fakes/pricing-fake.ts";
import { FAKE_CREDENTIALS, fakeWithCatalogue } from "../helpers/live.ts";
import { freePort, OwnRedis, redisServerAvailable } from "../helpers/redis.ts";

/**
 * Fault injection against real processes: a private redis-server, one loopback endpoint serving the
 * Price List fake and (through msw's getResponse) the Cost Explorer, Budgets and STS fakes, and two
 * Pricebook processes in live mode sharing that Redis, all under continuous load while Redis dies and
 * comes back, AWS throttles, fails, hangs and answers garbage, and one instance is SIGKILLed.
 */

const ATTEMPT_TIMEOUT_MS = 500;
const DEADLINE_MS = 1500;
/** Queueing on a 2-core machine shared by the test, two instances, Redis and the fake. */
const LATENCY_MARGIN_MS = 1500;
const BURST = 10;
const RATE = 5;
const BREAKER_RESET_MS = 2000;
const CONCURRENCY = 10;
/** Records that start this soon after a switch of the fake's mode may still see the previous mode. */
const GRACE_MS = DEADLINE_MS + 500;

const PRICE_PATHS = [
  "/v1/prices/aws/eks?region=us-east-1",
  "/v1/prices/aws/eks?region=eu-west-1",
  "/v1/prices/aws/ec2?region=us-east-1&instanceType=m5.large,c5.xlarge",
  "/v1/prices/aws/ec2?region=eu-west-1&instanceType=m5.large,t3.micro",
  "/v1/prices/aws/ec2?region=us-east-2&instanceType=c5.xlarge",
  "/v1/prices/aws/lambda?region=us-east-1",
  "/v1/prices/aws/sagemaker?region=us-east-1&component=training&instanceType=ml.m5.xlarge",
  "/v1/prices/aws/sagemaker?region=eu-west-1&component=hosting&instanceType=ml.m5.xlarge",
];

type Kind = "healthy" | "recovering" | "redis-down" | "redis-back" | "fault" | "killed";

interface Phase {
  name: string;
  kind: Kind;
  start: number;
  end: number;
}

interface Rec {
  phase: string;
  instance: string;
  path: string;
  /** HTTP status, or 0 when the connection failed. */
  status: number;
  ms: number;
  started: number;
  sources: string[];
  code?: string;
  retryAfter?: string | null;
  body?: string;
  /** A connection error to the instance this test killed on purpose. */
  expectedConnError?: boolean;
}

interface Instance {
  name: string;
  base: string;
  child: ChildProcess;
  output: string[];
  exited: Promise<number | null>;
  killed: boolean;
  dead: boolean;
}

interface BudgetAnswer {
  key: string;
  name: string;
  phase: string;
  instance: string;
  status: number;
  body: string;
  replayed: string | null;
  retryAfter: string | null;
  code?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

const HOP_HEADERS = new Set(["host", "connection", "content-length", "transfer-encoding", "keep-alive", "expect"]);

/**
 * One loopback endpoint for every AWS API Pricebook calls: Price List requests go to the
 * FakePricingApi, the others to the msw handlers, with the URL rewritten to the host each handler
 * matches (they are dispatched on X-Amz-Target; STS's query protocol has none).
 */
async function startAwsEndpoint(pricing: FakePricingApi, handlers: Parameters<typeof getResponse>[0]) {
  const server: Server = createServer(async (req, res) => {
    const abort = new AbortController();
    res.on("close", () => abort.abort());
    try {
      const body = await readBody(req);
      const target = req.headers["x-amz-target"]?.toString() ?? "";
      if (req.url === "/__fake") {
        if (req.method === "POST") {
          const control = JSON.parse(body.toString("utf8") || "{}") as { mode?: FakeMode };
          if (control.mode) pricing.mode = control.mode;
        }
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ mode: pricing.mode, calls: pricing.calls.length }));
        return;
      }
      if (target.startsWith("AWSPriceListService.")) {
        const answer = await pricing.handle(target, body.toString("utf8"), abort.signal);
        if (res.destroyed) return;
        res.writeHead(answer.status, answer.headers);
        res.end(answer.body);
        return;
      }
      const host = target.startsWith("AWSInsightsIndexService.")
        ? "ce.us-east-1.amazonaws.com"
        : target.startsWith("AWSBudgetServiceGateway.")
          ? "budgets.amazonaws.com"
          : "sts.us-east-1.amazonaws.com";
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (value === undefined || HOP_HEADERS.has(name)) continue;
        headers.set(name, Array.isArray(value) ? value.join(", ") : value);
      }
      const request = new Request(`https://${host}${req.url ?? "/"}`, {
        method: req.method ?? "POST",
        headers,
        ...(req.method === "GET" || req.method === "HEAD" ? {} : { body }),
        signal: abort.signal,
      });
      const response = await getResponse(handlers, request);
      if (res.destroyed) return;
      if (!response) {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ __type: "UnknownOperationException", message: `no fake for ${host} ${target}` }));
        return;
      }
      const out = Buffer.from(await response.arrayBuffer());
      if (res.destroyed) return;
      res.writeHead(response.status, Object.fromEntries(response.headers));
      res.end(out);
    } catch (error) {
      if (res.destroyed) return;
      res.writeHead(500, { "content-type": "application/json" });
      res.end(JSON.stringify({ __type: "InternalFailure", message: (error as Error).message }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        pricing.releaseHung();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** The most calls in any 1-second window that starts at a call. */
function maxPerWindow(times: number[], windowMs = 1000): { count: number; at: number } {
  const sorted = [...times].sort((a, b) => a - b);
  let best = { count: 0, at: 0 };
  let j = 0;
  for (let i = 0; i < sorted.length; i++) {
    const t = sorted[i] ?? 0;
    while (j < sorted.length && (sorted[j] ?? 0) < t + windowMs) j++;
    if (j - i > best.count) best = { count: j - i, at: t };
  }
  return best;
}

const available = redisServerAvailable();
const runId = Date.now().toString(36);

const pricing = fakeWithCatalogue(["us-east-1", "eu-west-1", "us-east-2"]);
const costExplorer = new FakeCostExplorer();
const budgets = new FakeBudgets();
let endpoint: Awaited<ReturnType<typeof startAwsEndpoint>> | undefined;
let redis: OwnRedis | undefined;
const instances: Instance[] = [];


/** What one run of the scenario observed, for the assertions below. */
const records: Rec[] = [];
const budgetAnswers: BudgetAnswer[] = [];
const phases: Phase[] = [];
const readiness: Array<{ t: number; phase: string; instance: string; pricing: string | undefined; redis: string }> = [];
const creates = new Map<string, number>();
let studied: Phase[] = [];
let callTimes: number[] = [];
let scenarioDone = false;

async function waitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number, stepMs = 100) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    try {
      if (await check()) return;
    } catch {
      // not yet
    }
    await sleep(stepMs);
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

function startInstance(name: string, port: number, env: NodeJS.ProcessEnv): Instance {
  const child = spawn(process.execPath, ["src/main.ts"], {
    cwd: process.cwd(),
    env: { ...env, PORT: String(port) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const output: string[] = [];
  const keep = (d: Buffer) => {
    for (const line of d.toString().split("\n")) if (line) output.push(line);
    if (output.length > 200_000) output.splice(0, output.length - 100_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return { name, base: `http://127.0.0.1:${port}`, child, output, exited, killed: false, dead: false };
}

/** Like waitFor, but answers false instead of throwing, so the run goes on and the assertions say what failed. */
async function tryWaitFor(what: string, check: () => Promise<boolean> | boolean, timeoutMs: number): Promise<boolean> {
  return waitFor(what, check, timeoutMs).then(
    () => true,
    () => false,
  );
}

async function stopInstance(instance: Instance): Promise<void> {
  if (instance.child.exitCode !== null || instance.child.signalCode !== null) return;
  instance.child.kill("SIGTERM");
  const done = await Promise.race([instance.exited.then(() => true), sleep(5000).then(() => false)]);
  if (!done) {
    instance.child.kill("SIGKILL");
    await Promise.race([instance.exited, sleep(3000)]);
  }
}

async function setPricingMode(mode: FakeMode): Promise<void> {
  if (!endpoint) throw new Error("no endpoint");
  const res = await fetch(`${endpoint.url}/__fake`, { method: "POST", body: JSON.stringify({ mode }) });
  expect(((await res.json()) as { mode: string }).mode).toBe(mode);
}

describe.skipIf(!available)("the live pipeline under faults (real processes, continuous load)", () => {
  beforeAll(async () => {
    redis = new OwnRedis(await freePort());
    await redis.start();
    endpoint = await startAwsEndpoint(pricing, [costExplorer.handler(), budgets.handler(), stsHandler()]);
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      HOST: "127.0.0.1",
      PRICEBOOK_MODE: "live",
      PRICEBOOK_AUTH: "off",
      // The suite reads breaker states from /readyz.
      METRICS_PUBLIC: "true",
      AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
      AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
      AWS_REGION: "us-east-1",
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_ENDPOINT_URL_PRICING: endpoint.url,
      AWS_ENDPOINT_URL_COST_EXPLORER: endpoint.url,
      AWS_ENDPOINT_URL_BUDGETS: endpoint.url,
      AWS_ENDPOINT_URL_STS: endpoint.url,
      BUDGETS_ACCOUNT_ID: "111122223333",
      REDIS_URL: redis.url,
      LIMITER_LOCAL_SHARE: "0.5",
      PRICING_BURST: String(BURST),
      PRICING_RATE_PER_SECOND: String(RATE),
      UPSTREAM_ATTEMPT_TIMEOUT_MS: String(ATTEMPT_TIMEOUT_MS),
      UPSTREAM_DEADLINE_MS: String(DEADLINE_MS),
      BREAKER_VOLUME_THRESHOLD: "5",
      // Stale answers keep the refresh traffic low (a few calls a second for the fleet, within the
      // quota): the breaker's window has to be long enough to see five of them.
      BREAKER_WINDOW_MS: "30000",
      BREAKER_RESET_MS: String(BREAKER_RESET_MS),
      PRICE_CACHE_TTL_MS: "2000",
      // With auth off the per-client budget is per address, and all of this load comes from 127.0.0.1.
      RATE_LIMIT_PRICES_PER_MINUTE: "10000000",
      RATE_LIMIT_BUDGETS_WRITE_PER_MINUTE: "100000",
      LOG_LEVEL: "warn",
    };
    const [portA, portB] = [await freePort(), await freePort()];
    instances.push(startInstance("A", portA, env), startInstance("B", portB, env));
    await Promise.all(
      instances.map((i) =>
        waitFor(`instance ${i.name} /healthz`, async () => (await fetch(`${i.base}/healthz`)).ok, 30_000).catch(
          (error: Error) => {
            throw new Error(`${error.message}\n${i.output.slice(-30).join("\n")}`);
          },
        ),
      ),
    );
  });

  afterAll(async () => {
    await Promise.all(instances.map((i) => stopInstance(i)));
    const logDir = process.env.FAULTS_LOG_DIR;
    if (logDir) {
      mkdirSync(logDir, { recursive: true });
      for (const i of instances) writeFileSync(join(logDir, `instance-${i.name}.log`), `${i.output.join("\n")}\n`);
    }
    await endpoint?.close().catch(() => undefined);
    await redis?.kill();
  });

  beforeAll(async () => {
    const [a, b] = instances as [Instance, Instance];
    let current: Phase | undefined;

    const begin = (name: string, kind: Kind) => {
      const now = Date.now();
      if (current) current.end = now;
      current = { name, kind, start: now, end: Number.POSITIVE_INFINITY };
      for (const i of instances) i.output.push(`=== phase ${name} at ${new Date(now).toISOString()}`);
      phases.push(current);
    };

    // Prime both instances one request at a time (warm-up under load would queue a dozen misses
    // behind a 5/s limiter at once, which is a start-up burst, not the steady state under test).
    for (const instance of instances) {
      for (const path of PRICE_PATHS) {
        const res = await fetch(`${instance.base}${path}`);
        expect(res.status, `${instance.name} ${path}`).toBe(200);
        await res.arrayBuffer();
      }
    }
    const primingCalls = pricing.callTimes.length;

    // The load: CONCURRENCY workers, round-robin over the live instances and the paths.
    let running = true;
    let counter = 0;
    const worker = async () => {
      while (running) {
        const n = counter++;
        const alive = instances.filter((i) => !i.dead);
        const instance = alive[n % alive.length] as Instance;
        const path = PRICE_PATHS[Math.floor(n / alive.length) % PRICE_PATHS.length] as string;
        const phase = current?.name ?? "?";
        const started = Date.now();
        const t0 = performance.now();
        try {
          const res = await fetch(`${instance.base}${path}`, { signal: AbortSignal.timeout(20_000) });
          const text = await res.text();
          const rec: Rec = { phase, instance: instance.name, path, status: res.status, ms: performance.now() - t0, started, sources: [] };
          try {
            const body = JSON.parse(text) as { items?: Array<{ source?: string }>; code?: string };
            rec.sources = [...new Set((body.items ?? []).map((i) => i.source ?? "?"))].sort();
            if (body.code) rec.code = body.code;
          } catch {
            rec.code = "not-json";
          }
          if (res.status >= 400) {
            rec.body = text.slice(0, 600);
            rec.retryAfter = res.headers.get("retry-after");
          }
          records.push(rec);
        } catch (error) {
          const expected = instance.killed;
          if (expected) instance.dead = true;
          records.push({
            phase,
            instance: instance.name,
            path,
            status: 0,
            ms: performance.now() - t0,
            started,
            sources: [],
            code: `connection: ${(error as Error).message} ${String((error as { cause?: { code?: string } }).cause?.code ?? "")}`.trim(),
            expectedConnError: expected,
          });
        }
        await sleep(5);
      }
    };

    // Readiness, polled throughout: breaker states and Redis status of each instance.
    let polling = true;
    const poller = async () => {
      while (polling) {
        await Promise.all(
          instances
            .filter((i) => !i.killed)
            .map(async (instance) => {
              try {
                const res = await fetch(`${instance.base}/readyz`, { signal: AbortSignal.timeout(5000) });
                const body = (await res.json()) as { redis: string; breakers: Record<string, Record<string, string>> };
                readiness.push({
                  t: Date.now(),
                  phase: current?.name ?? "?",
                  instance: instance.name,
                  pricing: body.breakers.pricing?.["us-east-1"],
                  redis: body.redis,
                });
              } catch {
                // a killed instance, or a slow answer: the load records say more
              }
            }),
        );
        await sleep(100);
      }
    };
    const lastReady = (instance: Instance, since: number) =>
      readiness.filter((r) => r.instance === instance.name && r.t >= since).at(-1);
    const seen = (instance: Instance, since: number, state: string) =>
      readiness.some((r) => r.instance === instance.name && r.t >= since && r.pricing === state);

    // Budgets with an Idempotency-Key: first sent concurrently to both instances (two each), then
    // re-sent one at a time to each, and any 409 "still in progress" answer retried until it settles.
    const postBudget = async (instance: Instance, key: string, name: string) => {
      const res = await fetch(`${instance.base}/v1/budgets/aws`, {
        method: "POST",
        headers: { "content-type": "application/json", "idempotency-key": key },
        body: JSON.stringify({ name, type: "COST", timeUnit: "MONTHLY", limit: { amount: "100", unit: "USD" } }),
        signal: AbortSignal.timeout(20_000),
      });
      const text = await res.text();
      const answer: BudgetAnswer = {
        key,
        name,
        phase: current?.name ?? "?",
        instance: instance.name,
        status: res.status,
        body: text,
        replayed: res.headers.get("idempotent-replayed"),
        retryAfter: res.headers.get("retry-after"),
      };
      if (res.status >= 400) answer.code = (JSON.parse(text) as { code?: string }).code;
      budgetAnswers.push(answer);
      return answer;
    };
    const budgetScenario = async (label: string, hangAfterCreate: boolean) => {
      const key = `faults-${runId}-${label}`;
      const name = `faults-${label}-${runId}`;
      if (hangAfterCreate) budgets.hangAfterCreate = true;
      const first = await Promise.all([postBudget(a, key, name), postBudget(b, key, name), postBudget(a, key, name), postBudget(b, key, name)]);
      let unsettled = first.filter((x) => x.status === 409).length;
      for (let i = 0; i < 20 && unsettled > 0; i++) {
        await sleep(500);
        const again = await Promise.all([postBudget(a, key, name), postBudget(b, key, name)]);
        unsettled = again.filter((x) => x.status === 409).length;
      }
      await postBudget(a, key, name);
      await postBudget(b, key, name);
    };

    const workers = Array.from({ length: CONCURRENCY }, () => worker());
    const polled = poller();
    try {
      // 1. Healthy.
      begin("1 healthy", "healthy");
      await sleep(6000);

      // 2. Redis killed.
      begin("2 redis down", "redis-down");
      await redis?.kill();
      await sleep(6000);

      // 3. Redis restarted on the same port: both instances reconnect.
      begin("3 redis back", "redis-back");
      await redis?.start();
      const back = Date.now();
      await waitFor("both instances to see Redis ready again", () => instances.every((i) => lastReady(i, back)?.redis === "ready"), 30_000);
      await sleep(5000);

      // 4. Throttling.
      begin("4 throttle", "fault");
      await setPricingMode("throttle");
      const b4 = budgetScenario("p4", false);
      await sleep(6000);
      await b4;

      // 5. 500s until both instances' breakers open.
      begin("5 error500", "fault");
      await setPricingMode("error500");
      const p5 = Date.now();
      const b5 = budgetScenario("p5", false);
      await tryWaitFor("both pricing breakers to open", () => instances.every((i) => seen(i, p5, "open")), 30_000);
      // Long enough past the grace period for the source checks, whenever the breakers opened.
      await sleep(Math.max(1500, p5 + GRACE_MS + 3000 - Date.now()));
      await b5;

      // 6. Healthy again: breakers half-open after BREAKER_RESET_MS, close on a good trial.
      begin("6a recovering", "recovering");
      await setPricingMode("healthy");
      const p6 = Date.now();
      const b6 = budgetScenario("p6", false);
      await tryWaitFor("both pricing breakers to close", () => instances.every((i) => lastReady(i, p6)?.pricing === "closed"), 30_000);
      begin("6b healthy", "healthy");
      await sleep(5000);
      await b6;

      // 7. AWS hangs (and one CreateBudget stores the budget, then never answers).
      begin("7 hang", "fault");
      await setPricingMode("hang");
      const b7 = budgetScenario("p7", true);
      await sleep(6000);
      await b7;

      // 8. Malformed bodies.
      begin("8 malformed", "fault");
      await setPricingMode("malformed");
      pricing.releaseHung();
      const b8 = budgetScenario("p8", false);
      await sleep(6000);
      await b8;

      // 9. Healthy.
      begin("9a recovering", "recovering");
      await setPricingMode("healthy");
      const p9 = Date.now();
      await tryWaitFor("both pricing breakers to close", () => instances.every((i) => lastReady(i, p9)?.pricing === "closed"), 30_000);
      begin("9b healthy", "healthy");
      await sleep(5000);

      // 10. Instance B SIGKILLed: the load moves to A after the first connection error.
      begin("10 B killed", "killed");
      b.killed = true;
      b.child.kill("SIGKILL");
      await sleep(6000);
      begin("end", "healthy");
    } finally {
      running = false;
      polling = false;
      await Promise.all(workers);
      await polled;
    }
    if (current) current.end = Date.now();
    studied = phases.filter((p) => p.name !== "end");

    // ---- The per-phase table ----
    callTimes = pricing.callTimes.slice(primingCalls);
    const rows = studied.map((p) => {
      const recs = records.filter((r) => r.phase === p.name);
      const ms = recs.filter((r) => !r.expectedConnError).map((r) => r.ms).sort((x, y) => x - y);
      const statuses = new Map<string, number>();
      const sources = new Map<string, number>();
      for (const r of recs) {
        const s = r.expectedConnError ? "conn(killed)" : r.status === 0 ? "conn" : String(r.status);
        statuses.set(s, (statuses.get(s) ?? 0) + 1);
        for (const src of r.sources) sources.set(src, (sources.get(src) ?? 0) + 1);
      }
      const calls = callTimes.filter((t) => t >= p.start && t < p.end);
      const breakers = instances
        .map((i) => `${i.name}:${[...new Set(readiness.filter((r) => r.phase === p.name && r.instance === i.name).map((r) => r.pricing ?? "-"))].join("/") || "-"}`)
        .join(" ");
      const fmt = (m: Map<string, number>) => [...m].map(([k, v]) => `${k}:${v}`).join(" ");
      return {
        phase: p.name,
        secs: ((p.end - p.start) / 1000).toFixed(1),
        requests: recs.length,
        statuses: fmt(statuses),
        sources: fmt(sources),
        p50: Math.round(percentile(ms, 50)),
        p99: Math.round(percentile(ms, 99)),
        max: Math.round(ms.at(-1) ?? 0),
        upstream: calls.length,
        "max/1s": maxPerWindow(calls).count,
        breakers,
      };
    });
    const header = Object.keys(rows[0] ?? {});
    const widths = header.map((h) => Math.max(h.length, ...rows.map((r) => String(r[h as keyof typeof r]).length)));
    const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
    const table = [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map((r) => line(header.map((h) => String(r[h as keyof typeof r]))))].join("\n");
    for (const call of budgets.callsTo("CreateBudget")) {
      const n = String((call.body.Budget as { BudgetName?: string } | undefined)?.BudgetName);
      creates.set(n, (creates.get(n) ?? 0) + 1);
    }
    const budgetSummary = [...new Set(budgetAnswers.map((x) => x.key))].map((key) => {
      const answers = budgetAnswers.filter((x) => x.key === key);
      const name = answers[0]?.name ?? "";
      const st = answers.map((x) => `${x.status}${x.replayed ? "r" : ""}`).join(",");
      return `${key.replace(`-${runId}`, "")}: ${st}; CreateBudget calls ${creates.get(name) ?? 0}`;
    });
    const overall = maxPerWindow(callTimes);
    console.log(
      [
        "",
        `Pricebook pipeline under faults: 2 instances, ${CONCURRENCY} concurrent requests, deadline ${DEADLINE_MS} ms, quota ${BURST} + ${RATE}/s`,
        table,
        `upstream Price List calls after priming: ${callTimes.length}; most in any 1 s window: ${overall.count} (limit ${BURST + RATE}), in phase ${studied.find((p) => overall.at >= p.start && overall.at < p.end)?.name ?? "-"}`,
        `budgets (status per answer, r = Idempotent-Replayed): ${budgetSummary.join(" | ")}`,
        `"sources" counts answers carrying each item source; "breakers" lists the pricing/us-east-1 states /readyz showed.`,
        "",
      ].join("\n"),
    );
    scenarioDone = true;
  }, 240_000);

  const limit = DEADLINE_MS + LATENCY_MARGIN_MS;
  const overall = () => maxPerWindow(callTimes);
  const healthyAws = (p: Phase) => p.kind === "healthy" || p.kind === "redis-down" || p.kind === "redis-back" || p.kind === "killed";

  it("ran every phase", () => {
    expect(scenarioDone).toBe(true);
    expect(studied.map((p) => p.name)).toHaveLength(12);
  });

  it("no 5xx: prices always answer (fallback tables cover every region asked); budgets only the documented 503", () => {
    const problems: string[] = [];
    for (const r of records.filter((x) => x.status >= 500)) problems.push(`5xx on ${r.instance} ${r.path} in "${r.phase}": ${r.status} ${r.body ?? ""}`);
    for (const x of budgetAnswers.filter((y) => y.status >= 500)) {
      if (!(x.status === 503 && x.code === "upstream_unavailable" && x.retryAfter)) problems.push(`undocumented 5xx on POST budget (${x.instance}, "${x.phase}"): ${x.status} ${x.body}`);
    }
    expect(problems.slice(0, 30), `${problems.length} problems:\n${problems.slice(0, 30).join("\n")}`).toEqual([]);
  });

  it("no failed request: none while Redis is down or coming back, no connection error except to the killed instance", () => {
    const problems: string[] = [];
    for (const r of records.filter((x) => x.status === 0 && !x.expectedConnError)) problems.push(`connection failure to ${r.instance} ${r.path} in "${r.phase}": ${r.code ?? ""}`);
    for (const r of records.filter((x) => (x.phase.startsWith("2 ") || x.phase.startsWith("3 ")) && !x.expectedConnError && (x.status < 200 || x.status >= 300))) {
      problems.push(`failed request while Redis was down or coming back: ${r.instance} ${r.path} in "${r.phase}": ${r.status} ${r.body ?? r.code ?? ""}`);
    }
    for (const r of records.filter((x) => x.status !== 0 && x.status !== 200)) problems.push(`${r.status} on ${r.instance} ${r.path} in "${r.phase}": ${r.body ?? ""}`);
    expect(problems.slice(0, 30), `${problems.length} problems:\n${problems.slice(0, 30).join("\n")}`).toEqual([]);
  });

  it(`answers every request within UPSTREAM_DEADLINE_MS + ${LATENCY_MARGIN_MS} ms`, () => {
    const slow = records.filter((x) => !x.expectedConnError && x.ms > limit);
    expect(slow.slice(0, 20).map((r) => `${Math.round(r.ms)} ms on ${r.instance} ${r.path} in "${r.phase}" (status ${r.status}, sources ${r.sources.join("+")})`)).toEqual([]);
  });

  it(`keeps Price List calls within the account quota (no 1 s window above ${BURST} + ${RATE}, both instances summed)`, () => {
    const worst = overall();
    expect(worst.count, `worst window starts ${new Date(worst.at).toISOString()}`).toBeLessThanOrEqual(BURST + RATE);
  });

  it("answers with the right source in each phase, and never mock", () => {
    const problems: string[] = [];
    for (const r of records) if (r.sources.includes("mock")) problems.push(`mock source on ${r.instance} ${r.path} in "${r.phase}"`);
    for (const p of studied) {
      const settled = records.filter((r) => r.phase === p.name && r.status === 200 && r.started >= p.start + GRACE_MS);
      if (p.kind === "fault") {
        for (const r of settled.filter((x) => x.sources.includes("live")).slice(0, 5)) problems.push(`live answer while AWS was failing: ${r.instance} ${r.path} in "${p.name}"`);
        for (const r of settled.filter((x) => x.sources.some((s) => !["stale", "fallback", "cache"].includes(s))).slice(0, 5)) problems.push(`unexpected source ${r.sources.join("+")} in "${p.name}"`);
        if (!settled.some((r) => r.sources.includes("stale") || r.sources.includes("fallback"))) problems.push(`no stale or fallback answer at all in "${p.name}"`);
      }
      if (p.kind === "healthy") {
        // Stale is what stale-while-revalidate answers while the refresh runs; fallback would mean AWS was not asked.
        for (const r of settled.filter((x) => x.sources.some((s) => !["live", "cache", "stale"].includes(s))).slice(0, 5)) problems.push(`source ${r.sources.join("+")} while AWS was healthy: ${r.instance} ${r.path} in "${p.name}"`);
        if (!settled.some((r) => r.sources.some((s) => s === "live" || s === "cache"))) problems.push(`no live or cache answer in healthy phase "${p.name}"`);
      }
    }
    expect(problems.slice(0, 30), `${problems.length} problems:\n${problems.slice(0, 30).join("\n")}`).toEqual([]);
  });

  it("opens each instance's pricing breaker during the 500s and closes it once AWS is healthy again", () => {
    const problems: string[] = [];
    const p5 = studied.find((p) => p.name.startsWith("5 "));
    const p6b = studied.find((p) => p.name === "6b healthy");
    for (const i of instances) {
      if (!readiness.some((r) => r.instance === i.name && r.phase === p5?.name && r.pricing === "open")) problems.push(`breaker of ${i.name} never seen open in phase 5`);
      if (!readiness.some((r) => r.instance === i.name && r.phase === p6b?.name && r.pricing === "closed")) problems.push(`breaker of ${i.name} not closed in phase 6`);
    }
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it("creates each budget once, and answers every resend of an Idempotency-Key with the same body", () => {
    const problems: string[] = [];
    expect(budgetAnswers.length).toBeGreaterThan(0);
    for (const key of new Set(budgetAnswers.map((x) => x.key))) {
      const answers = budgetAnswers.filter((x) => x.key === key);
      const name = answers[0]?.name ?? "";
      const ok = answers.filter((x) => x.status >= 200 && x.status < 300);
      if (ok.length === 0) problems.push(`no successful answer for Idempotency-Key ${key}: ${answers.map((x) => `${x.status} ${x.body}`).join(" | ")}`);
      if (new Set(ok.map((x) => x.body)).size > 1) problems.push(`different bodies for Idempotency-Key ${key}: ${[...new Set(ok.map((x) => x.body))].join(" ≠ ")}`);
      if (new Set(ok.map((x) => x.status)).size > 1) problems.push(`different statuses for Idempotency-Key ${key}: ${ok.map((x) => x.status).join(",")}`);
      for (const x of answers.filter((y) => y.status >= 300 && y.status < 500)) {
        if (!(x.status === 409 && x.code === "conflict" && x.retryAfter)) problems.push(`unexpected answer for Idempotency-Key ${key}: ${x.status} ${x.body}`);
      }
      if ([...budgets.budgets.keys()].filter((n) => n === name).length !== 1) problems.push(`budget ${name} not stored exactly once`);
      // One CreateBudget per key, except where AWS's answer was lost (phase 7) and the read-back
      // or a retry had to settle it, or where a 503 released the key for a legitimate retry.
      const createCalls = creates.get(name) ?? 0;
      if (!key.endsWith("-p7") && !answers.some((x) => x.status === 503) && createCalls !== 1) problems.push(`${createCalls} CreateBudget calls for ${name} (one Idempotency-Key)`);
    }
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it("logs no error and leaves the survivor serving", async () => {
    const [a] = instances as [Instance];
    expect((await fetch(`${a.base}/healthz`)).status).toBe(200);
    const bad = instances.flatMap((i) => i.output.filter((l) => /"level":(50|60)|Unhandled|uncaught/i.test(l)).map((l) => `${i.name}: ${l.slice(0, 400)}`));
    expect(bad.slice(0, 10)).toEqual([]);
  });

  it("never opens a pricing breaker while AWS is healthy (limiter waits are not upstream failures)", () => {
    const problems: string[] = [];
    for (const p of studied.filter(healthyAws)) {
      for (const i of instances) {
        const opened = readiness.filter((r) => r.instance === i.name && r.phase === p.name && r.pricing === "open");
        if (opened.length > 0) problems.push(`breaker of ${i.name} open in "${p.name}" (${opened.length} samples) while AWS answered every call`);
      }
    }
    expect(problems, problems.join("\n")).toEqual([]);
  });

  it("keeps refreshing prices from AWS once Redis is back (the shared limiter recovers)", () => {
    const p3 = studied.find((p) => p.name.startsWith("3 "));
    expect(p3).toBeDefined();
    if (!p3) return;
    const calls = callTimes.filter((t) => t >= p3.start && t < p3.end).length;
    const answers = records.filter((r) => r.phase === p3.name && r.status === 200);
    const fresh = answers.filter((r) => r.sources.some((s) => s === "live" || s === "cache")).length;
    const p1 = studied[0];
    const healthyCalls = p1 ? callTimes.filter((t) => t >= p1.start && t < p1.end).length : 0;
    expect({ calls: calls >= 5, freshShare: fresh / Math.max(1, answers.length) >= 0.1 }, `phase 3: ${calls} Price List calls (phase 1: ${healthyCalls}), ${fresh} of ${answers.length} answers live or cache`).toEqual({ calls: true, freshShare: true });
  });
});
