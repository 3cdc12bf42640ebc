import { type EksVersionChange, type EksVersionStep, eksVersionHistory } from "../eks-calendar.ts";
import type { EksClusterInventory, SageMakerInventory } from "../run-rate/model.ts";
import { MOCK_ACCOUNTS } from "./line-items.ts";

/**
 * What the synthetic account runs, region by region: the one inventory that both the running-resources
 * answers (MockResources) and the Cost Explorer lines of those resources (inventory-costs.ts) are built
 * from. A region not listed here runs nothing, and has no cost for these services.
 */

/** The linked account a resource runs in and its cost allocation tags (what Cost Explorer groups by). */
export interface Owner {
  account: string;
  tags: Record<string, string>;
}

/**
 * A cluster as the inventory defines it: the versions its owners chose and when (the version on a day,
 * with AWS's automatic upgrades, comes from the one clock: `clusterOn`).
 */
export type MockCluster = Omit<EksClusterInventory, "version" | "platformVersion"> & {
  versions: Array<EksVersionChange & { platformVersion: string }>;
  owner: Owner;
};

interface RegionInventory {
  clusters: MockCluster[];
  endpoints: Array<SageMakerInventory["endpoints"][number] & { owner: Owner }>;
  notebooks: Array<SageMakerInventory["notebooks"][number] & { owner: Owner }>;
  /** Training jobs come and go: listed as running, their cost stays a synthetic line (line-items.ts). */
  trainingJobs: SageMakerInventory["trainingJobs"];
}

const P = MOCK_ACCOUNTS.production;
const S = MOCK_ACCOUNTS.staging;
const prodPlatform: Owner = { account: P, tags: { Environment: "prod", Team: "platform" } };
const stagingPlatform: Owner = { account: S, tags: { Environment: "staging", Team: "platform" } };

const eksArn = (region: string, account: string, name: string) => `arn:aws:eks:${region}:${account}:cluster/${name}`;
const smArn = (region: string, account: string, kind: string, name: string) => `arn:aws:sagemaker:${region}:${account}:${kind}/${name}`;

function inventory(region: string, today: string): RegionInventory | undefined {
  switch (region) {
    case "us-east-1":
      return {
        clusters: [
          {
            // Upgraded by its team from 1.32 to 1.33 on 2026-02-17 (both in standard support then); policy
            // EXTENDED: 1.33 leaves standard support on 2026-07-29 and is billed at the extended rate after.
            name: "checkout-prod",
            arn: eksArn(region, P, "checkout-prod"),
            status: "ACTIVE",
            versions: [
              { since: "2025-02-10", version: "1.32", platformVersion: "eks.6" },
              { since: "2026-02-17", version: "1.33", platformVersion: "eks.12" },
            ],
            upgradePolicy: "EXTENDED",
            nodeGroups: [
              { name: "general-on-demand", status: "ACTIVE", capacityType: "ON_DEMAND", instanceTypes: ["m5.large"], desiredSize: 3, minSize: 2, maxSize: 6, amiType: "AL2023_x86_64_STANDARD" },
              { name: "batch-spot", status: "ACTIVE", capacityType: "SPOT", instanceTypes: ["m5.xlarge", "m5a.xlarge", "m6i.xlarge"], desiredSize: 4, minSize: 0, maxSize: 10, amiType: "AL2023_x86_64_STANDARD" },
            ],
            fargateProfiles: [{ name: "fp-default" }],
            owner: prodPlatform,
          },
          {
            // 1.30 with no policy (so EXTENDED): past standard support since 2025-07-23, and never upgraded
            // by its team: AWS upgrades it at each end of extended support (1.31 on 2026-07-23, 1.32 on
            // 2026-11-26), and it stays in extended support throughout.
            name: "legacy-reporting",
            arn: eksArn(region, P, "legacy-reporting"),
            status: "ACTIVE",
            versions: [{ since: "2024-06-03", version: "1.30", platformVersion: "eks.33" }],
            nodeGroups: [
              { name: "workers", status: "ACTIVE", capacityType: "ON_DEMAND", instanceTypes: ["t3.medium"], desiredSize: 2, minSize: 1, maxSize: 3, amiType: "AL2_x86_64" },
            ],
            fargateProfiles: [{ name: "fp-reports" }],
            owner: prodPlatform,
          },
        ],
        endpoints: [
          {
            name: "fraud-detector",
            arn: smArn(region, P, "endpoint", "fraud-detector"),
            status: "InService",
            endpointConfigName: "fraud-detector-config-v3",
            variants: [{ kind: "instance", name: "AllTraffic", shadow: false, instanceType: "ml.m5.xlarge", currentInstanceCount: 2 }],
            owner: { account: P, tags: { Environment: "prod", Team: "ml" } },
          },
          {
            name: "ticket-summarizer",
            arn: smArn(region, P, "endpoint", "ticket-summarizer"),
            status: "InService",
            endpointConfigName: "ticket-summarizer-serverless",
            variants: [{ kind: "serverless", name: "AllTraffic", shadow: false, memorySizeInMB: 2048, maxConcurrency: 10 }],
            owner: { account: P, tags: { Environment: "prod", Team: "ml" } },
          },
        ],
        notebooks: [
          {
            name: "research-notebook",
            arn: smArn(region, S, "notebook-instance", "research-notebook"),
            status: "InService",
            instanceType: "ml.t3.medium",
            owner: { account: S, tags: { Environment: "staging", Team: "ml" } },
          },
        ],
        trainingJobs: [
          {
            // The job running today: its name carries the clock's date, as a nightly job's would.
            name: `churn-model-${today}`,
            arn: smArn(region, S, "training-job", `churn-model-${today}`),
            status: "InProgress",
            instanceGroups: [{ instanceType: "ml.g4dn.xlarge", instanceCount: 1 }],
          },
        ],
      };
    case "us-west-2":
      return {
        clusters: [
          {
            // Upgraded by its team from 1.33 to 1.34 on 2026-01-20; policy STANDARD: never billed at the
            // extended rate, AWS upgrades it at the end of standard support instead (1.35 on 2026-12-02).
            name: "checkout-staging",
            arn: eksArn(region, S, "checkout-staging"),
            status: "ACTIVE",
            versions: [
              { since: "2025-06-16", version: "1.33", platformVersion: "eks.3" },
              { since: "2026-01-20", version: "1.34", platformVersion: "eks.4" },
            ],
            upgradePolicy: "STANDARD",
            nodeGroups: [
              { name: "general-on-demand", status: "ACTIVE", capacityType: "ON_DEMAND", instanceTypes: ["m5.large"], desiredSize: 2, minSize: 1, maxSize: 4, amiType: "AL2023_x86_64_STANDARD" },
            ],
            fargateProfiles: [],
            owner: stagingPlatform,
          },
        ],
        endpoints: [],
        notebooks: [],
        trainingJobs: [],
      };
    default:
      return undefined;
  }
}

