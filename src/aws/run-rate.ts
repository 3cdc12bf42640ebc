import Big from "big.js";
import type { PriceItem, PriceSet, Source, Unit } from "../domain/price.ts";
import { ApiError } from "../errors.ts";
import type { PriceProvider } from "../pricing/provider.ts";
import {
  EKS_CALENDAR_AS_OF,
  EKS_CALENDAR_SOURCE,
  eksSupportStatus,
  type SupportBasis,
  type SupportType,
} from "./eks-calendar.ts";

/**
 * The run-rate of what is running: the inventory a `ResourceSource` finds (live AWS or the mock
 * account) priced by one set of functions here, so live and mock answers are built the same way.
 * All money is big.js over decimal strings; a price the provider cannot give is listed, never 0.
 */

/** AWS's convention for a monthly figure from an hourly one (365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;

/** Where the inventory came from; each price keeps its own source. */
export type ResourceOrigin = "live" | "mock";

// ---------------------------------------------------------------------------------------------
// Inventory: what is running, as AWS describes it (normalised, unpriced).
// ---------------------------------------------------------------------------------------------

export interface EksNodeGroupInventory {
  name: string;
  status?: string | undefined;
  /** ON_DEMAND (AWS's default when absent), SPOT or CAPACITY_BLOCK. */
  capacityType: string;
  /** Empty when the instance type is set in a launch template instead. */
  instanceTypes: string[];
  desiredSize: number;
  minSize?: number | undefined;
  maxSize?: number | undefined;
  amiType?: string | undefined;
}

export interface EksClusterInventory {
  name: string;
  arn?: string | undefined;
  status?: string | undefined;
  version: string;
  platformVersion?: string | undefined;
  /** `cluster.upgradePolicy.supportType`; absent on clusters described before the field existed. */
  upgradePolicy?: SupportType | undefined;
  nodeGroups: EksNodeGroupInventory[];
  fargateProfiles: Array<{ name: string }>;
}

export type SageMakerVariantInventory =
  | {
      kind: "instance";
      name: string;
      shadow: boolean;
      /** From the endpoint config; the endpoint's own description does not carry it. */
      instanceType?: string | undefined;
      currentInstanceCount?: number | undefined;
    }
  | {
      kind: "serverless";
      name: string;
      shadow: boolean;
      memorySizeInMB: number;
      maxConcurrency: number;
      provisionedConcurrency?: number | undefined;
    };

export interface SageMakerInventory {
  endpoints: Array<{
    name: string;
    arn?: string | undefined;
    status: string;
    endpointConfigName?: string | undefined;
    variants: SageMakerVariantInventory[];
  }>;
  notebooks: Array<{ name: string; arn?: string | undefined; status: string; instanceType: string }>;
  trainingJobs: Array<{
    name: string;
    arn?: string | undefined;
    status: string;
    /** One entry per instance group (heterogeneous clusters), or the single InstanceType × InstanceCount. */
    instanceGroups: Array<{ name?: string | undefined; instanceType: string; instanceCount: number }>;
  }>;
}

// ---------------------------------------------------------------------------------------------
// Reports.
// ---------------------------------------------------------------------------------------------

/**
 * `priced`: in the total. `usage-based`: a unit price, but billed by use, not by the hour (serverless
 * inference, per second). `not-priced`: deliberately left out (Spot, Fargate). `not-available`: the
 * price source cannot give the price; the total is then incomplete.
 */
export type LineStatus = "priced" | "usage-based" | "not-priced" | "not-available";

export interface RunRateLine {
  id: string;
  description: string;
  /** The id asked of the price source (`control-plane.extended`, `m5.large`, `hosting.ml.m5.xlarge`). */
  priceId: string | null;
  quantity: string;
  unit: Unit | null;
  unitPrice: string | null;
  hourly: string | null;
  monthly: string | null;
  status: LineStatus;
  inTotal: boolean;
  reason?: string;
  price?: { source: Source; asOf: string };
}

