import { afterAll, describe, expect, it } from "vitest";
import { type FakeAwsServer, startFakeAwsServer } from "../fakes/aws-fake-server.ts";
import { fakeWithCatalogue } from "../helpers/live.ts";
import { liveProcessEnv, type PricebookProcess, startPricebook } from "../helpers/process.ts";

/** SIGTERM on a real process: readiness 503, in-flight requests finish, then a clean exit 0. */
let endpoint: FakeAwsServer | undefined;
let pricebook: PricebookProcess | undefined;

afterAll(async () => {
  pricebook?.child.kill("SIGKILL");
  await endpoint?.close();
});

describe("graceful shutdown (real process)", () => {
  it("turns readiness 503, lets the in-flight request finish, closes, and exits 0", async () => {
    const fake = fakeWithCatalogue();
    fake.latencyMs = 1200;
    endpoint = await startFakeAwsServer(fake);
    pricebook = await startPricebook(liveProcessEnv(endpoint.url, { SHUTDOWN_DRAIN_DELAY_MS: "400", SHUTDOWN_TIMEOUT_MS: "5000" }));
    const { base, child } = pricebook;
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

    expect(await pricebook.exited).toBe(0);
    expect(pricebook.output()).toContain("shutting down");
    expect(pricebook.output()).toContain("stopped");
    await expect(fetch(`${base}/healthz`)).rejects.toThrow();
  });
});
