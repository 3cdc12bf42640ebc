import type { PriceItem, PriceSet, Source, Unavailable } from "../domain/price.ts";
import { ApiError } from "../errors.ts";
import type { FallbackRow, FallbackTables } from "../fallback/tables.ts";
import { EKS_ITEMS, LAMBDA_ITEMS, type PriceService, parseSageMakerId } from "./catalog.ts";
import type { LambdaPriceSet, PriceProvider, SageMakerFilter } from "./provider.ts";

const SERVICE_NAMES: Record<PriceService, string> = {
  eks: "EKS",
  ec2: "EC2",
  lambda: "Lambda",
  sagemaker: "SageMaker",
};

const NOT_IN_TABLES = "no published price for it in the fallback tables";

/** Turns a table row into a served item, stamped with where it came from. */
export function rowToItem(row: FallbackRow, source: Source): PriceItem {
  return {
    id: row.id,
    description: row.description,
    unit: row.unit,
    price: row.price,
    ...(row.tiers ? { tiers: row.tiers.map((t) => ({ ...t })) } : {}),
    ...(row.vcpu === undefined ? {} : { vcpu: row.vcpu }),
    ...(row.memoryGiB === undefined ? {} : { memoryGiB: row.memoryGiB }),
    ...(row.usageType ? { usageType: row.usageType } : {}),
    ...(row.sku ? { sku: row.sku } : {}),
    source,
    asOf: row.asOf,
  };
}

function listHint(values: readonly string[], max = 12): string {
  if (values.length === 0) return "none";
  const shown = values.slice(0, max).join(", ");
  return values.length > max ? `${shown}, … (${values.length} in all)` : shown;
}

/** Serves prices from the fallback tables alone: mock mode, and the last resort of live mode. */
export class FallbackPriceProvider implements PriceProvider {
  readonly #tables: FallbackTables;
  readonly #source: Source;
  /** The tables never change: each row becomes its (frozen) item once, not on every request. */
  readonly #items = new WeakMap<FallbackRow, PriceItem>();

  #item(row: FallbackRow): PriceItem {
    let item = this.#items.get(row);
    if (!item) {
      item = rowToItem(row, this.#source);
      for (const tier of item.tiers ?? []) Object.freeze(tier);
      Object.freeze(item.tiers);
      Object.freeze(item);
      this.#items.set(row, item);
    }
    return item;
  }

  constructor(tables: FallbackTables, source: Source = "fallback") {
    this.#tables = tables;
    this.#source = source;
  }

  #regionRows(service: PriceService, region: string): FallbackRow[] {
    const rows = this.#tables.rows(service, region);
    if (rows.length === 0) {
      throw new ApiError(
        "price_not_available",
        `no ${SERVICE_NAMES[service]} prices are available for region ${region}; regions with prices: ${listHint(this.#tables.regions(service), 40)}`,
      );
    }
    return rows;
  }

  /** A fixed catalogue (EKS, Lambda): every id in order, each priced or listed as unavailable. */
  #catalogue(service: PriceService, region: string, ids: readonly string[]): PriceSet {
    this.#regionRows(service, region);
    const items: PriceItem[] = [];
    const unavailable: Unavailable[] = [];
    for (const id of ids) {
      const row = this.#tables.get(service, region, id);
      if (row) items.push(this.#item(row));
      else unavailable.push({ id, reason: NOT_IN_TABLES });
    }
    return { items, unavailable };
  }

  async eks(region: string): Promise<PriceSet> {
    return this.#catalogue("eks", region, Object.keys(EKS_ITEMS));
  }

  /** The Lambda free tier: not in the Price List, so live answers take it from the tables too. */
  async lambdaFreeTier() {
    return this.#tables.lambdaFreeTier;
  }

  async lambda(region: string): Promise<LambdaPriceSet> {
    const set = this.#catalogue("lambda", region, Object.keys(LAMBDA_ITEMS));
    const freeTier = this.#tables.lambdaFreeTier;
    return freeTier ? { ...set, freeTier } : set;
  }

  async ec2(region: string, instanceTypes: readonly string[] | undefined): Promise<PriceSet> {
    const rows = this.#regionRows("ec2", region);
    if (!instanceTypes) return { items: rows.map((r) => this.#item(r)), unavailable: [] };
    const items: PriceItem[] = [];
    const unavailable: Unavailable[] = [];
    for (const type of instanceTypes) {
      const row = this.#tables.get("ec2", region, type);
      if (row) items.push(this.#item(row));
      else unavailable.push({ id: type, reason: NOT_IN_TABLES });
    }
    if (items.length === 0) {
      throw new ApiError(
        "price_not_available",
        `no price for instance type ${instanceTypes.join(", ")} in ${region}; instance types with prices there: ${listHint(rows.map((r) => r.id))}`,
      );
    }
    return { items, unavailable };
  }

  async sagemaker(region: string, filter: SageMakerFilter): Promise<PriceSet> {
    const rows = this.#regionRows("sagemaker", region);
    const matching = rows.filter((row) => {
      const parsed = parseSageMakerId(row.id);
      if (!parsed) return false;
      if (parsed.kind === "serverless") return !filter.component && !filter.instanceType;
      return (
        (!filter.component || parsed.component === filter.component) &&
        (!filter.instanceType || parsed.instanceType === filter.instanceType)
      );
    });
    if (matching.length === 0) {
      const asked = [
        filter.component ? `component ${filter.component}` : undefined,
        filter.instanceType ? `instance type ${filter.instanceType}` : undefined,
      ]
        .filter(Boolean)
        .join(" and ");
      throw new ApiError(
        "price_not_available",
        `no SageMaker price for ${asked} in ${region}; items with prices there: ${listHint(rows.map((r) => r.id))}`,
      );
    }
    return { items: matching.map((r) => this.#item(r)), unavailable: [] };
  }
}
