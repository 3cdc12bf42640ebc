import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeAwsServer, startFakeAwsServer } from "../fakes/aws-fake-server.ts";
import { fakeWithCatalogue } from "../helpers/live.ts";
import { liveProcessEnv, type PricebookProcess, startPricebook } from "../helpers/process.ts";

/**
 * `PRICEBOOK_MODE=live npm start` against an AWS-compatible endpoint named the SDK's standard way
 * (AWS_ENDPOINT_URL_PRICING): live, then cache, then fallback when the endpoint goes away.
 */
const fake = fakeWithCatalogue();
let endpoint: FakeAwsServer;
let pricebook: PricebookProcess;

beforeAll(async () => {
  endpoint = await startFakeAwsServer(fake);
  pricebook = await startPricebook(
    liveProcessEnv(endpoint.url, { UPSTREAM_RETRIES: "0", UPSTREAM_ATTEMPT_TIMEOUT_MS: "500", UPSTREAM_DEADLINE_MS: "1500" }),
  );
});

afterAll(async () => {
  pricebook?.child.kill("SIGTERM");
  await endpoint?.close().catch(() => undefined);
});

type Body = { items: Array<{ id: string; source: string; price: string }> };
const get = async (path: string) => (await (await fetch(`${pricebook.base}${path}`)).json()) as Body;

describe("live mode against AWS_ENDPOINT_URL_PRICING (real process)", () => {
  it("starts in live mode and says so", async () => {
    expect(((await (await fetch(`${pricebook.base}/healthz`)).json()) as { mode: string }).mode).toBe("live");
    expect(pricebook.output()).toContain("live mode");
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
