import { type ChildProcess, spawn } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { type FakeAwsServer, startFakeAwsServer } from "../fakes/aws-fake-server.ts";
import { FAKE_CREDENTIALS, fakeWithCatalogue } from "../helpers/live.ts";
import { freePort } from "../helpers/redis.ts";

/** SIGTERM on a real process: readiness 503, in-flight requests finish, then a clean exit 0. */
let endpoint: FakeAwsServer | undefined;
let child: ChildProcess | undefined;

afterAll(async () => {
  child?.kill("SIGKILL");
  await endpoint?.close();
});

describe("graceful shutdown (real process)", () => {
  it("turns readiness 503, lets the in-flight request finish, closes, and exits 0", async () => {
    const fake = fakeWithCatalogue();
    fake.latencyMs = 1200;
    endpoint = await startFakeAwsServer(fake);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    let output = "";
    child = spawn(process.execPath, ["src/main.ts"], {
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        PORT: String(port),
        HOST: "127.0.0.1",
        PRICEBOOK_MODE: "live",
        PRICEBOOK_AUTH: "off",
        AWS_ENDPOINT_URL_PRICING: endpoint.url,
        AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
        SHUTDOWN_DRAIN_DELAY_MS: "400",
        SHUTDOWN_TIMEOUT_MS: "5000",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child?.once("exit", (code) => resolve(code)));

    for (let i = 0; i < 150; i++) {
      try {
        if ((await fetch(`${base}/healthz`)).ok) break;
      } catch {
        await new Promise((r) => setTimeout(r, 100));
      }
    }
    expect((await fetch(`${base}/readyz`)).status).toBe(200);

    const inFlight = fetch(`${base}/v1/prices/aws/eks?region=us-east-1`);
    await new Promise((r) => setTimeout(r, 200));
    child.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 100));
    const readiness = await fetch(`${base}/readyz`);
    expect(readiness.status).toBe(503);
    expect(await readiness.json()).toMatchObject({ status: "shutting-down" });

    const answer = await inFlight;
    expect(answer.status).toBe(200);
    expect(((await answer.json()) as { items: Array<{ source: string }> }).items[0]?.source).toBe("live");

    expect(await exited).toBe(0);
    expect(output).toContain("shutting down");
    expect(output).toContain("stopped");
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});