export interface RunRateTotals {
  hourly: string;
  monthly: string;
  hoursPerMonth: number;
  /** False when a line that should be in the total has no price: the total is then a lower bound. */
  complete: boolean;
  /** Lines left out of the total, with the resource they belong to. */
  excluded: Array<{ id: string; status: LineStatus; reason: string }>;
}

export interface EksClusterReport {
  name: string;
  arn: string | null;
  status: string | null;
  version: string;
  platformVersion: string | null;
  /** The cluster's policy for the end of standard support, as AWS reports it. */
  upgradePolicy: SupportType | null;
  /** What the control plane is billed at now. */
  supportType: SupportType;
  supportBasis: SupportBasis;
  endOfStandardSupport: string | null;
  endOfExtendedSupport: string | null;
  supportNote?: string;
  nodeGroups: Array<{
    name: string;
    status: string | null;
    capacityType: string;
    instanceTypes: string[];
    desiredSize: number;
    minSize: number | null;
    maxSize: number | null;
  }>;
  fargateProfiles: Array<{ name: string }>;
  lines: RunRateLine[];
  totals: RunRateTotals;
}

interface ReportEnvelope {
  cloud: "aws";
  region: string;
  currency: "USD";
  source: ResourceOrigin;
  /** When the inventory was read and priced (ISO timestamp). */
  asOf: string;
  notes: string[];
}

export interface EksClustersReport extends ReportEnvelope {
  service: "eks";
  clusters: EksClusterReport[];
  calendar: { source: string; asOf: string };
  totals: RunRateTotals;
}

export interface SageMakerResourceReport {
  kind: "endpoint" | "notebook" | "training-job";
  name: string;
  arn: string | null;
  status: string;
  lines: RunRateLine[];
  totals: RunRateTotals;
  /** Endpoints: each production (and shadow) variant. */
  variants?: Array<{
    name: string;
    shadow: boolean;
    kind: "instance" | "serverless";
    instanceType: string | null;
    currentInstanceCount: number | null;
    memorySizeInMB: number | null;
    maxConcurrency: number | null;
    provisionedConcurrency: number | null;
  }>;
  instanceType?: string;
  instanceGroups?: Array<{ name: string | null; instanceType: string; instanceCount: number }>;
}

export interface SageMakerResourcesReport extends ReportEnvelope {
  service: "sagemaker";
  endpoints: SageMakerResourceReport[];
  notebooks: SageMakerResourceReport[];
  trainingJobs: SageMakerResourceReport[];
  totals: RunRateTotals;
}

/** Answers "what is running in this region, and what does it cost per hour": live AWS or the mock account. */
export interface ResourceSource {
  eksClusters(region: string, signal?: AbortSignal): Promise<EksClustersReport>;
  sagemakerResources(region: string, signal?: AbortSignal): Promise<SageMakerResourcesReport>;
}

// ---------------------------------------------------------------------------------------------
// Prices: one provider call per kind, each missing id explained.
// ---------------------------------------------------------------------------------------------

type Priced = { item: PriceItem } | { reason: string };

/** A price lookup over one or more provider answers; a failed answer explains every id it would have had. */
class PriceLookup {
  readonly #items = new Map<string, PriceItem>();
  readonly #reasons = new Map<string, string>();
  readonly #failures: Array<{ ids: Set<string> | "all"; reason: string }> = [];

