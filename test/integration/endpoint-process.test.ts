import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeAwsServer, startFakeAwsServer } from "../fakes/aws-fake-server.ts";
import { FAKE_CREDENTIALS, fakeWithCatalogue } from "../helpers/live.ts";
import { freePort } from "../helpers/redis.ts";

/**
 * `PRICEBOOK_MODE=live npm start` against an AWS-compatible endpoint named the SDK's standard way
 * (AWS_ENDPOINT_URL_PRICING): live, then cache, then fallback when the endpoint goes away.
 */
const fake = fakeWithCatalogue();
let endpoint: FakeAwsServer;
let child: ChildProcess;
let base: string;
let output = "";

async function waitForHealth(url: string, ms = 15_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`server did not become healthy:\n${output}`);
}

beforeAll(async () => {
  endpoint = await startFakeAwsServer(fake);
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    PORT: String(port),
    HOST: "127.0.0.1",
    PRICEBOOK_MODE: "live",
    PRICEBOOK_AUTH: "off",
    AWS_ENDPOINT_URL_PRICING: endpoint.url,
    AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
    AWS_REGION: "us-east-1",
    UPSTREAM_RETRIES: "0",
    UPSTREAM_ATTEMPT_TIMEOUT_MS: "500",
    UPSTREAM_DEADLINE_MS: "1500",
  };
  child = spawn(process.execPath, ["src/main.ts"], { env, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    output += d.toString();
  });
  await waitForHealth(`${base}/healthz`);
});

afterAll(async () => {
  child?.kill("SIGTERM");
  await endpoint?.close().catch(() => undefined);
});

type Body = { items: Array<{ id: string; source: string; price: string }> };
const get = async (path: string) => (await (await fetch(`${base}${path}`)).json()) as Body;

describe("live mode against AWS_ENDPOINT_URL_PRICING (real process)", () => {
  it("starts in live mode and says so", async () => {
    expect(((await (await fetch(`${base}/healthz`)).json()) as { mode: string }).mode).toBe("live");
    expect(output).toContain("live mode");
  });

  it("serves live, then cache, then fallback once the endpoint is gone", async () => {
    const live = await get("/v1/prices/aws/ec2?region=us-east-1&instanceType=m5.large");
    expect(live.items[0]).toMatchObject({ id: "m5.large", source: "live", price: "0.0960000000" });
    expect(fake.calls.length).toBeGreaterThan(0);

    const cached = await get("/v1/prices/aws/ec2?region=us-east-1&instanceType=m5.large");
    expect(cached.items[0]?.source).toBe("cache");

    await endpoint.close();
    const fallback = await get("/v1/prices/aws/ec2?region=us-east-1&instanceType=c5.xlarge");
    expect(fallback.items[0]).toMatchObject({ id: "c5.xlarge", source: "fallback" });
  });
});
