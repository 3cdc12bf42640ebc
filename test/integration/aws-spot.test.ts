import { HttpResponse, http } from "msw";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app.ts";
import { loadTables } from "../../src/clouds/registry.ts";
import { FakeEc2Spot, ec2SpotHandlers } from "../fakes/ec2-spot-fake.ts";
import { eksCluster, eksNodegroup, FakeEksSageMaker } from "../fakes/eks-sagemaker-fake.ts";
import { mockServices } from "../helpers/app.ts";
import { pricingMsw } from "../helpers/aws-msw.ts";
import { fakeWithCatalogue, type LiveHarness, liveApp, liveConfig } from "../helpers/live.ts";

/**
 * AWS spot in live mode, against EC2's query protocol and the Spot Advisor file behind msw. The
 * on-demand price compared with comes from the Price List fake (m5.large in us-east-1: 0.096).
 */
const ADVISOR_URL = "https://spot-bid-advisor.s3.amazonaws.com/spot-advisor-data.json";
const ENDPOINT_HOST = "ec2.endpoint.test";
const NOW = new Date("2026-12-03T12:00:00.000Z");
const TTL_MS = 300_000;

/** A small advisor file in AWS's shape: m5.large is "<5%" on Linux (and ">20%" on Windows, never read). */
const ADVISOR_FILE = {
  instance_types: { "m5.large": { emr: true, cores: 2, ram_gb: 8.0 } },
  ranges: [
    { index: 0, label: "<5%", dots: 0, max: 5 },
    { index: 1, label: "5-10%", dots: 1, max: 11 },
    { index: 2, label: "10-15%", dots: 2, max: 16 },
    { index: 3, label: "15-20%", dots: 3, max: 22 },
    { index: 4, label: ">20%", dots: 4, max: 100 },
  ],
  spot_advisor: { "us-east-1": { Linux: { "m5.large": { s: 70, r: 0 } }, Windows: { "m5.large": { s: 40, r: 4 } } } },
  global_rate: "<10%",
};

const ec2 = new FakeEc2Spot();
const eks = new FakeEksSageMaker();
const advisor = { status: 200, calls: 0 };
const server = pricingMsw(
  fakeWithCatalogue(["us-east-1"]),
  ec2SpotHandlers(ec2, [ENDPOINT_HOST]),
  ...eks.handlers(),
  http.get(ADVISOR_URL, () => {
    advisor.calls++;
    if (advisor.status !== 200) return new HttpResponse("<Error><Code>InternalError</Code></Error>", { status: advisor.status });
    return HttpResponse.json(ADVISOR_FILE, { headers: { "last-modified": "Mon, 30 Nov 2026 08:00:00 GMT" } });
  }),
);
const open: LiveHarness[] = [];

beforeAll(() => server.listen({ onUnhandledFrame: "error" }));
afterAll(() => server.close());
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
  ec2.reset();
  eks.reset();
  advisor.status = 200;
  advisor.calls = 0;
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

function live(env: Record<string, string> = {}): LiveHarness {
  const h = liveApp(liveConfig({ EC2_RATE_PER_SECOND: "1000", EC2_BURST: "1000", UPSTREAM_RETRIES: "1", ...env }), undefined, () => NOW);
  open.push(h);
  return h;
}

function m5Zones(): void {
  ec2.rows.push(
    { type: "m5.large", zone: "us-east-1a", price: "0.034200", timestamp: "2026-12-03T10:00:00.000Z" },
    { type: "m5.large", zone: "us-east-1b", price: "0.035100", timestamp: "2026-12-03T09:30:00.000Z" },
    { type: "m5.large", zone: "us-east-1c", price: "0.033900", timestamp: "2026-12-03T08:15:00.000Z" },
  );
}

interface Item {
  id: string;
  price: string;
  source: string;
  asOf: string;
  purchase: Record<string, unknown> & { interruption?: Record<string, unknown> };
}

async function spot(h: LiveHarness, types = "m5.large") {
  const res = await h.app.request(`/v1/prices/aws/ec2?region=us-east-1&instanceType=${types}&purchaseOption=spot`);
  return { status: res.status, body: (await res.json()) as { items?: Item[]; unavailable?: Array<{ id: string }>; code?: string; detail?: string } };
}

