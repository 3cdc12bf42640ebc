import Big from "big.js";
import type { PriceProvider } from "../../../domain/price.ts";
import { eksSupportStatus } from "../eks-calendar.ts";
import { priceEksClusters } from "../run-rate/eks.ts";
import type { EksClusterInventory, EksClustersReport, RunRateLine } from "../run-rate/model.ts";
import { priceSageMakerResources } from "../run-rate/sagemaker.ts";
import { dateOf } from "./calendar.ts";
import { clusterOn, MOCK_INVENTORY_REGIONS, type Owner, ownedEksClusters, ownedSageMaker } from "./inventory.ts";
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
 * change (e.g. 1.33 leaving standard support on 2026-07-29, or an upgrade) each day is billed at that
 * day's rate, for the version the cluster ran that day.
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

/** A priced run-rate line as one day of cost: hourly × 24, and quantity × 24 hours. */
interface Daily {
  line: InventoryLine;
  cost: Big;
  hours: Big;
}

class Lines {
  readonly #lines = new Map<string, InventoryLine>();
  readonly #days: number;

  constructor(days: number) {
    this.#days = days;
  }

  /** The day's amounts of a priced run-rate line (undefined when the run-rate leaves it out). */
  daily(meta: Omit<CostLine, "unit" | "diurnal">, line: RunRateLine): Daily | undefined {
    if (!line.inTotal || line.hourly === null) return undefined;
    const key = JSON.stringify([meta.service, meta.region, meta.account, meta.usageType, meta.tags]);
    let found = this.#lines.get(key);
    if (!found) {
      found = { ...meta, unit: "Hrs", diurnal: "flat", cost: new Array(this.#days).fill(undefined), hours: new Array(this.#days).fill(undefined) };
      this.#lines.set(key, found);
    }
    return { line: found, cost: new Big(line.hourly).times(HOURS), hours: new Big(line.quantity).times(HOURS) };
  }

  /** Books one day (index from the first day). */
  static book(daily: readonly Daily[], index: number): void {
    for (const { line, cost, hours } of daily) {
      line.cost[index] = (line.cost[index] ?? new Big(0)).plus(cost);
      line.hours[index] = (line.hours[index] ?? new Big(0)).plus(hours);
    }
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
  const defined = ownedEksClusters(region);
  if (defined.length === 0) return;
  // The run-rate only changes when a cluster's version or support type does (an upgrade, the calendar):
  // priced once per combination.
  const plans = new Map<string, Daily[]>();
  for (let day = firstDay; day <= lastDay; day++) {
    const at = new Date(day * DAY_MS);
    const owned = defined.flatMap((c) => clusterOn(c, dateOf(day))?.cluster ?? []);
    const key = owned.map((c) => `${c.name}@${c.version}:${eksSupportStatus(c.version, c.upgradePolicy, at).supportType}`).join();
    let plan = plans.get(key);
    if (!plan) {
      const clusters = owned.map(({ owner: _owner, ...cluster }) => cluster);
      plan = eksPlan(lines, region, owned, await priceEksClusters(region, clusters, prices, { source: "mock", now: at, signal }));
      plans.set(key, plan);
    }
    Lines.book(plan, day - firstDay);
  }
}

/** A day of the clusters' priced lines: control planes under EKS, node groups under EC2. */
function eksPlan(lines: Lines, region: string, owned: ReadonlyArray<EksClusterInventory & { owner: Owner }>, report: EksClustersReport): Daily[] {
  const plan: Daily[] = [];
  report.clusters.forEach((cluster, i) => {
    const { owner, nodeGroups } = owned[i] as (typeof owned)[number];
    const tags = { ...owner.tags, "eks:cluster-name": cluster.name };
    for (const line of cluster.lines) {
      let meta: Omit<CostLine, "unit" | "diurnal"> | undefined;
      if (line.id === "control-plane") {
        const usage = cluster.supportType === "EXTENDED" ? "AmazonEKS-Hours:extendedSupport" : "AmazonEKS-Hours:perCluster";
        meta = { service: SERVICES.eks, region, account: owner.account, usageType: `${prefixOf(region)}${usage}`, tags };
      } else {
        const group = nodeGroups.find((g) => line.id === `node-group/${g.name}`);
        if (group && line.priceId) {
          const usage = group.capacityType === "SPOT" ? "SpotUsage" : "BoxUsage";
          meta = { service: SERVICES.ec2, region, account: owner.account, usageType: `${ec2PrefixOf(region)}${usage}:${line.priceId}`, tags };
        }
      }
      const daily = meta && lines.daily(meta, line);
      if (daily) plan.push(daily);
    }
  });
  return plan;
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
  const plan: Daily[] = [];
  const add = (owner: Owner, kind: string, line: RunRateLine) => {
    const instanceType = (line.priceId ?? "").replace(/^[a-z-]+\./, "");
    const daily = lines.daily({ service: SERVICES.sagemaker, region, account: owner.account, usageType: `${prefixOf(region)}${kind}:${instanceType}`, tags: owner.tags }, line);
    if (daily) plan.push(daily);
  };
  report.endpoints.forEach((e, i) => {
    for (const line of e.lines) add((endpoints[i] as (typeof endpoints)[number]).owner, "Host", line);
  });
  report.notebooks.forEach((n, i) => {
    for (const line of n.lines) add((notebooks[i] as (typeof notebooks)[number]).owner, "Notebk", line);
  });
  for (let day = firstDay; day <= lastDay; day++) Lines.book(plan, day - firstDay);
}