  async add(ids: readonly string[] | "all", load: () => Promise<PriceSet>): Promise<void> {
    try {
      const set = await load();
      for (const item of set.items) if (!this.#items.has(item.id)) this.#items.set(item.id, item);
      for (const u of set.unavailable) this.#reasons.set(u.id, u.reason);
    } catch (error) {
      // The provider's "nothing here" and "nothing can answer" become per-line reasons; the rest is a bug.
      if (
        !(error instanceof ApiError) ||
        (error.code !== "price_not_available" && error.code !== "upstream_unavailable")
      )
        throw error;
      this.#failures.push({ ids: ids === "all" ? "all" : new Set(ids), reason: error.message });
    }
  }

  get(id: string): Priced {
    const item = this.#items.get(id);
    if (item) return { item };
    const reason = this.#reasons.get(id);
    if (reason) return { reason };
    const failure = this.#failures.find((f) => f.ids === "all" || f.ids.has(id));
    if (failure) return { reason: failure.reason };
    return { reason: "the price source has no price for it in this region" };
  }
}

// ---------------------------------------------------------------------------------------------
// Lines and totals.
// ---------------------------------------------------------------------------------------------

function pricedLine(
  base: { id: string; description: string; priceId: string; quantity: number | string; reason?: string },
  priced: Priced,
  mode: "hourly" | "usage" = "hourly",
): RunRateLine {
  const quantity = new Big(base.quantity).toFixed();
  if ("reason" in priced) {
    return {
      id: base.id,
      description: base.description,
      priceId: base.priceId,
      quantity,
      unit: null,
      unitPrice: null,
      hourly: null,
      monthly: null,
      status: "not-available",
      inTotal: false,
      reason: base.reason ? `${base.reason}; ${priced.reason}` : priced.reason,
    };
  }
  const { item } = priced;
  const price = { source: item.source, asOf: item.asOf };
  if (mode === "usage" || item.unit !== "hour") {
    return {
      id: base.id,
      description: base.description,
      priceId: base.priceId,
      quantity,
      unit: item.unit,
      unitPrice: item.price,
      hourly: null,
      monthly: null,
      status: "usage-based",
      inTotal: false,
      reason:
        base.reason ??
        `billed per ${item.unit} of use, not by the hour: not part of the hourly run-rate`,
      price,
    };
  }
  const hourly = new Big(item.price).times(quantity);
  return {
    id: base.id,
    description: base.description,
    priceId: base.priceId,
    quantity,
    unit: item.unit,
    unitPrice: item.price,
    hourly: hourly.toFixed(),
    monthly: hourly.times(HOURS_PER_MONTH).toFixed(),
    status: "priced",
    inTotal: true,
    ...(base.reason ? { reason: base.reason } : {}),
    price,
  };
}

function unpricedLine(
  base: { id: string; description: string; priceId: string | null; quantity: number | string },
  status: "not-priced" | "not-available",
  reason: string,
): RunRateLine {
  return {
    id: base.id,
    description: base.description,
    priceId: base.priceId,
    quantity: new Big(base.quantity).toFixed(),
    unit: null,
    unitPrice: null,
    hourly: null,
    monthly: null,
    status,
    inTotal: false,
    reason,
  };
}

/** Sums the lines in the total (big.js); `prefix` names the resource in `excluded`. */
export function totalsOf(lines: readonly RunRateLine[], prefix = ""): RunRateTotals {
  let hourly = new Big(0);
  const excluded: RunRateTotals["excluded"] = [];
  for (const line of lines) {
    if (line.inTotal && line.hourly !== null) hourly = hourly.plus(line.hourly);
    else excluded.push({ id: `${prefix}${line.id}`, status: line.status, reason: line.reason ?? "" });
  }
  return {
    hourly: hourly.toFixed(),
    monthly: hourly.times(HOURS_PER_MONTH).toFixed(),
    hoursPerMonth: HOURS_PER_MONTH,
    complete: excluded.every((e) => e.status !== "not-available"),
    excluded,
  };
}

/** Adds resource totals into one (exact decimal sums). */
export function sumTotals(parts: readonly RunRateTotals[]): RunRateTotals {
  let hourly = new Big(0);
  for (const p of parts) hourly = hourly.plus(p.hourly);
  return {
    hourly: hourly.toFixed(),
    monthly: hourly.times(HOURS_PER_MONTH).toFixed(),
    hoursPerMonth: HOURS_PER_MONTH,
    complete: parts.every((p) => p.complete),
    excluded: parts.flatMap((p) => p.excluded),
  };
}

export interface PricingOptions {
  source: ResourceOrigin;
  now: Date;
  signal?: AbortSignal | undefined;
}

const FARGATE_NOTE =
  "Fargate is billed per pod (vCPU and memory requested, per second), not per profile: listed, not priced";

// ---------------------------------------------------------------------------------------------
// EKS.
// ---------------------------------------------------------------------------------------------

/** Prices EKS clusters: control plane, on-demand node groups; Spot and Fargate listed, left out. */
export async function priceEksClusters(
  region: string,
  clusters: readonly EksClusterInventory[],
  prices: PriceProvider,
  options: PricingOptions,
): Promise<EksClustersReport> {
  const lookup = new PriceLookup();
  const signal = options.signal;
  if (clusters.length > 0) {
    await lookup.add(["control-plane.standard", "control-plane.extended"], () => prices.eks(region, { signal }));
  }
  const onDemandTypes = [
    ...new Set(
      clusters.flatMap((c) =>
        c.nodeGroups.filter((g) => g.capacityType === "ON_DEMAND" && g.instanceTypes[0]).map((g) => g.instanceTypes[0] as string),
      ),
    ),
  ];
  if (onDemandTypes.length > 0) await lookup.add(onDemandTypes, () => prices.ec2(region, onDemandTypes, { signal }));

  const reports = clusters.map((cluster): EksClusterReport => {
    const support = eksSupportStatus(cluster.version, cluster.upgradePolicy, options.now);
    const lines: RunRateLine[] = [];
    const controlPlaneId =
      support.supportType === "EXTENDED" ? "control-plane.extended" : "control-plane.standard";
    lines.push(
      pricedLine(
        {
          id: "control-plane",
          description: `EKS control plane, Kubernetes ${cluster.version} in ${support.supportType === "EXTENDED" ? "extended" : "standard"} support`,
          priceId: controlPlaneId,
          quantity: 1,
        },
        lookup.get(controlPlaneId),
      ),
    );
    for (const group of cluster.nodeGroups) {
      const type = group.instanceTypes[0];
      const base = {
        id: `node-group/${group.name}`,
        description: `Managed node group ${group.name}: ${group.desiredSize} × ${type ?? "(launch template)"} ${group.capacityType}`,
        priceId: type ?? null,
        quantity: group.desiredSize,
      };
      if (group.capacityType === "SPOT") {
        lines.push(
          unpricedLine(base, "not-priced", "SPOT capacity is billed at the Spot price, not on-demand: left out of the total"),
        );
      } else if (group.capacityType !== "ON_DEMAND") {
        lines.push(
          unpricedLine(base, "not-priced", `${group.capacityType} capacity is not billed at the on-demand rate: left out of the total`),
        );
      } else if (!type) {
        lines.push(
          unpricedLine(base, "not-available", "the instance type is set in the node group's launch template, which EKS does not report"),
        );
      } else {
        const notes: string[] = [];
        if (group.instanceTypes.length > 1)
          notes.push(`priced at its first instance type (${type}); the group may also run ${group.instanceTypes.slice(1).join(", ")}`);
        if (group.amiType?.startsWith("WINDOWS"))
          notes.push("priced at the Linux on-demand rate; Windows nodes cost more");
        lines.push(
          pricedLine({ ...base, priceId: type, ...(notes.length ? { reason: notes.join("; ") } : {}) }, lookup.get(type)),
        );
      }
    }
    for (const profile of cluster.fargateProfiles) {
      lines.push(
        unpricedLine(
          { id: `fargate-profile/${profile.name}`, description: `Fargate profile ${profile.name}`, priceId: null, quantity: 0 },
          "not-priced",
          FARGATE_NOTE,
        ),
      );
    }
    return {
      name: cluster.name,
      arn: cluster.arn ?? null,
      status: cluster.status ?? null,
      version: cluster.version,
      platformVersion: cluster.platformVersion ?? null,
      upgradePolicy: cluster.upgradePolicy ?? null,
      supportType: support.supportType,
      supportBasis: support.basis,
      endOfStandardSupport: support.endOfStandardSupport,
      endOfExtendedSupport: support.endOfExtendedSupport,
      ...(support.note ? { supportNote: support.note } : {}),
      nodeGroups: cluster.nodeGroups.map((g) => ({
        name: g.name,
        status: g.status ?? null,
        capacityType: g.capacityType,
        instanceTypes: g.instanceTypes,
        desiredSize: g.desiredSize,
        minSize: g.minSize ?? null,
        maxSize: g.maxSize ?? null,
      })),
      fargateProfiles: cluster.fargateProfiles,
      lines,
      totals: totalsOf(lines, `${cluster.name}/`),
    };
  });

  return {
    cloud: "aws",
    service: "eks",
    region,
    currency: "USD",
    source: options.source,
    asOf: options.now.toISOString(),
    calendar: { source: EKS_CALENDAR_SOURCE, asOf: EKS_CALENDAR_AS_OF },
    notes: [
      `monthly = hourly × ${HOURS_PER_MONTH}`,
      "node groups are priced at desiredSize × the on-demand Linux price of their first instance type",
      "SPOT node groups are listed but not priced at on-demand and are left out of the totals",
      FARGATE_NOTE,
      "a cluster's support type comes from the EKS release calendar; upgradePolicy only says what happens at the end of standard support",
    ],
    clusters: reports,
    totals: sumTotals(reports.map((r) => r.totals)),
  };
}

// ---------------------------------------------------------------------------------------------
// SageMaker.
// ---------------------------------------------------------------------------------------------

type InstanceComponent = "hosting" | "notebook" | "training";

/** Prices SageMaker endpoints, notebooks and training jobs; serverless inference per second of use. */
export async function priceSageMakerResources(
  region: string,
  inventory: SageMakerInventory,
  prices: PriceProvider,
  options: PricingOptions,
): Promise<SageMakerResourcesReport> {
  const lookup = new PriceLookup();
  const signal = options.signal;
  const wanted = new Map<string, { component: InstanceComponent; instanceType: string }>();
  const want = (component: InstanceComponent, instanceType: string) =>
    wanted.set(`${component}.${instanceType}`, { component, instanceType });
  let serverless = false;
  for (const e of inventory.endpoints)
    for (const v of e.variants) {
      if (v.kind === "serverless") serverless = true;
      else if (v.instanceType) want("hosting", v.instanceType);
    }
  for (const n of inventory.notebooks) want("notebook", n.instanceType);
  for (const j of inventory.trainingJobs) for (const g of j.instanceGroups) want("training", g.instanceType);

  await Promise.all([
    ...[...wanted].map(([id, filter]) => lookup.add([id], () => prices.sagemaker(region, filter, { signal }))),
    // Serverless items are only listed unfiltered; asked for only when a serverless variant runs.
    ...(serverless ? [lookup.add("all", () => prices.sagemaker(region, {}, { signal }))] : []),
  ]);

  const endpoints = inventory.endpoints.map((endpoint): SageMakerResourceReport => {
    const lines = endpoint.variants.map((v): RunRateLine => {
      const label = `${v.shadow ? "shadow variant" : "variant"} ${v.name}`;
      if (v.kind === "serverless") {
        const priceId = `serverless-inference.${v.memorySizeInMB}`;
        const provisioned = v.provisionedConcurrency
          ? `; provisioned concurrency ${v.provisionedConcurrency} is billed separately and not priced here`
          : "";
        return pricedLine(
          {
            id: `variant/${v.name}`,
            description: `Serverless ${label}: ${v.memorySizeInMB} MB, max concurrency ${v.maxConcurrency}`,
            priceId,
            quantity: 1,
            reason: `priced per second of inference (per invocation's duration), not as an hourly run-rate${provisioned}`,
          },
          lookup.get(priceId),
          "usage",
        );
      }
      const base = {
        id: `variant/${v.name}`,
        description: `Real-time ${label}: ${v.currentInstanceCount ?? "?"} × ${v.instanceType ?? "(unknown instance type)"}`,
        quantity: v.currentInstanceCount ?? 0,
      };
      if (!v.instanceType)
        return unpricedLine({ ...base, priceId: null }, "not-available", "the endpoint config does not name this variant's instance type");
      const priceId = `hosting.${v.instanceType}`;
      if (v.currentInstanceCount === undefined)
        return unpricedLine({ ...base, priceId }, "not-available", "AWS reports no current instance count for this variant");
      return pricedLine({ ...base, priceId }, lookup.get(priceId));
    });
    return {
      kind: "endpoint",
      name: endpoint.name,
      arn: endpoint.arn ?? null,
      status: endpoint.status,
      variants: endpoint.variants.map((v) => ({
        name: v.name,
        shadow: v.shadow,
        kind: v.kind,
        instanceType: v.kind === "instance" ? (v.instanceType ?? null) : null,
        currentInstanceCount: v.kind === "instance" ? (v.currentInstanceCount ?? null) : null,
        memorySizeInMB: v.kind === "serverless" ? v.memorySizeInMB : null,
        maxConcurrency: v.kind === "serverless" ? v.maxConcurrency : null,
        provisionedConcurrency: v.kind === "serverless" ? (v.provisionedConcurrency ?? null) : null,
      })),
      lines,
      totals: totalsOf(lines, `endpoint/${endpoint.name}/`),
    };
  });

  const notebooks = inventory.notebooks.map((n): SageMakerResourceReport => {
    const priceId = `notebook.${n.instanceType}`;
    const lines = [
      pricedLine(
        { id: "instance", description: `Notebook instance ${n.name}: ${n.instanceType}`, priceId, quantity: 1 },
        lookup.get(priceId),
      ),
    ];
    return {
      kind: "notebook",
      name: n.name,
      arn: n.arn ?? null,
      status: n.status,
      instanceType: n.instanceType,
      lines,
      totals: totalsOf(lines, `notebook/${n.name}/`),
    };
  });

  const trainingJobs = inventory.trainingJobs.map((j): SageMakerResourceReport => {
    const lines = j.instanceGroups.map((g, i) => {
      const priceId = `training.${g.instanceType}`;
      return pricedLine(
        {
          id: g.name ? `instance-group/${g.name}` : j.instanceGroups.length > 1 ? `instances/${i}` : "instances",
          description: `Training job ${j.name}: ${g.instanceCount} × ${g.instanceType}`,
          priceId,
          quantity: g.instanceCount,
        },
        lookup.get(priceId),
      );
    });
    return {
      kind: "training-job",
      name: j.name,
      arn: j.arn ?? null,
      status: j.status,
      instanceGroups: j.instanceGroups.map((g) => ({
        name: g.name ?? null,
        instanceType: g.instanceType,
        instanceCount: g.instanceCount,
      })),
      lines,
      totals: totalsOf(lines, `training-job/${j.name}/`),
    };
  });

  return {
    cloud: "aws",
    service: "sagemaker",
    region,
    currency: "USD",
    source: options.source,
    asOf: options.now.toISOString(),
    notes: [
      `monthly = hourly × ${HOURS_PER_MONTH}`,
      "real-time endpoint variants: current instance count × the hosting price of the variant's instance type",
      "serverless variants are priced per second of inference (usage-based) and are not part of the hourly run-rate",
      "notebook instances InService and training jobs InProgress are priced per instance-hour while they run",
    ],
    endpoints,
    notebooks,
    trainingJobs,
    totals: sumTotals([...endpoints, ...notebooks, ...trainingJobs].map((r) => r.totals)),
  };
}
