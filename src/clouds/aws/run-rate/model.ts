import type { Source, Unit } from "../../../domain/price.ts";
import type { SupportBasis, SupportType } from "../eks-calendar.ts";


/**
 * The run-rate of what is running: the inventory a `ResourceSource` finds (live AWS or the mock
 * account) priced by one set of functions here, so live and mock answers are built the same way.
 * All money is big.js over decimal strings; a price the provider cannot give is listed, never 0.
 */


export { HOURS_PER_MONTH } from "../../../estimates/arithmetic.ts";

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
  /** Sum of the priced lines; null when nothing could be priced. */
  hourly: string | null;
  monthly: string | null;
  hoursPerMonth: number;
  /** False whenever a line is left out of the total (no price, Spot, Fargate, usage-based): it is then a lower bound. */
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
  readonly origin: ResourceOrigin;
  eksClusters(region: string, signal?: AbortSignal): Promise<EksClustersReport>;
  sagemakerResources(region: string, signal?: AbortSignal): Promise<SageMakerResourcesReport>;
}

