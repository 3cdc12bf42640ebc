import { describe, expect, it } from "vitest";
import { moneyToDecimal, parseSku, retryAfterSeconds } from "../../src/clouds/gcp/billing-client.ts";
import { cloudRunMatcher } from "../../src/clouds/gcp/cloud-run.ts";
import { computeMatcher } from "../../src/clouds/gcp/compute.ts";
import { classifyGcpError } from "../../src/clouds/gcp/errors.ts";
import { gkeMatcher } from "../../src/clouds/gcp/gke.ts";
import { bookEntry, buildBook, lookup } from "../../src/clouds/gcp/price-book.ts";
import { gcpRegions } from "../../src/clouds/gcp/regions.ts";
import { vertexMatcher } from "../../src/clouds/gcp/vertex-ai.ts";
import { HttpStatusError } from "../../src/resilience/classify.ts";
import { realSkus } from "../fakes/gcp-skus.ts";

describe("units + nanos", () => {
  it("is converted exactly, as a canonical decimal, never through a float", () => {
    expect(moneyToDecimal("0", 31611000)).toBe("0.031611");
    expect(moneyToDecimal("2", 933908000)).toBe("2.933908");
    expect(moneyToDecimal("0", 1)).toBe("0.000000001");
    expect(moneyToDecimal("1", 999999999)).toBe("1.999999999");
    expect(moneyToDecimal(undefined, 100000000)).toBe("0.1");
    expect(moneyToDecimal("12", undefined)).toBe("12");
    // 0.1 + 0.2 as floats is 0.30000000000000004.
    expect(moneyToDecimal("0", 300000000)).toBe("0.3");
    // Past 2^53: a float would lose the last digits.
    expect(moneyToDecimal("123456789012345678", 999999999)).toBe("123456789012345678.999999999");
    expect(() => moneyToDecimal("-1", -5)).toThrow(/negative/);
  });
});

describe("parseSku", () => {
  const [gpu, ram] = realSkus() as [unknown, unknown];

  it("reads Google's own SKUs: price, unit, regions, effective time", () => {
    expect(parseSku(gpu)).toMatchObject({
      skuId: "039F-D0DA-4055",
      description: "Nvidia Tesla A100 GPU running in Americas",
      resourceGroup: "GPU",
      usageType: "OnDemand",
      regions: ["us-central1", "us-east1", "us-west1"],
      usageUnit: "h",
      currency: "USD",
      tiers: [{ start: "0", price: "2.933908" }],
      effectiveTime: "2023-03-24T10:52:50.681Z",
    });
    expect(parseSku(ram)?.usageUnit).toBe("GiBy.h");
  });

  it("keeps every tier and the latest pricingInfo; fills proto3's omitted zeros", () => {
    const vpn = realSkus().at(-1);
    expect(parseSku(vpn)?.tiers).toEqual([
      { start: "0", price: "0.12" },
      { start: "1024", price: "0.11" },
      { start: "10240", price: "0.08" },
    ]);
    const twoPrices = {
      skuId: "X",
      description: "d",
      category: { usageType: "OnDemand" },
      pricingInfo: [
        { effectiveTime: "2026-01-01T00:00:00Z", pricingExpression: { usageUnit: "h", tieredRates: [{ unitPrice: { currencyCode: "USD", nanos: 5 } }] } },
        { effectiveTime: "2026-06-01T00:00:00Z", pricingExpression: { usageUnit: "h", tieredRates: [{ unitPrice: { currencyCode: "USD", units: "1" } }] } },
      ],
    };
    expect(parseSku(twoPrices)).toMatchObject({ tiers: [{ start: "0", price: "1" }], regions: ["global"] });
  });

  it("refuses what is not a SKU: no price, mixed currencies, a float for units", () => {
    expect(parseSku({ skuId: "X", description: "d", category: {}, pricingInfo: [] })).toBeUndefined();
    expect(parseSku("not an object")).toBeUndefined();
    const mixed = { skuId: "X", description: "d", category: {}, pricingInfo: [{ pricingExpression: { usageUnit: "h", tieredRates: [{ unitPrice: { currencyCode: "USD" } }, { startUsageAmount: 5, unitPrice: { currencyCode: "EUR" } }] } }] };
    expect(parseSku(mixed)).toBeUndefined();
    const floatUnits = { skuId: "X", description: "d", category: {}, pricingInfo: [{ pricingExpression: { usageUnit: "h", tieredRates: [{ unitPrice: { currencyCode: "USD", units: 0.1 } }] } }] };
    expect(parseSku(floatUnits)).toBeUndefined();
  });
});

