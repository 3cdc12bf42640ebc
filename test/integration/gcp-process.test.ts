import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeAwsServer, startFakeAwsServer } from "../fakes/aws-fake-server.ts";
import { FakeBillingCatalog } from "../fakes/gcp-billing-fake.ts";
import { type FakeGcpServer, startFakeGcpServer } from "../fakes/gcp-fake-server.ts";
import { fakeWithCatalogue } from "../helpers/live.ts";
import { liveProcessEnv, type PricebookProcess, startPricebook } from "../helpers/process.ts";

/**
 * `PRICEBOOK_MODE=live node src/main.ts` with GCP_CLOUD_BILLING_URL naming a loopback Billing Catalog
 * fake (and AWS's Price List at a loopback fake, since live mode needs AWS credentials): GCP answers
 * live, then from the cache, then from the fallback tables once the fake is gone.
 */
const gcpFake = new FakeBillingCatalog();
let aws: FakeAwsServer;
let gcp: FakeGcpServer;
let pricebook: PricebookProcess;

beforeAll(async () => {
  aws = await startFakeAwsServer(fakeWithCatalogue());
  gcp = await startFakeGcpServer(gcpFake);
  pricebook = await startPricebook(
    liveProcessEnv(aws.url, {
      GCP_API_KEY: gcpFake.apiKey,
      GCP_CLOUD_BILLING_URL: gcp.url,
      UPSTREAM_RETRIES: "0",
      UPSTREAM_ATTEMPT_TIMEOUT_MS: "500",
      GCP_BILLING_ATTEMPT_TIMEOUT_MS: "500",
      UPSTREAM_DEADLINE_MS: "1500",
      LOG_LEVEL: "debug",
    }),
  );
});

afterAll(async () => {
  pricebook?.child.kill("SIGTERM");
  await gcp?.close().catch(() => undefined);
  await aws?.close().catch(() => undefined);
});

type Body = { items: Array<{ id: string; source: string; price: string }> };
const get = async (path: string) => (await (await fetch(`${pricebook.base}${path}`)).json()) as Body;

describe("GCP live mode against GCP_CLOUD_BILLING_URL (real process)", () => {
  it("says GCP is live in /healthz", async () => {
    const health = (await (await fetch(`${pricebook.base}/healthz`)).json()) as { mode: string; clouds: Record<string, { prices: string }> };
    expect(health.mode).toBe("live");
    expect(health.clouds.gcp).toEqual({ prices: "live" });
  });

  it("serves live, then cache, then fallback once the endpoint is gone; the key never reaches the logs", async () => {
    const first = await get("/v1/prices/gcp/compute?region=us-central1&machineType=n2-standard-4");
    expect(first.items[0]).toMatchObject({ id: "n2-standard-4", source: "live", price: "0.194236" });
    expect(gcpFake.calls.length).toBeGreaterThan(0);

    const cached = await get("/v1/prices/gcp/compute?region=europe-west1&machineType=n2-standard-4");
    expect(cached.items[0]).toMatchObject({ source: "cache", price: "0.2136596" });

    await gcp.close();
    const fallback = await get("/v1/prices/gcp/gke?region=us-central1");
    expect(fallback.items[0]).toMatchObject({ id: "control-plane.standard", source: "fallback", price: "0.1" });
    expect(pricebook.output()).not.toContain(gcpFake.apiKey);
  });
});
