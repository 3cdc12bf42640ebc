/**
 * npm run soak [-- --minutes 10 --rate 300]
 * Runs Pricebook (live mode against the local Price List fake, Redis-free, short TTLs so the pipeline
 * keeps working) under moderate load for the given minutes, sampling RSS and event-loop delay every
 * 10 s, and reports the trend after warm-up (the first fifth). Writes bench/soak.json.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { parseArgs } from "node:util";
import autocannon from "autocannon";

const { values } = parseArgs({ options: { minutes: { type: "string", default: "10" }, rate: { type: "string", default: "300" } } });
const minutes = Number(values.minutes);
const rate = Number(values.rate);
const children: ChildProcess[] = [];
process.on("exit", () => children.forEach((c) => c.kill("SIGKILL")));

const freePort = () =>
  new Promise<number>((resolve) => {
    const s = createServer();
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
    });
  });

async function up(url: string) {
  for (let i = 0; i < 400; i++) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // starting
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`${url} did not start`);
}

const env = { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "" };
const fakePort = await freePort();
children.push(spawn(process.execPath, ["scripts/fake-aws.ts", "--port", String(fakePort), "--extra-ec2-types", "300"], { env, stdio: "ignore" }));
await up(`http://127.0.0.1:${fakePort}/__fake`);
const port = await freePort();
const server = spawn(process.execPath, ["src/main.ts"], {
  env: {
    ...env,
    PORT: String(port),
    HOST: "127.0.0.1",
    PRICEBOOK_MODE: "live",
    PRICEBOOK_AUTH: "off",
    METRICS_PUBLIC: "true",
    AWS_ENDPOINT_URL_PRICING: `http://127.0.0.1:${fakePort}`,
    AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
    AWS_SECRET_ACCESS_KEY: "soak",
    PRICE_CACHE_TTL_MS: "20000",
    PRICING_RATE_PER_SECOND: "50",
    RATE_LIMIT_PRICES_PER_MINUTE: "100000000",
    PRICING_BURST: "50",
    LOG_LEVEL: "warn",
  },
  stdio: "ignore",
});
children.push(server);
const base = `http://127.0.0.1:${port}`;
await up(`${base}/healthz`);

const regions = ["us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-south-1"];
const paths = [
  ...regions.map((r) => `/v1/prices/aws/eks?region=${r}`),
  ...regions.map((r) => `/v1/prices/aws/lambda?region=${r}`),
  ...Array.from({ length: 300 }, (_, i) => `/v1/prices/aws/ec2?region=${regions[i % 6]}&instanceType=bench${i}.large`),
];
let n = 0;
const instance = autocannon({
  url: base,
  connections: 20,
  overallRate: rate,
  duration: minutes * 60,
  requests: [{ setupRequest: (req) => ({ ...req, path: paths[n++ % paths.length] as string }) }],
});

interface Sample {
  atSeconds: number;
  rssMB: number;
  eventLoopP99Ms: number;
}
const samples: Sample[] = [];
const started = Date.now();
const sampler = setInterval(async () => {
  const rssKb = Number(spawnSync("ps", ["-o", "rss=", "-p", String(server.pid)], { encoding: "utf8" }).stdout.trim());
  const metrics = await (await fetch(`${base}/metrics`)).text();
  const lag = Number(/^pricebook_nodejs_eventloop_lag_p99_seconds (\S+)/m.exec(metrics)?.[1] ?? Number.NaN);
  const s = { atSeconds: Math.round((Date.now() - started) / 1000), rssMB: Math.round(rssKb / 102.4) / 10, eventLoopP99Ms: Math.round(lag * 10_000) / 10 };
  samples.push(s);
  console.log(`${String(s.atSeconds).padStart(5)} s  RSS ${s.rssMB.toFixed(1).padStart(6)} MB  event-loop p99 ${s.eventLoopP99Ms.toFixed(1)} ms`);
}, 10_000);

const result = await instance;
clearInterval(sampler);

/** Least-squares slope of RSS over time after warm-up, in MB per minute. */
const after = samples.slice(Math.floor(samples.length / 5));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const tx = mean(after.map((s) => s.atSeconds));
const ty = mean(after.map((s) => s.rssMB));
const slope = after.reduce((a, s) => a + (s.atSeconds - tx) * (s.rssMB - ty), 0) / Math.max(1e-9, after.reduce((a, s) => a + (s.atSeconds - tx) ** 2, 0));
const perMinute = slope * 60;
console.log(`\n${result.requests.total} requests, ${result.non2xx} non-2xx, ${result.errors} errors, p99 ${result.latency.p99} ms`);
console.log(`RSS after warm-up: ${Math.min(...after.map((s) => s.rssMB))}–${Math.max(...after.map((s) => s.rssMB))} MB; trend ${perMinute.toFixed(2)} MB/min (${Math.abs(perMinute) < 1 ? "no growth trend" : "GROWING"})`);
writeFileSync("bench/soak.json", `${JSON.stringify({ minutes, rate, samples, trendMBPerMinute: perMinute, requests: result.requests.total, non2xx: result.non2xx, errors: result.errors }, null, 2)}\n`);
process.exit(0);
