import type { PriceProvider } from "../../../domain/price.ts";
import { priceEksClusters } from "../run-rate/eks.ts";
import type { EksClustersReport, ResourceSource, SageMakerResourcesReport } from "../run-rate/model.ts";
import { priceSageMakerResources } from "../run-rate/sagemaker.ts";
import type { EksVersionStep } from "../eks-calendar.ts";
import { clusterOn, mockEksClusters, mockSageMakerInventory, ownedEksClusters } from "./inventory.ts";

export { mockEksClusters, mockSageMakerInventory } from "./inventory.ts";

/**
 * The mock account's resources (inventory.ts), priced by the same run-rate functions as the live ones,
 * as of the services' injected clock: the same clock the synthetic costs run to, so a cluster's support
 * type is the calendar's on that day and matches what Cost Explorer bills for it.
 */
export class MockResources implements ResourceSource {
  readonly origin = "mock" as const;
  readonly #prices: PriceProvider;
  readonly #now: () => Date;

  constructor(prices: PriceProvider, now: () => Date) {
    this.#prices = prices;
    this.#now = now;
  }

  async eksClusters(region: string, signal?: AbortSignal): Promise<EksClustersReport> {
    const now = this.#now();
    const day = now.toISOString().slice(0, 10);
    const report = await priceEksClusters(region, mockEksClusters(region, day), this.#prices, { source: "mock", now, signal });
    // The mock knows each cluster's past (EKS describes only the present): say how it got to its version.
    for (const c of ownedEksClusters(region)) {
      const steps = clusterOn(c, day)?.history ?? [];
      const upgrades = steps.slice(1).map((s, i) => `${s.automatic ? "by AWS" : "by its team"} from ${(steps[i] as EksVersionStep).version} to ${s.version} on ${s.since}${s.automatic ? ` (the end of ${c.upgradePolicy === "STANDARD" ? "standard" : "extended"} support)` : ""}`);
      if (upgrades.length) report.notes.push(`${c.name}: upgraded ${upgrades.join("; ")}`);
    }
    return report;
  }

  async sagemakerResources(region: string, signal?: AbortSignal): Promise<SageMakerResourcesReport> {
    const now = this.#now();
    return priceSageMakerResources(region, mockSageMakerInventory(region, now.toISOString().slice(0, 10)), this.#prices, { source: "mock", now, signal });
  }
}