describe("the book", () => {
  const at = (description: string, regions: string[], nanos: number, usageUnit = "h", usageType = "OnDemand") =>
    parseSku({ skuId: description.slice(0, 12), description, category: { usageType }, serviceRegions: regions, pricingInfo: [{ effectiveTime: "2026-11-01T00:00:00Z", pricingExpression: { usageUnit, tieredRates: [{ unitPrice: { currencyCode: "USD", nanos } }] } }] });

  it("prefers a region's own SKU over a multi-region one, and uses a global SKU everywhere", () => {
    const entries = [
      at("N2 Instance Core running in Americas", ["us-central1", "us-east1"], 30),
      at("N2 Instance Core running in Iowa", ["us-central1"], 31),
      at("Regional Kubernetes Clusters", ["global"], 100_000_000),
    ].flatMap((s) => {
      const e = s && (bookEntry(s, computeMatcher) ?? bookEntry(s, gkeMatcher));
      return e ? [e] : [];
    });
    const book = buildBook("svc", "2026-12-01", entries);
    expect(lookup(book, "us-central1", "core:N2 Instance")?.p).toBe("0.000000031");
    expect(lookup(book, "us-east1", "core:N2 Instance")?.p).toBe("0.00000003");
    expect(lookup(book, "europe-west9", "fee:regional")?.p).toBe("0.1");
  });

  it("drops two equally specific SKUs that disagree, rather than guess", () => {
    const a = at("N2 Instance Core running in Iowa", ["us-central1"], 31);
    const b = { ...(at("N2 Instance Core running in Iowa", ["us-central1"], 99) as NonNullable<ReturnType<typeof at>>), skuId: "OTHER" };
    const book = buildBook("svc", "2026-12-01", [a, b].map((s) => bookEntry(s as NonNullable<typeof s>, computeMatcher)).filter((e) => e !== undefined));
    expect(lookup(book, "us-central1", "core:N2 Instance")).toBeUndefined();
  });

  it("keeps only on-demand USD prices in the unit the item needs, and never a SKU that is $0 throughout", () => {
    expect(bookEntry(at("N2 Instance Core running in Iowa", ["us-central1"], 31, "h", "Preemptible") as never, computeMatcher)).toBeUndefined();
    expect(bookEntry(at("N2 Instance Core running in Iowa", ["us-central1"], 31, "GiBy.h") as never, computeMatcher)).toBeUndefined();
    expect(bookEntry(at("N2 Instance Core running in Iowa", ["us-central1"], 0) as never, computeMatcher)).toBeUndefined();
    const idr = realSkus().map((s) => parseSku(s)).find((s) => s?.currency === "IDR");
    expect(idr).toBeDefined();
    expect(bookEntry(idr as never, computeMatcher)).toBeUndefined();
  });

  it("reads a $0 first tier as the free amount and prices from the first paid tier", () => {
    const s = parseSku({ skuId: "CPU", description: "Services CPU (Request-based billing)", category: { usageType: "OnDemand" }, serviceRegions: ["us-central1"], pricingInfo: [{ pricingExpression: { usageUnit: "s", tieredRates: [{ unitPrice: { currencyCode: "USD" } }, { startUsageAmount: 180000, unitPrice: { currencyCode: "USD", nanos: 24000 } }] } }] });
    expect(bookEntry(s as never, cloudRunMatcher)?.sku).toMatchObject({ p: "0.000024", f: "180000" });
  });
});

