import { describe, expect, it } from "vitest";
import { SERVICE_IDS } from "../fakes/gcp-skus.ts";
import { getJson, withGcpLive } from "../helpers/gcp-live.ts";

/**
 * The Billing Catalog failing in every way the fake can: each answer still comes (live after a retry,
 * stale, the fallback tables, or a 503 with the upstream's Retry-After when nothing else can answer),
 * never a 500 and never a hang.
 */
const { fake, live } = withGcpLive();
const COMPUTE = "/v1/prices/gcp/compute?region=us-central1&machineType=n2-standard-4";
/** Vertex AI has no fallback tables: what the client sees when the live source fails. */
const VERTEX = "/v1/prices/gcp/vertex-ai?region=us-central1&machineType=n1-standard-4";
const fast = { UPSTREAM_RETRIES: "1", UPSTREAM_ATTEMPT_TIMEOUT_MS: "300", UPSTREAM_DEADLINE_MS: "1500" };

describe("Cloud Billing Catalog faults", () => {
  it("429 with Retry-After is retried in the guard, then answered live", async () => {
    fake.mode = "throttle";
    fake.failures = 1;
    const h = live();
    const res = await getJson(h, COMPUTE);
    expect(res.status).toBe(200);
    expect(res.body.items[0]).toMatchObject({ source: "live", price: "0.194236" });
    // services: throttled once, then answered; skus: one call.
    expect(fake.calls.filter((c) => c.path === "/v1/services")).toHaveLength(2);
    expect(fake.skuCalls(SERVICE_IDS.compute)).toHaveLength(1);
  });

  it("a persistent 429: the fallback tables answer; with no table, 503 carries Google's Retry-After", async () => {
    fake.mode = "throttle";
    fake.retryAfterSeconds = 7;
    const h = live({ ...fast, UPSTREAM_RETRIES: "0" });
    const compute = await getJson(h, COMPUTE);
    expect(compute.status).toBe(200);
    expect(compute.body.items[0]).toMatchObject({ id: "n2-standard-4", source: "fallback", price: "0.194236", asOf: "2026-07-30" });
    const vertex = await getJson(h, VERTEX);
    expect(vertex.status).toBe(503);
    expect(vertex.headers.get("retry-after")).toBe("7");
  });

  it("5xx: retried, then the tables; a transient 5xx then success is live", async () => {
    fake.mode = "error500";
    const h = live(fast);
    const down = await getJson(h, COMPUTE);
    expect(down.body.items[0]?.source).toBe("fallback");
    expect(fake.calls).toHaveLength(2); // one attempt and one retry of the first page
    fake.reset();
    fake.mode = "error500";
    fake.failures = 1;
    const h2 = live(fast);
    const up = await getJson(h2, COMPUTE);
    expect(up.body.items[0]?.source).toBe("live");
  });

  it("a hanging catalogue is cut by the attempt deadline: tables within the call's deadline", async () => {
    fake.mode = "hang";
    const h = live(fast);
    const started = Date.now();
    const res = await getJson(h, COMPUTE);
    expect(res.body.items[0]?.source).toBe("fallback");
    expect(Date.now() - started).toBeLessThan(2500);
    const vertex = await getJson(h, VERTEX);
    expect(vertex.status).toBe(503);
  });

  it("a slow page gets GCP_BILLING_ATTEMPT_TIMEOUT_MS, not the other upstreams' attempt deadline", async () => {
    fake.latencyMs = 400;
    const h = live({ UPSTREAM_RETRIES: "0", UPSTREAM_ATTEMPT_TIMEOUT_MS: "200", UPSTREAM_DEADLINE_MS: "300", GCP_BILLING_ATTEMPT_TIMEOUT_MS: "1500" });
    const res = await getJson(h, COMPUTE);
    expect(res.body.items[0]?.source).toBe("live");
  });

  it("a body that is not JSON, and a page of the wrong shape, fail the listing: tables, never a partial catalogue", async () => {
    for (const [mode, failOnly] of [
      ["malformed", undefined],
      ["malformed-page", undefined],
      ["malformed", "skus"],
      ["malformed-page", "skus"],
    ] as const) {
      fake.reset();
      fake.mode = mode;
      fake.failOnly = failOnly;
      const h = live(fast);
      const res = await getJson(h, COMPUTE);
      expect(res.status, mode).toBe(200);
      expect(res.body.items[0]?.source, mode).toBe("fallback");
      const vertex = await getJson(h, VERTEX);
      expect(vertex.status, mode).toBe(503);
    }
  });

  it("a pageToken that comes back again is a loop: stopped at once, the tables answer", async () => {
    fake.mode = "token-loop";
    fake.failOnly = "skus";
    const h = live(fast);
    const res = await getJson(h, COMPUTE);
    expect(res.body.items[0]?.source).toBe("fallback");
    // services (one page), then the SKU pages until the token comes back: no endless paging.
    expect(fake.calls.map((c) => c.path)).toEqual(["/v1/services", `/v1/services/${SERVICE_IDS.compute}/skus`, `/v1/services/${SERVICE_IDS.compute}/skus`]);
    const vertex = await getJson(h, VERTEX);
    expect(vertex.status).toBe(503);
    expect((vertex.body as { detail?: string }).detail).toMatch(/Cloud Billing Catalog/);
  });

  it("past the TTL a cached book is served stale while Google fails", async () => {
    const h = live({ ...fast, PRICE_CACHE_TTL_MS: "50" });
    expect((await getJson(h, COMPUTE)).body.items[0]?.source).toBe("live");
    fake.mode = "error500";
    await new Promise((r) => setTimeout(r, 120));
    const stale = await getJson(h, COMPUTE);
    expect(stale.body.items[0]).toMatchObject({ source: "stale", price: "0.194236" });
  });

  it("repeated failures open the breaker: the next answers come from the tables without calling Google", async () => {
    fake.mode = "error500";
    const h = live({ ...fast, UPSTREAM_RETRIES: "0", BREAKER_VOLUME_THRESHOLD: "2", PRICE_NOT_FOUND_TTL_MS: "1" });
    for (let i = 0; i < 3; i++) await getJson(h, COMPUTE);
    const before = fake.calls.length;
    const res = await getJson(h, COMPUTE);
    expect(res.body.items[0]?.source).toBe("fallback");
    expect(fake.calls.length).toBe(before);
    expect(h.services.readiness().breakers["cloud-billing"]).toEqual({ global: "open" });
  });
});