describe("AWS spot prices in live mode", () => {
  it("answers the lowest zone's price, its zone and moment, the saving against on-demand and the interruption band", async () => {
    m5Zones();
    ec2.rows.push({ type: "c5.large", zone: "us-east-1d", price: "0.031000", timestamp: "2026-12-03T11:00:00.000Z" });
    const { status, body } = await spot(live(), "m5.large,c5.large");
    expect(status).toBe(200);
    const m5 = body.items?.find((i) => i.id === "m5.large");
    expect(m5).toMatchObject({ price: "0.0339", source: "live", asOf: "2026-12-03" });
    expect(m5?.purchase).toMatchObject({
      option: "spot",
      recurring: "0.0339",
      upfront: "0",
      availabilityZone: "us-east-1c",
      pointInTime: "2026-12-03T08:15:00.000Z",
      onDemandPrice: "0.0960000000",
      // (0.096 - 0.0339) / 0.096 = 64.6875 %
      savingPercent: "64.6875",
      interruption: { band: "<5%", savingsPercent: "70", source: "live", asOf: "2026-11-30" },
    });
    expect(m5?.purchase.note).toContain("per zone: us-east-1a 0.0342, us-east-1b 0.0351, us-east-1c 0.0339");
    // A type the advisor does not list has no interruption field.
    const c5 = body.items?.find((i) => i.id === "c5.large");
    expect(c5).toMatchObject({ price: "0.031", purchase: { availabilityZone: "us-east-1d" } });
    expect(c5?.purchase).not.toHaveProperty("interruption");
    // One call, in EC2's query protocol.
    expect(ec2.calls).toHaveLength(1);
    const params = ec2.calls[0]?.params;
    expect(params?.get("Action")).toBe("DescribeSpotPriceHistory");
    expect(params?.get("Version")).toBe("2016-11-15");
    expect([params?.get("InstanceType.1"), params?.get("InstanceType.2")].sort()).toEqual(["c5.large", "m5.large"]);
    expect(params?.get("ProductDescription.1")).toBe("Linux/UNIX");
    expect(Date.parse(params?.get("StartTime") ?? "")).toBe(NOW.getTime());
    expect(ec2.calls[0]?.host).toBe("ec2.us-east-1.amazonaws.com");
  });

  it("follows nextToken: the lowest zone may be on the second page", async () => {
    m5Zones();
    ec2.pageSize = 2;
    const { status, body } = await spot(live());
    expect(status).toBe(200);
    expect(body.items?.[0]?.purchase).toMatchObject({ availabilityZone: "us-east-1c", recurring: "0.0339" });
    expect(ec2.calls.map((c) => c.params.get("NextToken"))).toEqual([null, "page-2"]);
  });

  it("EC2 failing is an error status and never a price", async () => {
    m5Zones();
    ec2.failStatus = 500;
    const { status, body } = await spot(live());
    expect(status).toBe(503);
    expect(body.code).toBe("upstream_unavailable");
    expect(body.detail).toContain("live only");
    expect(body).not.toHaveProperty("items");
    // Retries live in the guard only (UPSTREAM_RETRIES 1 here; the SDK makes one attempt per call).
    expect(ec2.calls).toHaveLength(2);
  });

  it("the advisor file failing: the dated copy's band, with its date", async () => {
    m5Zones();
    advisor.status = 503;
    const { status, body } = await spot(live());
    expect(status).toBe(200);
    expect(advisor.calls).toBeGreaterThanOrEqual(1);
    // fallback-pricing/spot-advisor/aws/spot-advisor-data.json: us-east-1 Linux m5.large {s: 66, r: 3}; range 3 is "15-20%".
    expect(body.items?.[0]?.purchase.interruption).toEqual({ band: "15-20%", savingsPercent: "66", source: "fallback", asOf: "2025-06-28" });
    expect(body.items?.[0]?.purchase.note).toContain("alexei-led/spotinfo@5bdc33ce");
    expect(body.items?.[0]).toMatchObject({ price: "0.0339", source: "live" });
  });

  it("is cached within its TTL, and asked anew once the TTL and its equal stale window have passed", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    vi.setSystemTime(NOW);
    m5Zones();
    const h = live({ SPOT_PRICE_TTL_MS: String(TTL_MS) });
    expect((await spot(h)).body.items?.[0]?.source).toBe("live");
    vi.setSystemTime(NOW.getTime() + TTL_MS / 2);
    const second = await spot(h);
    expect(second.body.items?.[0]).toMatchObject({ source: "cache", price: "0.0339" });
    expect(ec2.calls).toHaveLength(1);
    // Past fresh + stale (2 × TTL, ±10% jitter): never served from the cache again.
    vi.setSystemTime(NOW.getTime() + 3 * TTL_MS);
    expect((await spot(h)).body.items?.[0]?.source).toBe("live");
    expect(ec2.calls).toHaveLength(2);
  });

  it("asks a listing without instanceType for it (400 naming the parameter)", async () => {
    const res = await live().app.request("/v1/prices/aws/ec2?region=us-east-1&purchaseOption=spot");
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors?: Array<{ parameter: string }> };
    expect(body.errors?.map((e) => e.parameter)).toEqual(["instanceType"]);
    expect(ec2.calls).toHaveLength(0);
  });

  it("goes to AWS_ENDPOINT_URL_EC2 when it is set (the SDK's own resolution)", async () => {
    vi.stubEnv("AWS_ENDPOINT_URL_EC2", `https://${ENDPOINT_HOST}`);
    m5Zones();
    expect((await spot(live())).status).toBe(200);
    expect(ec2.calls.map((c) => c.host)).toEqual([ENDPOINT_HOST]);
  });
});