describe("matchers (by description, never by SKU id)", () => {
  const m = (matcher: typeof computeMatcher, description: string) => matcher({ description } as never)?.key;

  it("Compute Engine: core, RAM, GPU and per-instance SKUs of known families only", () => {
    expect(m(computeMatcher, "E2 Instance Core running in Americas")).toBe("core:E2 Instance");
    expect(m(computeMatcher, "N1 Predefined Instance Ram running in Belgium")).toBe("ram:N1 Predefined Instance");
    expect(m(computeMatcher, "Compute optimized Core running in Iowa")).toBe("core:Compute optimized");
    expect(m(computeMatcher, "C4A Arm Instance Core running in Netherlands")).toBe("core:C4A Arm Instance");
    expect(m(computeMatcher, "Memory Optimized Upgrade Premium for Memory-optimized Instance Core running in Americas")).toBe("core:Memory Optimized Upgrade Premium for Memory-optimized Instance");
    expect(m(computeMatcher, "Nvidia Tesla A100 GPU running in Americas")).toBe("gpu:Nvidia Tesla A100 GPU");
    expect(m(computeMatcher, "Micro Instance with burstable CPU running in Americas")).toBe("instance:Micro Instance with burstable CPU");
    for (const d of [
      "N2 Custom Instance Core running in Iowa",
      "E2 Instance Core running in Iowa (DWS defined duration)",
      "Network Vpn Internet Egress from Americas to Africa",
      "Sole Tenancy Instance Core running in Iowa",
      "Spot Preemptible N2 Custom Instance Core running in Iowa",
      "Commitment v1: N2 Custom Cpu in Americas for 1 Year",
      "Commitment v1: Local SSD in Americas for 1 Year",
      "Commitment v1: A4 Nvidia B200 (1 gpu slice) in Americas for 1 Year",
      "Commitment - dollar based v1: GCE for 1 year",
    ])
      expect(m(computeMatcher, d), d).toBeUndefined();
  });

  it("Compute Engine Spot and commitment SKUs key apart from on-demand, with their usage type", () => {
    const full = (description: string) => computeMatcher({ description } as never);
    expect(full("Spot Preemptible E2 Instance Core running in Americas")).toEqual({ key: "spot:core:E2 Instance", usageUnit: "h", usageType: "Preemptible" });
    expect(full("Spot Preemptible N2 Instance Ram running in Americas")).toEqual({ key: "spot:ram:N2 Instance", usageUnit: "GiBy.h", usageType: "Preemptible" });
    expect(full("Spot Preemptible Micro Instance with burstable CPU running in Americas")?.key).toBe("spot:instance:Micro Instance with burstable CPU");
    expect(full("Nvidia Tesla A100 GPU attached to Spot Preemptible VMs running in Americas")?.key).toBe("spot:gpu:Nvidia Tesla A100 GPU");
    expect(full("Commitment v1: N2 Cpu in Americas for 1 Year")).toEqual({ key: "1yr:cpu:N2", usageUnit: "h", usageType: "Commit1Yr" });
    expect(full("Commitment v1: N2 Ram in Americas for 3 Years")).toEqual({ key: "3yr:ram:N2", usageUnit: "GiBy.h", usageType: "Commit3Yr" });
    expect(full("Commitment v1: N2D AMD Cpu in Americas for 3 Year")?.key).toBe("3yr:cpu:N2D AMD");
    // N1's commitments name no family; C2's older shape says "Commitment:" and "Core running in".
    expect(full("Commitment v1: Cpu in Montreal for 1 Year")?.key).toBe("1yr:cpu:");
    expect(full("Commitment: Compute optimized Core running in Iowa for 1 Year")?.key).toBe("1yr:cpu:Compute optimized");
    // A commitment SKU priced as another usage type is not kept.
    const sku = parseSku({ skuId: "C", description: "Commitment v1: N2 Cpu in Iowa for 1 Year", category: { usageType: "OnDemand" }, serviceRegions: ["us-central1"], pricingInfo: [{ pricingExpression: { usageUnit: "h", tieredRates: [{ unitPrice: { currencyCode: "USD", nanos: 19_915_000 } }] } }] });
    expect(bookEntry(sku as never, computeMatcher)).toBeUndefined();
    expect(bookEntry({ ...(sku as NonNullable<typeof sku>), usageType: "Commit1Yr" }, computeMatcher)?.key).toBe("1yr:cpu:N2");
  });

  it("GKE, Cloud Run and Vertex AI", () => {
    expect(m(gkeMatcher, "Regional Kubernetes Clusters")).toBe("fee:regional");
    expect(m(gkeMatcher, "Autopilot Pod mCPU Requests (us-central1)")).toBe("autopilot:cpu");
    expect(m(gkeMatcher, "Autopilot Spot Pod mCPU Requests (us-central1)")).toBeUndefined();
    expect(m(gkeMatcher, "Autopilot Arm Pod mCPU Requests (us-central1)")).toBeUndefined();
    expect(m(cloudRunMatcher, "Services CPU Tier 2  (Request-based billing)")).toBe("cpu");
    expect(m(cloudRunMatcher, "Services Memory (Instance-based billing) in europe-west1")).toBe("instance.memory");
    expect(m(cloudRunMatcher, "Services Min Instance CPU (Request-based billing)")).toBeUndefined();
    expect(m(cloudRunMatcher, "Requests")).toBe("requests");
    expect(m(vertexMatcher, "Vertex AI: Training/Pipelines on E2 Instance Core running in Belgium")).toBe("training:core:E2 Instance");
    expect(m(vertexMatcher, "Vertex AI: Training/Pipelines Management fee on N1 Instance RAM in Americas")).toBe("fee:ram:n1");
    expect(m(vertexMatcher, "Vertex AI: Online/Batch Prediction N1 Predefined Instance Ram running in Americas")).toBe("prediction:ram:N1 Predefined Instance");
  });
});

