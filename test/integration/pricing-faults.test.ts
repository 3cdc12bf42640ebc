import { describe, expect, it, vi } from "vitest";
import { liveConfig, type LiveHarness, withLivePricing } from "../helpers/live.ts";

/**
 * The live pipeline under upstream faults, end to end through the routes: real SDK client, msw
 * speaking the Price List protocol, short deadlines so the suite stays quick.
 */
const { fake, live } = withLivePricing();
let h: LiveHarness | undefined;

type Body = {
  items: Array<{ id: string; price: string; source: string }>;
  unavailable: Array<{ id: string }>;
  code?: string;
  detail?: string;
};

async function get(path: string) {
  const started = performance.now();
  const res = await (h as LiveHarness).app.request(path);
  return { res, body: (await res.json()) as Body, ms: performance.now() - started };
}

describe("upstream faults", () => {
  it("throttling storm: retries are bounded, calls stay within the limiter's quota, answers come from the fallback tables", async () => {
    h = live(
      liveConfig({
        PRICING_RATE_PER_SECOND: "5",
        PRICING_BURST: "10",
        UPSTREAM_RETRIES: "2",
        UPSTREAM_DEADLINE_MS: "10000",
      }),
    );
    fake.mode = "throttle";
    const answers = await Promise.all(
      ["us-east-1", "eu-west-1", "us-east-2", "us-west-2", "ap-south-1"].map((r) =>
        get(`/v1/prices/aws/eks?region=${r}`),
      ),
    );
    for (const { res, body } of answers) {
      expect(res.status).toBe(200);
      expect(body.items.every((i) => i.source === "fallback")).toBe(true);
    }
    // 5 queries × (1 attempt + 2 retries); throttling never opens the breaker.
    expect(fake.calls).toHaveLength(15);
    // AWS's bucket: 10 at once, refilled 5 a second; so no second-long window holds more than 10 + 5.
    const t0 = fake.callTimes[0] as number;
    for (const t of fake.callTimes) {
      expect(fake.callTimes.filter((u) => u >= t && u < t + 1000).length).toBeLessThanOrEqual(15);
    }
    expect(fake.callTimes.filter((u) => u < t0 + 100).length).toBeLessThanOrEqual(10);
    expect((fake.callTimes.at(-1) as number) - t0).toBeGreaterThanOrEqual(800);
  });

  it("5xx until the breaker opens: then fallback without upstream calls, then half-open recovery", async () => {
    h = live(
      liveConfig({ UPSTREAM_RETRIES: "0", BREAKER_VOLUME_THRESHOLD: "3", BREAKER_RESET_MS: "400" }),
    );
    fake.mode = "error500";
    for (let i = 0; i < 3; i++) {
      const { res, body } = await get("/v1/prices/aws/eks?region=us-east-1");
      expect(res.status).toBe(200);
      expect(body.items[0]?.source).toBe("fallback");
    }
    expect(fake.calls).toHaveLength(3);
    const open = await get("/v1/prices/aws/eks?region=us-east-1");
    expect(open.body.items[0]?.source).toBe("fallback");
    expect(fake.calls).toHaveLength(3);
    expect(h.services.composed.get("aws")?.guards[0]?.breakerStates()).toEqual({ "us-east-1": "open" });
    const counters = await h.services.metrics.snapshot();
    expect(counters.upstream_calls_total?.["api=pricing,region=us-east-1,outcome=transient"]).toBe(3);
    expect(counters.breaker_rejections_total?.["api=pricing,region=us-east-1"]).toBe(1);
    expect(counters.breaker_state?.["api=pricing,region=us-east-1"]).toBe(2);
    expect(counters.price_answers_total?.["source=fallback"]).toBe(4);

    fake.mode = "healthy";
    await new Promise((r) => setTimeout(r, 500));
    const recovered = await get("/v1/prices/aws/eks?region=us-east-1");
    expect(recovered.body.items[0]?.source).toBe("live");
    expect(h.services.composed.get("aws")?.guards[0]?.breakerStates()).toEqual({ "us-east-1": "closed" });
  });

  it("hung upstream: the request ends at the configured deadline and falls back", async () => {
    h = live(
      liveConfig({ UPSTREAM_ATTEMPT_TIMEOUT_MS: "300", UPSTREAM_DEADLINE_MS: "700", UPSTREAM_RETRIES: "5" }),
    );
    fake.mode = "hang";
    const { res, body, ms } = await get("/v1/prices/aws/ec2?region=us-east-1&instanceType=m5.large");
    expect(res.status).toBe(200);
    expect(body.items[0]).toMatchObject({ id: "m5.large", source: "fallback" });
    expect(ms).toBeLessThan(700 + 300);
    fake.releaseHung();
  });

  it("a malformed response body falls back; nothing crashes", async () => {
    h = live(liveConfig({ UPSTREAM_RETRIES: "1" }));
    fake.mode = "malformed";
    const { res, body } = await get("/v1/prices/aws/lambda?region=us-east-1");
    expect(res.status).toBe(200);
    expect(body.items.every((i) => i.source === "fallback")).toBe(true);
  });

  it("a malformed PriceList item is skipped and counted; the rest is served live", async () => {
    h = live();
    fake.mode = "malformed-item";
    const { res, body } = await get(
      "/v1/prices/aws/ec2?region=us-east-1&instanceType=m5.large,c5.xlarge,t3.micro",
    );
    expect(res.status).toBe(200);
    expect(body.items.every((i) => i.source === "live")).toBe(true);
    const skipped = (await h.services.metrics.malformedItems.get()).values[0]?.value;
    expect(skipped).toBe(1);
  });

  it("an expired NextToken restarts the query and still returns every page", async () => {
    h = live();
    fake.pageSize = 2;
    fake.expireNextTokens = 1;
    const { res, body } = await get("/v1/prices/aws/eks?region=eu-west-1");
    expect(res.status).toBe(200);
    expect(body.items).toHaveLength(7);
    // page 1, expired page 2, then 4 pages from the start (8 EKS items, 2 per page).
    expect(fake.callsFor("AmazonEKS")).toHaveLength(6);
  });

  it("serves stale while AWS fails, and says so (and keeps serving stale after the refresh fails)", async () => {
    h = live(liveConfig({ PRICE_CACHE_TTL_MS: "100", UPSTREAM_RETRIES: "0" }));
    const first = await get("/v1/prices/aws/eks?region=us-east-1");
    expect(first.body.items[0]?.source).toBe("live");
    const callsBefore = fake.callsFor("AmazonEKS").length;
    await new Promise((r) => setTimeout(r, 150));
    fake.mode = "error500";
    const stale = await get("/v1/prices/aws/eks?region=us-east-1");
    expect(stale.body.items[0]).toMatchObject({ source: "stale", price: first.body.items[0]?.price });
    // The background refresh went to AWS and failed ...
    await vi.waitFor(() => expect(fake.callsFor("AmazonEKS").length).toBeGreaterThan(callsBefore));
    await new Promise((r) => setTimeout(r, 50));
    // ... so the next answer is still the stale one: a healthy upstream would have refreshed it ("cache").
    const after = await get("/v1/prices/aws/eks?region=us-east-1");
    expect(after.body.items[0]).toMatchObject({ source: "stale", price: first.body.items[0]?.price });
  });

  it("503 with Retry-After naming the upstream when nothing cached or fallback can answer", async () => {
    h = live(liveConfig({ UPSTREAM_RETRIES: "0" }));
    fake.mode = "error500";
    const res = await h.app.request("/v1/prices/aws/eks?region=ap-east-2");
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
    const body = (await res.json()) as Body;
    expect(body.code).toBe("upstream_unavailable");
    expect(body.detail).toContain("Price List API");
  });

  it("single-flight: 200 concurrent identical cold requests make one upstream query sequence", async () => {
    h = live();
    fake.latencyMs = 100;
    const answers = await Promise.all(
      Array.from({ length: 200 }, () => get("/v1/prices/aws/eks?region=us-east-2")),
    );
    expect(answers.every((a) => a.res.status === 200 && a.body.items.length === 7)).toBe(true);
    expect(fake.callsFor("AmazonEKS")).toHaveLength(1);
    expect(fake.callsFor("AmazonECS")).toHaveLength(0);
  });

  it("a client that disconnects does not cancel the fetch others are waiting for", async () => {
    h = live();
    fake.latencyMs = 150;
    const gone = new AbortController();
    const app = h.app;
    const first = Promise.resolve(
      app.request("/v1/prices/aws/eks?region=us-east-1", { signal: gone.signal }),
    ).catch((e: Error) => e);
    const second = get("/v1/prices/aws/eks?region=us-east-1");
    await new Promise((r) => setTimeout(r, 30));
    gone.abort();
    // The one that left is answered 499 (logged, never seen) ...
    expect(((await first) as Response).status).toBe(499);
    const { res, body } = await second;
    // ... the one that stayed gets the answer of the one fetch, which was not cancelled.
    expect(res.status).toBe(200);
    expect(body.items[0]?.source).toBe("live");
    expect(fake.callsFor("AmazonEKS")).toHaveLength(1);
    expect(fake.aborted).toBe(0);
  });

  it("when the only caller disconnects, the upstream call is cancelled", async () => {
    h = live();
    fake.latencyMs = 300;
    const gone = new AbortController();
    const first = Promise.resolve(h.app.request("/v1/prices/aws/eks?region=us-west-2", { signal: gone.signal })).catch((e: Error) => e);
    await vi.waitFor(() => expect(fake.callsFor("AmazonEKS").length).toBe(1));
    gone.abort();
    expect(((await first) as Response).status).toBe(499);
    await vi.waitFor(() => expect(fake.aborted).toBe(1));
  });
});
