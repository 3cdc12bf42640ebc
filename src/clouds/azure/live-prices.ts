import type { Logger } from "pino";
import type { FreeTier, PriceItem } from "../../domain/price.ts";
import type { SpecsOf } from "../../fallback/specs.ts";
import type { LiveServiceSource } from "../../pricing/live-provider.ts";
import type { RetailPrice, RetailPricesClient } from "./retail-prices.ts";
import { aksItems, functionsItems, vmItems } from "./rows.ts";

/** How many VM sizes one query names (`armSkuName eq 'a' or armSkuName eq 'b' …`). */
export const VM_SIZES_PER_QUERY = 10;

/** OData string literal: single quotes doubled. Filter values are case-sensitive, so sent as they are. */
const quote = (value: string) => `'${value.replaceAll("'", "''")}'`;

/** A service's rows in a region of one price type: `Consumption` (pay-as-you-go, Spot, savingsPlan[]) or `Reservation`. */
export function regionFilter(service: string, region: string, priceType: "Consumption" | "Reservation" = "Consumption"): string {
  return `serviceName eq ${quote(service)} and armRegionName eq ${quote(region)} and priceType eq ${quote(priceType)}`;
}

export function vmFilter(region: string, sizes?: readonly string[], priceType: "Consumption" | "Reservation" = "Consumption"): string {
  const base = regionFilter("Virtual Machines", region, priceType);
  if (!sizes) return base;
  return `${base} and (${sizes.map((s) => `armSkuName eq ${quote(s)}`).join(" or ")})`;
}

/** The rows of some VM sizes in a region: a query sequence per VM_SIZES_PER_QUERY sizes, run together. */
export async function vmRows(client: RetailPricesClient, region: string, sizes: readonly string[], signal: AbortSignal, priceType: "Consumption" | "Reservation" = "Consumption"): Promise<RetailPrice[]> {
  const chunks: string[][] = [];
  for (let i = 0; i < sizes.length; i += VM_SIZES_PER_QUERY) chunks.push(sizes.slice(i, i + VM_SIZES_PER_QUERY));
  return (await Promise.all(chunks.map((chunk) => client.query(vmFilter(region, chunk, priceType), signal)))).flat();
}

export interface AzureSourceOptions {
  client: RetailPricesClient;
  /** The spec catalogue (fallback-pricing/specs/azure/vm.json): live VM items carry the tables' spec fields. */
  vmSpecs?: SpecsOf | undefined;
  now: () => Date;
  logger: Logger;
}

/**
 * The Retail Prices API as live sources, one per service: each turns a question into filtered query
 * sequences (every page one guarded call) and the rows back into items by the picking rules of
 * `rows.ts`. Caching, single flight, fallback and provenance are the cloud-neutral pipeline's. Cache
 * keys start with `azure:`: the cache is shared with the other clouds.
 */
export function azurePriceSources(o: AzureSourceOptions): Record<string, LiveServiceSource> {
  const onAmbiguous = (region: string) => (size: string, rows: RetailPrice[]) =>
    o.logger.warn({ region, size, prices: rows.map((r) => `${r.productName} / ${r.meterName}: ${r.retailPrice}`) }, "two Linux pay-as-you-go prices for one VM size at the same date: not served");
  const vm = (region: string, rows: RetailPrice[]) => vmItems(region, rows, { now: o.now(), specs: o.vmSpecs, onAmbiguous: onAmbiguous(region) });

  const aks: LiveServiceSource = {
    async list(q, ctx) {
      const loaded = await ctx.load<PriceItem[]>(
        `azure:aks:${q.region}`,
        async (signal) => [...aksItems(await o.client.query(regionFilter("Azure Kubernetes Service", q.region), signal), o.now()).values()],
        (v) => v.length === 0,
      );
      return { items: loaded.value, source: loaded.source };
    },
  };

  const functions: LiveServiceSource = {
    async list(q, ctx) {
      const loaded = await ctx.load<{ items: PriceItem[]; freeTier?: FreeTier | undefined }>(
        `azure:functions:${q.region}`,
        async (signal) => {
          const { items, freeTier } = functionsItems(q.region, await o.client.query(regionFilter("Functions", q.region), signal), o.now());
          return { items: [...items.values()], ...(freeTier ? { freeTier } : {}) };
        },
        (v) => v.items.length === 0,
      );
      return { items: loaded.value.items, source: loaded.source, freeTier: loaded.value.freeTier };
    },
  };

  const vmSource: LiveServiceSource = {
    async list(q, ctx) {
      const loaded = await ctx.load<PriceItem[]>(
        `azure:vm:${q.region}:*`,
        // Every size of the region: one query sequence, paged, cached whole.
        async (signal) => [...vm(q.region, await o.client.query(vmFilter(q.region), signal)).values()],
        (v) => v.length === 0,
      );
      return { items: loaded.value, source: loaded.source };
    },
    async byIds(q, ctx) {
      const keyOf = (size: string) => `azure:vm:${q.region}:${size}`;
      const loaded = await ctx.loadMany<PriceItem>(q.ids.map(keyOf), async (keys, signal) => {
        const sizes = keys.map((k) => k.slice(k.lastIndexOf(":") + 1));
        const found = vm(q.region, await vmRows(o.client, q.region, sizes, signal));
        return new Map([...found].filter(([size]) => sizes.includes(size)).map(([size, item]) => [keyOf(size), item]));
      });
      return new Map(q.ids.map((id) => [id, loaded.get(keyOf(id)) ?? { value: undefined, source: "live", storedAt: 0 }]));
    },
  };

  return { aks, vm: vmSource, functions };
}
