import Big from "big.js";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { AWS_OPTION_HINTS, AWS_SERVICES } from "../../src/clouds/aws/catalog.ts";
import { MockResources } from "../../src/clouds/aws/mock/resources.ts";
import { SERVICES, SyntheticAccount } from "../../src/clouds/aws/mock/synthetic-account.ts";
import type { EksClustersReport, SageMakerResourcesReport } from "../../src/clouds/aws/run-rate/model.ts";
import type { CostFilters } from "../../src/domain/costs.ts";
import { FallbackPriceProvider } from "../../src/pricing/fallback-provider.ts";
import { PurchaseOptionPrices } from "../../src/pricing/purchase-provider.ts";
import { mockServices, realTables, silentLogger } from "../helpers/app.ts";

/**
 * The mock account is one story: what runs (the inventory) and what it cost (Cost Explorer) come from
 * the same inventory, the same published prices and the same clock.
 *
 * The rule: for a region and a full calendar month in which no cluster changed support type, the cost of
 * the inventory's always-on resources (EKS control planes and on-demand node groups, SageMaker real-time
 * endpoints and notebooks) in Cost Explorer equals the run-rate's hourly total × the month's hours
 * (days × 24), to the last digit. Across a support-type change, each day is billed at that day's rate.
 */

const NOW = new Date("2026-12-03T09:00:00Z");
const TODAY = "2026-12-03";
const prices = new PurchaseOptionPrices("aws", AWS_SERVICES, new FallbackPriceProvider("aws", AWS_SERVICES, realTables(), "mock"), realTables(), {}, AWS_OPTION_HINTS);
const account = new SyntheticAccount({ today: () => TODAY, prices });
const resources = new MockResources(prices, () => NOW);

async function cost(filters: CostFilters, start: string, end: string): Promise<string> {
  const report = await account.costs({ start, end, granularity: "MONTHLY", metric: "UnblendedCost", groupBy: [], filters });
  return report.total.amount;
}

const controlPlanes = (r: EksClustersReport) =>
  r.clusters.reduce((acc, c) => acc.plus(c.lines.find((l) => l.id === "control-plane")?.hourly ?? "NaN"), new Big(0));

describe("the mock account holds together", () => {
  it("EKS in Cost Explorer for November 2026 = the control planes' run-rate × 720 hours, per region", async () => {
    const east = await resources.eksClusters("us-east-1");
    // checkout-prod (1.33, past standard support since 2026-07-29) and legacy-reporting (1.31, then 1.32
    // after AWS's upgrade on 2026-11-26, both past standard support): both extended.
    expect(controlPlanes(east).toFixed()).toBe("1.2");
    expect(await cost({ services: [SERVICES.eks], regions: ["us-east-1"] }, "2026-11-01", "2026-12-01")).toBe("864");
    const west = await resources.eksClusters("us-west-2");
    expect(controlPlanes(west).toFixed()).toBe("0.1");
    expect(await cost({ services: [SERVICES.eks], regions: ["us-west-2"] }, "2026-11-01", "2026-12-01")).toBe("72");
  });

  it("a cluster's whole cost (control plane + on-demand nodes, tag eks:cluster-name) = its priced run-rate × hours", async () => {
    const east = await resources.eksClusters("us-east-1");
    // 2 × 0.60 + 3 × 0.096 + 2 × 0.0416
    expect(east.totals.hourly).toBe("1.5712");
    const names = east.clusters.map((c) => c.name);
    const filters = { regions: ["us-east-1"], tags: { "eks:cluster-name": names } };
    expect(await cost(filters, "2026-11-01", "2026-12-01")).toBe(new Big(east.totals.hourly as string).times(720).toFixed());
    expect(await cost(filters, "2026-11-01", "2026-12-01")).toBe("1131.264");
    // June 2026: 1.33 still in standard support: (0.10 + 0.60 + 0.3712) × 720.
    expect(await cost(filters, "2026-06-01", "2026-07-01")).toBe("771.264");
    // July 2026: 1.33 leaves standard support on the 29th: 28 days at 1.0712/h, 3 days at 1.5712/h.
    expect(await cost(filters, "2026-07-01", "2026-08-01")).toBe("832.9728");
  });

  it("SageMaker's real-time endpoint in Cost Explorer = its run-rate × hours", async () => {
    const sm: SageMakerResourcesReport = await resources.sagemakerResources("us-east-1");
    const endpoint = sm.endpoints.find((e) => e.name === "fraud-detector");
    expect(endpoint?.totals.hourly).toBe("0.46");
    expect(await cost({ services: [SERVICES.sagemaker], tags: { Environment: ["prod"] } }, "2026-11-01", "2026-12-01")).toBe("331.2");
  });
});

