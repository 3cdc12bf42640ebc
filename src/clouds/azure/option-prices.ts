import type { Logger } from "pino";
import type { PriceQuestion, PriceRequestOptions } from "../../domain/price.ts";
import { type PurchaseOption, type PurchaseTerms, termsKey } from "../../domain/purchase.ts";
import { ApiError } from "../../errors.ts";
import type { OptionQuote, OptionQuotes, OptionSource } from "../../pricing/purchase-provider.ts";
import { resolveTerms } from "../../pricing/purchase-terms.ts";
import { listHint } from "../../pricing/select.ts";
import type { CachedLoader, LoadSource } from "../../resilience/cached-loader.ts";
import { vmFilter, vmRows } from "./live-prices.ts";
import { type AzureOption, OPTION_QUOTES } from "./option-rows.ts";
import type { RetailPrice, RetailPricesClient } from "./retail-prices.ts";

/** What answers name each option (Azure's own words). */
const TITLES: Readonly<Record<AzureOption, string>> = { reserved: "reservation", "savings-plan": "savings plan", spot: "Spot" };

export interface AzureOptionSourceOptions {
  /** The on-demand VM source's client: one guard, one quota, one breaker for every Retail Prices call. */
  client: RetailPricesClient;
  /** The on-demand VM source's loader (its TTL, its cache, single flight per key). */
  loader: CachedLoader;
  now: () => Date;
  logger: Logger;
}

/**
 * Azure VM reservations, savings plans and Spot prices from the Retail Prices API, live. Reservations
 * are the `Reservation` rows; savings plans and Spot are read from the `Consumption` rows the on-demand
 * price comes from (`savingsPlan[]`, the " Spot" SKUs). Each (option, region, size) is cached apart;
 * a listing (no size asked) is one query sequence for the region, cached whole. When the API fails and
 * nothing is cached, the UpstreamError goes up and the purchase-option tables answer (source
 * "fallback"); a size Azure publishes no such price for is unavailable, not asked of the tables.
 */
export class AzureVmOptionPrices implements OptionSource {
  readonly #o: AzureOptionSourceOptions;

  constructor(options: AzureOptionSourceOptions) {
    this.#o = options;
  }

  async quotes(q: PriceQuestion & { purchase: PurchaseOption }, options: PriceRequestOptions): Promise<OptionQuotes | undefined> {
    if (q.service !== "vm") return undefined;
    const option = q.purchase.option;
    const ids = q.ids ? [...new Set(q.ids)] : undefined;
    const found = ids ? await this.#bySize(option, q.region, ids, options.signal) : await this.#listing(option, q.region, options.signal);
    const all = [...found.values()].flat();
    if (all.length === 0) {
      throw new ApiError("price_not_available", `Azure publishes no ${TITLES[option]} price for ${ids ? listHint(ids) : "any VM size"} in ${q.region} (Retail Prices API, Linux)`);
    }
    // The terms sold for the sizes asked, in Azure's order (1 year, then 3 years).
    const terms = [...new Map(all.map((quote) => [termsKey(quote.terms), quote.terms])).values()].sort((a, b) => (a.term ?? "").localeCompare(b.term ?? ""));
    const resolved = resolveTerms(q.purchase, terms, `Azure Virtual Machines in ${q.region}`);
    const key = termsKey(resolved as PurchaseTerms);
    const quotes = new Map<string, OptionQuote>();
    for (const [id, sizeQuotes] of found) {
      const quote = sizeQuotes.find((s) => termsKey(s.terms) === key);
      if (quote) quotes.set(id, quote);
    }
    return { terms, quotes, resolved };
  }

  #pickOptions(region: string) {
    const onAmbiguous = (size: string, rows: RetailPrice[]) =>
      this.#o.logger.warn({ region, size, prices: rows.map((r) => `${r.productName} / ${r.meterName}: ${r.retailPrice}`) }, "two Azure purchase-option prices for one VM size and term at the same date: not served");
    return { now: this.#o.now(), onAmbiguous };
  }

  /** Each size's quotes of the option (every term), cached per (option, region, size); missing sizes in one query sequence. */
  async #bySize(option: AzureOption, region: string, ids: string[], signal: AbortSignal | undefined): Promise<Map<string, OptionQuote[]>> {
    const keyOf = (size: string) => `azure:vm:${option}:${region}:${size}`;
    const loaded = await this.#o.loader.loadMany<OptionQuote[]>(
      ids.map(keyOf),
      async (keys, s) => {
        const sizes = keys.map((k) => k.slice(k.lastIndexOf(":") + 1));
        const rows = await vmRows(this.#o.client, region, sizes, s, option === "reserved" ? "Reservation" : "Consumption");
        const bySize = OPTION_QUOTES[option](region, rows, this.#pickOptions(region));
        return new Map(sizes.flatMap((size) => (bySize.has(size) ? [[keyOf(size), bySize.get(size) as OptionQuote[]] as const] : [])));
      },
      { signal },
    );
    const out = new Map<string, OptionQuote[]>();
    for (const id of ids) {
      const hit = loaded.get(keyOf(id));
      if (hit?.value) out.set(id, stamp(hit.value, hit.source));
    }
    return out;
  }

  /** Every size's quotes of the option in the region: one query sequence, cached whole. */
  async #listing(option: AzureOption, region: string, signal: AbortSignal | undefined): Promise<Map<string, OptionQuote[]>> {
    const loaded = await this.#o.loader.load<OptionQuote[]>(
      `azure:vm:${option}:${region}:*`,
      async (s) => {
        const rows = await this.#o.client.query(vmFilter(region, undefined, option === "reserved" ? "Reservation" : "Consumption"), s);
        return [...OPTION_QUOTES[option](region, rows, this.#pickOptions(region)).values()].flat();
      },
      { signal, isNotFound: (v) => v.length === 0 },
    );
    const out = new Map<string, OptionQuote[]>();
    for (const quote of stamp(loaded.value, loaded.source)) out.set(quote.id, [...(out.get(quote.id) ?? []), quote]);
    return out;
  }
}

/** Quotes as served: "cache" or "stale" when they came from the cache. */
function stamp(quotes: readonly OptionQuote[], source: LoadSource): OptionQuote[] {
  return quotes.map((quote) => (source === "live" ? quote : { ...quote, source }));
}
