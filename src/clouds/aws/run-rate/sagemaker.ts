import type { PriceProvider } from "../../../domain/price.ts";
import { PriceLookup, type PricingOptions, pricedLine, reportEnvelope, sumTotals, totalsOf, unpricedLine } from "./lines.ts";
import type { RunRateLine, SageMakerInventory, SageMakerResourceReport, SageMakerResourcesReport } from "./model.ts";

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
    ...[...wanted].map(([id, filter]) => lookup.add([id], () => prices.price({ cloud: "aws", service: "sagemaker", region, filter }, { signal }))),
    // Serverless items are only listed unfiltered; asked for only when a serverless variant runs.
    ...(serverless ? [lookup.add("all", () => prices.price({ cloud: "aws", service: "sagemaker", region }, { signal }))] : []),
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
    ...reportEnvelope(region, options, [
      "real-time endpoint variants: current instance count × the hosting price of the variant's instance type",
      "serverless variants are priced per second of inference (usage-based) and are not part of the hourly run-rate",
      "notebook instances InService and training jobs InProgress are priced per instance-hour while they run",
    ]),
    service: "sagemaker",
    endpoints,
    notebooks,
    trainingJobs,
    totals: sumTotals([...endpoints, ...notebooks, ...trainingJobs].map((r) => r.totals)),
  };
}

