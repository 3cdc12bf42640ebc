import { pino } from "pino";
import { afterAll, afterEach, beforeAll } from "vitest";
import type { Config } from "../../src/config.ts";
import { FakeBillingCatalog } from "../fakes/gcp-billing-fake.ts";
import { gcpMsw } from "./gcp-msw.ts";
import { type LiveHarness, liveApp, liveConfig } from "./live.ts";

/** Live settings with a GCP key and a quota fast enough for tests; overridable per test. */
export function gcpLiveConfig(fake: FakeBillingCatalog, env: Record<string, string> = {}): Config {
  return liveConfig({
    GCP_API_KEY: fake.apiKey,
    GCP_BILLING_REQUESTS_PER_MINUTE: "60000",
    GCP_BILLING_BURST: "1000",
    GCP_BILLING_ATTEMPT_TIMEOUT_MS: env.UPSTREAM_ATTEMPT_TIMEOUT_MS ?? "1000",
    GCP_CATALOG_WAIT_MS: "5000",
    ...env,
  });
}

/**
 * The Billing Catalog fake behind msw for one test file: listens before the tests, closes after them,
 * and after each test closes the apps it built and resets the fake.
 */
export function withGcpLive() {
  const fake = new FakeBillingCatalog();
  const msw = gcpMsw(fake);
  const open: LiveHarness[] = [];
  beforeAll(() => msw.listen({ onUnhandledFrame: "error" }));
  afterAll(() => msw.close());
  afterEach(async () => {
    for (const h of open.splice(0)) await h.close();
    fake.reset();
  });
  const live = (env: Record<string, string> = {}, logger = pino({ level: "silent" })): LiveHarness => {
    const h = liveApp(gcpLiveConfig(fake, env), logger);
    open.push(h);
    return h;
  };
  return { fake, msw, live };
}

export type PriceBody = {
  items: Array<{ id: string; source: string; price: string; unit: string; description: string; sku?: string; asOf: string; vcpu?: number; memoryGiB?: number; architecture?: string; gpu?: { count: number; model: string } }>;
  unavailable: Array<{ id: string; reason: string }>;
  freeTier?: Record<string, string>;
  code?: string;
  detail?: string;
};

export async function getJson(h: { app: { request: (p: string) => Response | Promise<Response> } }, path: string): Promise<{ status: number; headers: Headers; body: PriceBody }> {
  const res = await h.app.request(path);
  return { status: res.status, headers: res.headers, body: (await res.json()) as PriceBody };
}
