import type { InstanceSpecs, PriceQuestion, PriceRequestOptions } from "../../domain/price.ts";
import type { PurchaseOption, PurchaseTerms } from "../../domain/purchase.ts";
import type { OptionQuote, OptionQuotes, OptionSource } from "../../pricing/purchase-provider.ts";
import { resolveTerms } from "../../pricing/purchase-terms.ts";
import { COMPUTE_SERVICE, type Market, machineParts, sumParts } from "./compute.ts";
import type { GcpCatalog } from "./live-prices.ts";
import { type PriceBook, asOf } from "./price-book.ts";

const SPOT: readonly PurchaseTerms[] = [{ option: "spot" }];
/** GCP bills a resource-based commitment monthly, nothing up front, for 1 or 3 years. */
const COMMITMENTS: readonly PurchaseTerms[] = [
  { option: "reserved", term: "1yr", payment: "no-upfront" },
  { option: "reserved", term: "3yr", payment: "no-upfront" },
];

const TITLE = "Compute Engine";

/** What a quote's note says the rate is, by market. */
const RATE: Record<Exclude<Market, "on-demand">, string> = {
  spot: "Spot VM list price per hour (Linux, no OS licence; Google may change it up to once a month)",
  "1yr": "resource-based 1-year commitment per hour, billed monthly with nothing up front (Linux, no OS licence)",
  "3yr": "resource-based 3-year commitment per hour, billed monthly with nothing up front (Linux, no OS licence)",
};

/** Per book, the quotes of a region and market (a book is immutable once cached). */
type Composed = { quotes: Map<string, OptionQuote>; reasons: Map<string, string> };

/**
 * Compute Engine commitments (`reserved`, resource-based, 1 and 3 years) and Spot VMs in live mode,
 * from the same Billing Catalog price book as the on-demand prices (one read of the service's SKUs
 * answers all three): a machine's rate is vCPU × the market's core/Cpu SKU + GiB × its Ram SKU (+ GPUs
 * for spot), exactly, as `machineParts` composes it. Types it cannot compose carry the reason; a
 * failed catalogue read throws (the tables answer); other services and options are the tables'.
 */
export class GcpComputeOptions implements OptionSource {
  readonly #catalog: GcpCatalog;
  readonly #machineTypes: () => ReadonlyMap<string, InstanceSpecs>;
  readonly #memo = new WeakMap<PriceBook, Map<string, Composed>>();

  constructor(catalog: GcpCatalog, machineTypes: () => ReadonlyMap<string, InstanceSpecs>) {
    this.#catalog = catalog;
    this.#machineTypes = machineTypes;
  }

  async quotes(q: PriceQuestion & { purchase: PurchaseOption }, options: PriceRequestOptions): Promise<OptionQuotes | undefined> {
    if (q.service !== "compute" || (q.purchase.option !== "reserved" && q.purchase.option !== "spot")) return undefined;
    const sold = q.purchase.option === "spot" ? SPOT : COMMITMENTS;
    // Terms GCP does not sell (partial-upfront, a convertible class) are a 404 before anything is read.
    const resolved = resolveTerms(q.purchase, sold, `${TITLE} in ${q.region}`);
    const market: Exclude<Market, "on-demand"> = resolved.option === "spot" ? "spot" : (resolved.term as "1yr" | "3yr");
    const { value: book, source } = await this.#catalog.book(COMPUTE_SERVICE, options.signal);
    const ids = q.ids ? [...new Set(q.ids)] : undefined;
    const found = ids ? this.#compose(book, q.region, market, resolved, ids) : this.#all(book, q.region, market, resolved);
    const quotes = new Map<string, OptionQuote>();
    for (const [id, quote] of found.quotes) quotes.set(id, { ...quote, source });
    return { terms: sold, quotes, resolved, reasons: found.reasons };
  }

  #all(book: PriceBook, region: string, market: Exclude<Market, "on-demand">, terms: PurchaseTerms): Composed {
    let byKey = this.#memo.get(book);
    if (!byKey) this.#memo.set(book, (byKey = new Map()));
    const key = `${region}:${market}`;
    let made = byKey.get(key);
    if (!made) byKey.set(key, (made = this.#compose(book, region, market, terms, [...this.#machineTypes().keys()])));
    return made;
  }

  #compose(book: PriceBook, region: string, market: Exclude<Market, "on-demand">, terms: PurchaseTerms, ids: readonly string[]): Composed {
    const quotes = new Map<string, OptionQuote>();
    const reasons = new Map<string, string>();
    const types = this.#machineTypes();
    for (const id of ids) {
      const found = machineParts(book, region, id, types.get(id), market);
      if ("reason" in found) {
        reasons.set(id, found.reason);
        continue;
      }
      const { total, formula } = sumParts(found.parts);
      const skus = found.parts.map((p) => p.sku);
      quotes.set(id, {
        id,
        terms,
        recurring: total,
        upfront: "0",
        source: "live",
        asOf: asOf(book, skus),
        sku: skus.map((s) => s.id).join(","),
        description: `${id} ${RATE[market]}`,
        note: `${RATE[market]} = ${formula}`,
      });
    }
    return { quotes, reasons };
  }
}
