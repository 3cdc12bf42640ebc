import type { AnyServiceDef } from "../clouds/types.ts";
import type { PriceItem, PriceProvider, PriceQuestion, PriceSet, Source } from "../domain/price.ts";
import { ApiError } from "../errors.ts";
import type { FallbackRow, FallbackTables } from "../fallback/tables.ts";
import { answer, type Offer } from "./select.ts";

/**
 * The on-demand providers answer on-demand questions only: a purchase option reaching one would be
 * answered silently at the on-demand price. `PurchaseOptionPrices` in front of them answers the options.
 */
export function onDemandOnly(q: PriceQuestion, who: string): void {
  if (q.purchase) throw new Error(`${who} answers on-demand only; ${q.purchase.option} goes through PurchaseOptionPrices`);
}

export const NOT_IN_TABLES = "no published price for it in the fallback tables";

/** Turns a table row into a served item, stamped with where it came from. */
export function rowToItem(row: FallbackRow, source: Source): PriceItem {
  return {
    id: row.id,
    description: row.description,
    unit: row.unit,
    price: row.price,
    ...(row.tiers ? { tiers: row.tiers.map((t) => ({ ...t })) } : {}),
    ...(row.parts ? { parts: row.parts.map((p) => ({ ...p })) } : {}),
    ...(row.vcpu === undefined ? {} : { vcpu: row.vcpu }),
    ...(row.memoryGiB === undefined ? {} : { memoryGiB: row.memoryGiB }),
    ...(row.architecture === undefined ? {} : { architecture: row.architecture }),
    ...(row.gpu === undefined ? {} : { gpu: { ...row.gpu } }),
    ...(row.burstable === undefined ? {} : { burstable: row.burstable }),
    ...(row.usageType ? { usageType: row.usageType } : {}),
    ...(row.sku ? { sku: row.sku } : {}),
    source,
    asOf: row.asOf,
  };
}

/**
 * Serves one cloud's prices from the fallback tables alone: mock mode (origin "mock"), and the last
 * resort of live mode. Items say `source: "fallback"` either way: they are the tables' published prices.
 */
export class FallbackPriceProvider implements PriceProvider {
  readonly origin: "live" | "mock";
  readonly #cloud: string;
  readonly #services: ReadonlyMap<string, AnyServiceDef>;
  readonly #tables: FallbackTables;
  /** The tables never change: each row becomes its (frozen) item once, not on every request. */
  readonly #items = new WeakMap<FallbackRow, PriceItem>();

  constructor(cloud: string, services: readonly AnyServiceDef[], tables: FallbackTables, origin: "live" | "mock") {
    this.#cloud = cloud;
    this.#services = new Map(services.map((s) => [s.id, s]));
    this.#tables = tables;
    this.origin = origin;
  }

  #item(row: FallbackRow): PriceItem {
    let item = this.#items.get(row);
    if (!item) {
      item = rowToItem(row, "fallback");
      for (const tier of item.tiers ?? []) Object.freeze(tier);
      Object.freeze(item.tiers);
      for (const part of item.parts ?? []) Object.freeze(part);
      Object.freeze(item.parts);
      Object.freeze(item.gpu);
      Object.freeze(item);
      this.#items.set(row, item);
    }
    return item;
  }

  /** The free grant the tables publish for the service, if any. */
  freeTier(service: string, region: string) {
    return this.#tables.freeTier(this.#cloud, service, region);
  }

  async price(q: PriceQuestion): Promise<PriceSet> {
    onDemandOnly(q, "the fallback tables' on-demand provider");
    const service = this.#services.get(q.service);
    if (!service) throw new ApiError("not_found", `${this.#cloud} has no priced service "${q.service}"`);
    const rows = this.#tables.rows(this.#cloud, q.service, q.region);
    if (rows.length === 0) {
      const regions = this.#tables.regions(this.#cloud, q.service);
      throw new ApiError(
        "price_not_available",
        `no ${service.title} prices are available for region ${q.region}; regions with prices: ${regions.length ? regions.join(", ") : "none"}`,
      );
    }
    const offer: Offer = {
      get: (id) => {
        const row = this.#tables.get(this.#cloud, q.service, q.region, id);
        return row ? this.#item(row) : undefined;
      },
      list: () => rows.map((r) => this.#item(r)),
    };
    const set = answer(service, q, offer, NOT_IN_TABLES);
    const freeTier = this.freeTier(q.service, q.region);
    return freeTier ? { ...set, freeTier } : set;
  }
}
