import Big from "big.js";
import type { PriceProvider } from "../../../domain/price.ts";
import { eksSupportStatus } from "../eks-calendar.ts";
import { priceEksClusters } from "../run-rate/eks.ts";
import type { EksClustersReport, RunRateLine } from "../run-rate/model.ts";
import { priceSageMakerResources } from "../run-rate/sagemaker.ts";
import { MOCK_INVENTORY_REGIONS, type Owner, ownedEksClusters, ownedSageMaker } from "./inventory.ts";
import { type CostLine, SERVICES } from "./line-items.ts";

/**
 * The Cost Explorer lines of what the mock account runs, derived from the inventory (inventory.ts) and
 * priced by the run-rate functions the running-resources answers use, over the same price provider.
 *
 * The rule: a resource's cost on a day is its run-rate on that day × 24 hours, where the run-rate is the
 * one `GET /v1/aws/eks/clusters` (or `/sagemaker/resources`) would answer with the clock on that day.
 * Only what the run-rate has in its total is billed here (control planes, on-demand node groups,
 * real-time endpoint instances, notebooks); what it leaves out (Spot without a price, Fargate,
 * serverless inference) has no line. So, for a region and a full month in which no cluster changed
 * support type, the month's cost of these lines = run-rate hourly total × days × 24, exactly; across a
 * change (e.g. 1.33 leaving standard support on 2026-07-29) each day is billed at that day's rate.
 *
 * No noise, growth or weekend dip: these are hourly list prices of resources that run all the time.
 */

const DAY_MS = 86_400_000;
const HOURS = new Big(24);

/** Usage-type prefixes as AWS writes them; EC2 in us-east-1 has none. */
const PREFIX: Record<string, string> = { "us-east-1": "USE1-", "us-west-2": "USW2-", "eu-west-1": "EU-", "ap-south-1": "APS3-" };
const prefixOf = (region: string) => PREFIX[region] ?? `${region}-`;
const ec2PrefixOf = (region: string) => (region === "us-east-1" ? "" : prefixOf(region));

/** One derived line: its dimensions, and its exact UnblendedCost and hours per day from `firstDay`. */
export interface InventoryLine extends CostLine {
  cost: (Big | undefined)[];
  hours: (Big | undefined)[];
}

class Lines {
  readonly #lines = new Map<string, InventoryLine>();
  readonly #days: number;

  constructor(days: number) {
    this.#days = days;
  }

  /** Books a priced run-rate line on day `index`: hourly × 24, quantity × 24 hours. */
  add(meta: Omit<CostLine, "unit" | "diurnal">, index: number, line: RunRateLine): void {
    if (!line.inTotal || line.hourly === null) return;
    const key = JSON.stringify([meta.service, meta.region, meta.account, meta.usageType, meta.tags]);
    let found = this.#lines.get(key);
    if (!found) {
      found = { ...meta, unit: "Hrs", diurnal: "flat", cost: new Array(this.#days).fill(undefined), hours: new Array(this.#days).fill(undefined) };
      this.#lines.set(key, found);
    }
    found.cost[index] = (found.cost[index] ?? new Big(0)).plus(new Big(line.hourly).times(HOURS));
    found.hours[index] = (found.hours[index] ?? new Big(0)).plus(new Big(line.quantity).times(HOURS));
  }

  all(): InventoryLine[] {
    return [...this.#lines.values()];
  }
}

/** The derived lines for days [firstDay, lastDay] (day numbers, UTC), every region of the inventory. */
export async function inventoryLines(prices: PriceProvider, firstDay: number, lastDay: number, signal?: AbortSignal): Promise<InventoryLine[]> {
  const lines = new Lines(Math.max(0, lastDay - firstDay + 1));
  for (const region of MOCK_INVENTORY_REGIONS) {
    await bookEks(lines, region, prices, firstDay, lastDay, signal);
    await bookSageMaker(lines, region, prices, firstDay, lastDay, signal);
  }
  return lines.all();
}

async function bookEks(lines: Lines, region: string, prices: PriceProvider, firstDay: number, lastDay: number, signal?: AbortSignal) {
  const owned = ownedEksClusters(region);
  if (owned.length === 0) return;
  const clusters = owned.map(({ owner: _owner, ...cluster }) => cluster);
  // The run-rate only changes when a cluster's support type does: priced once per combination.
  const reports = new Map<string, EksClustersReport>();
  for (let day = firstDay; day <= lastDay; day++) {
    const at = new Date(day * DAY_MS);
    const key = clusters.map((c) => eksSupportStatus(c.version, c.upgradePolicy, at).supportType).join();
    let report = reports.get(key);
    if (!report) {
      report = await priceEksClusters(region, clusters, prices, { source: "mock", now: at, signal });
      reports.set(key, report);
    }
    report.clusters.forEach((cluster, i) => {
      const { owner, nodeGroups } = owned[i] as (typeof owned)[number];
      const tags = { ...owner.tags, "eks:cluster-name": cluster.name };
      for (const line of cluster.lines) {
        if (line.id === "control-plane") {
          const usage = cluster.supportType === "EXTENDED" ? "AmazonEKS-Hours:extendedSupport" : "AmazonEKS-Hours:perCluster";
          lines.add({ service: SERVICES.eks, region, account: owner.account, usageType: `${prefixOf(region)}${usage}`, tags }, day - firstDay, line);
          continue;
        }
        const group = nodeGroups.find((g) => line.id === `node-group/${g.name}`);
        if (!group || !line.priceId) continue;
        const usage = group.capacityType === "SPOT" ? "SpotUsage" : "BoxUsage";
        lines.add({ service: SERVICES.ec2, region, account: owner.account, usageType: `${ec2PrefixOf(region)}${usage}:${line.priceId}`, tags }, day - firstDay, line);
      }
    });
  }
}

async function bookSageMaker(lines: Lines, region: string, prices: PriceProvider, firstDay: number, lastDay: number, signal?: AbortSignal) {
  const { endpoints, notebooks } = ownedSageMaker(region);
  if (endpoints.length + notebooks.length === 0) return;
  const strip = <T extends { owner: Owner }>({ owner: _owner, ...rest }: T) => rest;
  // Endpoints and notebooks have no calendar: one pricing serves every day.
  const report = await priceSageMakerResources(
    region,
    { endpoints: endpoints.map(strip), notebooks: notebooks.map(strip), trainingJobs: [] },
    prices,
    { source: "mock", now: new Date(lastDay * DAY_MS), signal },
  );
  const book = (owner: Owner, kind: string, line: RunRateLine) => {
    const instanceType = (line.priceId ?? "").replace(/^[a-z-]+\./, "");
    for (let day = firstDay; day <= lastDay; day++) {
      lines.add({ service: SERVICES.sagemaker, region, account: owner.account, usageType: `${prefixOf(region)}${kind}:${instanceType}`, tags: owner.tags }, day - firstDay, line);
    }
  };
  report.endpoints.forEach((e, i) => {
    for (const line of e.lines) book((endpoints[i] as (typeof endpoints)[number]).owner, "Host", line);
  });
  report.notebooks.forEach((n, i) => {
    for (const line of n.lines) book((notebooks[i] as (typeof notebooks)[number]).owner, "Notebk", line);
  });
}