describe("classifyGcpError and Retry-After", () => {
  it("429 throttling, 5xx and malformed transient, other 4xx the configuration's fault", () => {
    expect(classifyGcpError(new HttpStatusError(429, "x", { code: "RESOURCE_EXHAUSTED" }))).toBe("throttling");
    expect(classifyGcpError(new HttpStatusError(503, "x"))).toBe("transient");
    expect(classifyGcpError(new HttpStatusError(403, "x", { code: "PERMISSION_DENIED" }))).toBe("client");
    expect(classifyGcpError(new HttpStatusError(400, "x"))).toBe("client");
    expect(classifyGcpError(Object.assign(new Error("x"), { name: "MalformedPageError" }))).toBe("transient");
    expect(classifyGcpError(new TypeError("fetch failed", { cause: { code: "ECONNREFUSED" } }))).toBe("transient");
    const aborted = new AbortController();
    aborted.abort();
    expect(classifyGcpError(new Error("x"), aborted.signal)).toBe("aborted");
  });

  it("reads delta-seconds and HTTP dates", () => {
    expect(retryAfterSeconds("7")).toBe(7);
    expect(retryAfterSeconds("Wed, 21 Oct 2026 07:28:30 GMT", Date.parse("Wed, 21 Oct 2026 07:28:00 GMT"))).toBe(30);
    expect(retryAfterSeconds(null)).toBeUndefined();
    expect(retryAfterSeconds("soon")).toBeUndefined();
  });
});

describe("regions", () => {
  it("are Google's codes, case-insensitive, with suggestions", () => {
    expect(gcpRegions.normalize("US-CENTRAL1")).toBe("us-central1");
    expect(gcpRegions.codes).toHaveLength(43);
    expect(gcpRegions.explain("europe-west13")).toMatch(/did you mean.*europe-west1/);
  });
});
