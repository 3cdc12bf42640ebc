import { afterEach, describe, expect, it } from "vitest";
import { AWS_REGIONS } from "../../src/clouds/aws/regions.ts";
import { createKey } from "../../src/http/auth.ts";
import { liveConfig, type LiveHarness, withLivePricing } from "../helpers/live.ts";

/**
 * One caller's batch must not starve the others' live lookups (issue 10, finding 2): without Redis, the
 * in-process limiter gives callers turns, drops the calls of a caller that went away, and one request
 * may make only so many upstream calls.
 */
const { fake, live } = withLivePricing();
const batcher = createKey("batcher", ["prices:read"]);
const other = createKey("other", ["prices:read"]);
let h: LiveHarness | undefined;
afterEach(() => {
  h = undefined;
});

/** One upstream call at a time, 4 a second: a queue forms at once. */
const slowQuota = (extra: Record<string, string> = {}) =>
  liveConfig({
    PRICEBOOK_AUTH: "on",
    PRICEBOOK_API_KEYS: JSON.stringify([batcher.entry, other.entry]),
    PRICING_RATE_PER_SECOND: "4",
    PRICING_BURST: "1",
    UPSTREAM_MAX_CONCURRENT: "1",
    UPSTREAM_DEADLINE_MS: "20000",
    REQUEST_TIMEOUT_MS: "20000",
    ...extra,
  });

/** A batch of EKS questions for `n` regions: one upstream query sequence each. */
function bigBatch(n: number) {
  return JSON.stringify({ queries: AWS_REGIONS.slice(0, n).map((region) => ({ service: "eks", region })) });
}

const as = (key: { key: string }) => ({ authorization: `Bearer ${key.key}` });

describe("fair upstream use between callers", () => {
  it("another key's lookup is served in turn while a batch queues 20 upstream calls", async () => {
    h = live(slowQuota());
    const started = performance.now();
    const batch = h.app.request("/v1/prices/batch", { method: "POST", body: bigBatch(20), headers: { ...as(batcher), "content-type": "application/json" } });
    await new Promise((r) => setTimeout(r, 300));
    const res = await h.app.request("/v1/prices/aws/lambda?region=us-east-1", { headers: as(other) });
    const waited = performance.now() - started;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { items: Array<{ source: string }> }).items[0]?.source).toBe("live");
    // Behind all 20 of the batch's calls it would take five seconds; in turn, about two call slots.
    expect(waited).toBeLessThan(2500);
    expect((await batch).status).toBe(200);
  });

  it("a batch whose client went away leaves the queue: the next caller is not charged its calls", async () => {
    h = live(slowQuota());
    const gone = new AbortController();
    const batch = Promise.resolve(
      h.app.request("/v1/prices/batch", { method: "POST", body: bigBatch(20), headers: { ...as(batcher), "content-type": "application/json" }, signal: gone.signal }),
    ).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    gone.abort();
    await batch;
    const callsAtAbort = fake.calls.length;
    const started = performance.now();
    const res = await h.app.request("/v1/prices/aws/lambda?region=eu-west-1", { headers: as(batcher) });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { items: Array<{ source: string }> }).items[0]?.source).toBe("live");
    expect(performance.now() - started).toBeLessThan(1500);
    // The abandoned batch's queued calls were never sent.
    await new Promise((r) => setTimeout(r, 1000));
    expect(fake.calls.length - callsAtAbort).toBeLessThanOrEqual(3);
  });

  it("one request may make only so many upstream calls; past that it answers from the tables", async () => {
    h = live(liveConfig({ MAX_UPSTREAM_CALLS_PER_REQUEST: "3" }));
    const res = await h.app.request("/v1/prices/batch", { method: "POST", body: bigBatch(10), headers: { "content-type": "application/json" } });
    const body = (await res.json()) as { results: Array<{ status: number; body: { items?: Array<{ source: string }> } }> };
    expect(fake.calls.length).toBe(3);
    const sources = body.results.flatMap((r) => r.body.items?.map((i) => i.source) ?? []);
    expect(sources).toContain("live");
    expect(sources).toContain("fallback");
  });
});