/** The regions where the mock account runs anything. */
export const MOCK_INVENTORY_REGIONS = ["us-east-1", "us-west-2"] as const;

/** A cluster on `day`: as EKS would describe it then, and its version history up to then (undefined: not created yet). */
export function clusterOn(cluster: MockCluster, day: string): { cluster: EksClusterInventory & { owner: Owner }; history: EksVersionStep[] } | undefined {
  const { versions, ...rest } = cluster;
  const history = eksVersionHistory(versions, cluster.upgradePolicy, day);
  const now = history.at(-1);
  if (!now) return undefined;
  const platformVersion = now.automatic ? undefined : versions.find((v) => v.since === now.since && v.version === now.version)?.platformVersion;
  return { cluster: { ...rest, version: now.version, ...(platformVersion ? { platformVersion } : {}) }, history };
}

/** The EKS clusters `region` defines (none outside MOCK_INVENTORY_REGIONS), with their owners and versions over time. */
export function ownedEksClusters(region: string): MockCluster[] {
  return inventory(region, "")?.clusters ?? [];
}

/** SageMaker endpoints and notebooks in `region`, with their owners. */
export function ownedSageMaker(region: string): Pick<RegionInventory, "endpoints" | "notebooks"> {
  const found = inventory(region, "");
  return { endpoints: found?.endpoints ?? [], notebooks: found?.notebooks ?? [] };
}

/** The EKS clusters running in `region` on `day`, as EKS would describe them then. */
export function mockEksClusters(region: string, day: string): EksClusterInventory[] {
  return ownedEksClusters(region).flatMap((c) => {
    const on = clusterOn(c, day);
    if (!on) return [];
    const { owner: _owner, ...cluster } = on.cluster;
    return [cluster];
  });
}

/** The SageMaker resources running in `region` on `today`, as SageMaker would describe them. */
export function mockSageMakerInventory(region: string, today: string): SageMakerInventory {
  const found = inventory(region, today);
  if (!found) return { endpoints: [], notebooks: [], trainingJobs: [] };
  return {
    endpoints: found.endpoints.map(({ owner: _owner, ...e }) => e),
    notebooks: found.notebooks.map(({ owner: _owner, ...n }) => n),
    trainingJobs: found.trainingJobs,
  };
}
