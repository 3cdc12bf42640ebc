import type { PriceProvider } from "../../../domain/price.ts";
import { priceEksClusters } from "../run-rate/eks.ts";
import type { EksClusterInventory, EksClustersReport, ResourceSource, SageMakerInventory, SageMakerResourcesReport } from "../run-rate/model.ts";
import { priceSageMakerResources } from "../run-rate/sagemaker.ts";

/**
 * The synthetic account's clock: the mock inventory is a snapshot as of this instant, so which
 * cluster is in extended support never changes with the date the service runs on.
 */
export const MOCK_RESOURCES_AS_OF = new Date("2026-01-15T00:00:00Z");

const ACCOUNT = "123456789012";

/** Two clusters: 1.33 in standard support (policy EXTENDED), 1.30 past standard support with no policy. */
export function mockEksClusters(region: string): EksClusterInventory[] {
  return [
    {
      name: "checkout-prod",
      arn: `arn:aws:eks:${region}:${ACCOUNT}:cluster/checkout-prod`,
      status: "ACTIVE",
      version: "1.33",
      platformVersion: "eks.12",
      upgradePolicy: "EXTENDED",
      nodeGroups: [
        {
          name: "general-on-demand",
          status: "ACTIVE",
          capacityType: "ON_DEMAND",
          instanceTypes: ["m5.large"],
          desiredSize: 3,
          minSize: 2,
          maxSize: 6,
          amiType: "AL2023_x86_64_STANDARD",
        },
        {
          name: "batch-spot",
          status: "ACTIVE",
          capacityType: "SPOT",
          instanceTypes: ["m5.xlarge", "m5a.xlarge", "m6i.xlarge"],
          desiredSize: 4,
          minSize: 0,
          maxSize: 10,
          amiType: "AL2023_x86_64_STANDARD",
        },
      ],
      fargateProfiles: [{ name: "fp-default" }],
    },
    {
      name: "legacy-reporting",
      arn: `arn:aws:eks:${region}:${ACCOUNT}:cluster/legacy-reporting`,
      status: "ACTIVE",
      version: "1.30",
      platformVersion: "eks.33",
      nodeGroups: [
        {
          name: "workers",
          status: "ACTIVE",
          capacityType: "ON_DEMAND",
          instanceTypes: ["t3.medium"],
          desiredSize: 2,
          minSize: 1,
          maxSize: 3,
          amiType: "AL2_x86_64",
        },
      ],
      fargateProfiles: [{ name: "fp-reports" }],
    },
  ];
}

/** A real-time endpoint, a serverless endpoint, a notebook and a training job. */
export function mockSageMakerInventory(region: string): SageMakerInventory {
  const arn = (kind: string, name: string) => `arn:aws:sagemaker:${region}:${ACCOUNT}:${kind}/${name}`;
  return {
    endpoints: [
      {
        name: "fraud-detector",
        arn: arn("endpoint", "fraud-detector"),
        status: "InService",
        endpointConfigName: "fraud-detector-config-v3",
        variants: [
          { kind: "instance", name: "AllTraffic", shadow: false, instanceType: "ml.m5.xlarge", currentInstanceCount: 2 },
        ],
      },
      {
        name: "ticket-summarizer",
        arn: arn("endpoint", "ticket-summarizer"),
        status: "InService",
        endpointConfigName: "ticket-summarizer-serverless",
        variants: [{ kind: "serverless", name: "AllTraffic", shadow: false, memorySizeInMB: 2048, maxConcurrency: 10 }],
      },
    ],
    notebooks: [
      {
        name: "research-notebook",
        arn: arn("notebook-instance", "research-notebook"),
        status: "InService",
        instanceType: "ml.t3.medium",
      },
    ],
    trainingJobs: [
      {
        name: "churn-model-2026-01-14",
        arn: arn("training-job", "churn-model-2026-01-14"),
        status: "InProgress",
        instanceGroups: [{ instanceType: "ml.m5.xlarge", instanceCount: 2 }],
      },
    ],
  };
}

/** The mock account's resources, priced by the same run-rate functions as the live ones. */
export class MockResources implements ResourceSource {
  readonly origin = "mock" as const;
  readonly #prices: PriceProvider;
  readonly #now: () => Date;

  constructor(prices: PriceProvider, now: () => Date = () => MOCK_RESOURCES_AS_OF) {
    this.#prices = prices;
    this.#now = now;
  }

  async eksClusters(region: string, signal?: AbortSignal): Promise<EksClustersReport> {
    return priceEksClusters(region, mockEksClusters(region), this.#prices, { source: "mock", now: this.#now(), signal });
  }

  async sagemakerResources(region: string, signal?: AbortSignal): Promise<SageMakerResourcesReport> {
    return priceSageMakerResources(region, mockSageMakerInventory(region), this.#prices, {
      source: "mock",
      now: this.#now(),
      signal,
    });
  }
}