describe("one clock, region-specific inventory, through the routes", () => {
  const app = createApp(mockServices(realTables(), {}, silentLogger, () => NOW));
  const get = async <T>(path: string) => {
    const res = await app.request(path);
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  };

  it("clusters only where the account has EKS costs; other regions answer an empty list", async () => {
    const byRegion = await get<{ total: { amount: string }; periods: Array<{ groups: Array<{ keys: string[] }> }> }>(
      `/v1/costs/aws?start=2026-11-01&end=2026-12-01&granularity=MONTHLY&groupBy=REGION&service=${encodeURIComponent(SERVICES.eks)}`,
    );
    const withCosts = byRegion.periods[0]?.groups.map((g) => g.keys[0]).sort();
    expect(withCosts).toEqual(["us-east-1", "us-west-2"]);
    for (const region of ["us-east-1", "us-west-2", "eu-west-1", "ap-south-1", "eu-central-1"]) {
      const eks = await get<EksClustersReport>(`/v1/aws/eks/clusters?region=${region}`);
      expect(eks.clusters.length > 0, region).toBe(withCosts?.includes(region));
      expect(eks.asOf).toBe(NOW.toISOString());
    }
    const sm = await get<SageMakerResourcesReport>("/v1/aws/sagemaker/resources?region=eu-west-1");
    expect([sm.endpoints, sm.notebooks, sm.trainingJobs]).toEqual([[], [], []]);
  });

  it("support status follows the calendar from the services' clock: 1.33 is in extended support on 2026-12-03", async () => {
    const eks = await get<EksClustersReport>("/v1/aws/eks/clusters?region=us-east-1");
    const prod = eks.clusters.find((c) => c.name === "checkout-prod");
    expect(prod).toMatchObject({ version: "1.33", supportType: "EXTENDED", endOfStandardSupport: "2026-07-29" });
  });
});

describe("cluster versions follow the one clock", () => {
  const at = (day: string) => new MockResources(prices, () => new Date(`${day}T09:00:00Z`));
  const view = async (day: string, region: string) =>
    (await at(day).eksClusters(region)).clusters.map((c) => ({ name: c.name, version: c.version, supportType: c.supportType, endOfStandardSupport: c.endOfStandardSupport, endOfExtendedSupport: c.endOfExtendedSupport }));

  it("on 2026-12-03: legacy-reporting was upgraded by AWS at each end of extended support, checkout-staging at the end of standard support", async () => {
    expect(await view(TODAY, "us-east-1")).toEqual([
      { name: "checkout-prod", version: "1.33", supportType: "EXTENDED", endOfStandardSupport: "2026-07-29", endOfExtendedSupport: "2027-07-29" },
      { name: "legacy-reporting", version: "1.32", supportType: "EXTENDED", endOfStandardSupport: "2026-03-23", endOfExtendedSupport: "2027-03-23" },
    ]);
    // 1.35 is newer than the calendar table: standard support, no dates.
    expect(await view(TODAY, "us-west-2")).toEqual([{ name: "checkout-staging", version: "1.35", supportType: "STANDARD", endOfStandardSupport: null, endOfExtendedSupport: null }]);
    const notes = (await resources.eksClusters("us-east-1")).notes;
    expect(notes).toContain("checkout-prod: upgraded by its team from 1.32 to 1.33 on 2026-02-17");
    expect(notes).toContain("legacy-reporting: upgraded by AWS from 1.30 to 1.31 on 2026-07-23 (the end of extended support); by AWS from 1.31 to 1.32 on 2026-11-26 (the end of extended support)");
  });

  it("earlier clocks see earlier versions, and each end-of-support date is the version's own", async () => {
    expect(await view("2026-01-15", "us-east-1")).toEqual([
      { name: "checkout-prod", version: "1.32", supportType: "STANDARD", endOfStandardSupport: "2026-03-23", endOfExtendedSupport: "2027-03-23" },
      { name: "legacy-reporting", version: "1.30", supportType: "EXTENDED", endOfStandardSupport: "2025-07-23", endOfExtendedSupport: "2026-07-23" },
    ]);
    expect((await view("2026-01-15", "us-west-2"))[0]).toMatchObject({ version: "1.33", supportType: "STANDARD" });
    expect((await view("2026-07-22", "us-east-1"))[1]).toMatchObject({ version: "1.30", supportType: "EXTENDED" });
    expect((await view("2026-07-23", "us-east-1"))[1]).toMatchObject({ version: "1.31", supportType: "EXTENDED", endOfExtendedSupport: "2026-11-26" });
    expect((await view("2026-12-01", "us-west-2"))[0]).toMatchObject({ version: "1.34", supportType: "STANDARD", endOfStandardSupport: "2026-12-02" });
    // A clock past today moves on too: 1.33 leaves extended support on 2027-07-29.
    expect((await view("2027-07-29", "us-east-1"))[0]).toMatchObject({ name: "checkout-prod", version: "1.34" });
  });

  it("each day's EKS cost is that day's control-plane run-rate × 24, across the upgrades", async () => {
    for (const [region, day] of [
      ["us-east-1", "2026-02-16"],
      ["us-east-1", "2026-02-17"],
      ["us-east-1", "2026-07-22"],
      ["us-east-1", "2026-07-23"],
      ["us-east-1", "2026-07-29"],
      ["us-east-1", "2026-11-26"],
      ["us-west-2", "2026-01-19"],
      ["us-west-2", "2026-12-02"],
    ] as const) {
      const next = new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      const hourly = controlPlanes(await at(day).eksClusters(region));
      expect(await cost({ services: [SERVICES.eks], regions: [region] }, day, next), `${region} ${day}`).toBe(hourly.times(24).toFixed());
    }
  });
});
