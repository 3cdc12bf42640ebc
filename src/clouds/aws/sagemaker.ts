import type { PriceItem } from "../../domain/price.ts";
import { SAGEMAKER_INSTANCE_TYPE, type SageMakerComponent, sagemakerInstanceId } from "./catalog.ts";
import type { PriceListProduct } from "./price-list.ts";
import { type PriceQuery, productItem } from "./products.ts";
import { isForRegion, usageTypeSuffix } from "./usage-types.ts";

/** The usage-type family before ":" (e.g. "USE1-Train:ml.m5.xlarge") for each component. */
const COMPONENT_USAGE: Record<string, SageMakerComponent> = {
  Train: "training",
  Host: "hosting",
  Notebk: "notebook",
  "Studio-Notebook": "studio",
  Studio: "studio",
  Processing: "processing",
  Tsform: "batch-transform",
  "Data-Wrangler": "data-wrangler",
  DataWrangler: "data-wrangler",
};
const USAGE_OF: Partial<Record<SageMakerComponent, string[]>> = {};
for (const [usage, component] of Object.entries(COMPONENT_USAGE)) {
  USAGE_OF[component] = [...(USAGE_OF[component] ?? []), usage];
}

/** Serverless inference: "USE1-ServerlessInf:Mem-4GB" → 4096 MB. */
const SERVERLESS = /^ServerlessInf:Mem-(\d+)GB$/;

export interface SageMakerQuery {
  component?: SageMakerComponent | undefined;
  instanceType?: string | undefined;
}

export function sagemakerQueries(region: string, q: SageMakerQuery): PriceQuery[] {
  const filters = [{ field: "regionCode", value: region }];
  if (q.instanceType)
    return [
      {
        serviceCode: "AmazonSageMaker",
        filters: [...filters, { field: "instanceName", value: q.instanceType }],
      },
    ];
  if (q.component) {
    return (USAGE_OF[q.component] ?? []).map((usage) => ({
      serviceCode: "AmazonSageMaker",
      filters: [...filters, { field: "usagetype", value: `${usage}:`, type: "CONTAINS" as const }],
    }));
  }
  return [{ serviceCode: "AmazonSageMaker", filters }];
}

export function sagemakerItems(
  region: string,
  products: readonly PriceListProduct[],
  q: SageMakerQuery,
): PriceItem[] {
  const items = new Map<string, PriceItem>();
  for (const product of products) {
    const a = product.attributes;
    if (!isForRegion(a, region) || !a.usagetype) continue;
    const usage = usageTypeSuffix(a.usagetype, region);
    const serverless = SERVERLESS.exec(usage);
    if (serverless) {
      if (q.component || q.instanceType) continue;
      const id = `serverless-inference.${Number(serverless[1]) * 1024}`;
      const item = items.has(id) ? undefined : productItem(product, id, "second");
      if (item) items.set(id, item);
      continue;
    }
    const colon = usage.indexOf(":");
    if (colon < 0) continue;
    const component = COMPONENT_USAGE[usage.slice(0, colon)];
    const instanceType = a.instanceName ?? usage.slice(colon + 1);
    if (!component || !SAGEMAKER_INSTANCE_TYPE.test(instanceType)) continue;
    if ((q.component && component !== q.component) || (q.instanceType && instanceType !== q.instanceType))
      continue;
    const id = sagemakerInstanceId(component, instanceType);
    if (items.has(id)) continue;
    const item = productItem(product, id, "hour");
    if (item) items.set(id, item);
  }
  return [...items.values()];
}