describe("AWS spot prices in mock mode", () => {
  it("are not served: a 404 saying spot prices are live only", async () => {
    const app = createApp(mockServices(loadTables("fallback-pricing")));
    const res = await app.request("/v1/prices/aws/ec2?region=us-east-1&instanceType=m5.large&purchaseOption=spot");
    expect(res.status).toBe(404);
    const body = (await res.json()) as { detail: string };
    expect(body.detail).toContain("spot prices are live only");
  });
});

describe("the EKS run-rate in live mode", () => {
  it("prices a Spot node group at the current spot price, marked as a point in time", async () => {
    m5Zones();
    eks.region("us-east-1").clusters.push({
      cluster: eksCluster("us-east-1", "batch", "1.33", { supportType: "STANDARD" }),
      nodegroups: [
        eksNodegroup("us-east-1", "batch", "od", { instanceTypes: ["m5.large"], capacityType: "ON_DEMAND", desiredSize: 2 }),
        eksNodegroup("us-east-1", "batch", "spot", { instanceTypes: ["m5.large", "m5a.large"], capacityType: "SPOT", desiredSize: 4 }),
      ],
      fargateProfiles: [],
    });
    const res = await live().app.request("/v1/aws/eks/clusters?region=us-east-1");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { clusters: Array<{ lines: Array<Record<string, unknown>>; totals: Record<string, unknown> }> };
    const lines = body.clusters[0]?.lines ?? [];
    const spotLine = lines.find((l) => l.id === "node-group/spot");
    // 4 × 0.0339 (us-east-1c, the lowest zone) = 0.1356 an hour.
    expect(spotLine).toMatchObject({ status: "priced", priceId: "m5.large", quantity: "4", unitPrice: "0.0339", hourly: "0.1356", inTotal: true, price: { source: "live" } });
    expect(String(spotLine?.reason)).toMatch(/current Spot price of m5\.large \(lowest zone, us-east-1c\) as of 2026-12-03T08:15:00.000Z: a point in time/);
    expect(String(spotLine?.reason)).toMatch(/may also run m5a\.large/);
    // Control plane 0.1 + 2 × 0.096 on demand + 0.1356 spot.
    expect(body.clusters[0]?.totals).toMatchObject({ hourly: "0.4276", complete: true });
  });
});
