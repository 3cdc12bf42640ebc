import type { Logger } from "pino";
import type { AnyServiceDef } from "../clouds/types.ts";
import type { PriceItem, PriceProvider, PriceQuestion, PriceRequestOptions, PriceSet, Source } from "../domain/price.ts";
import { describeTerms, HOURS_PER_YEAR, type PurchaseOption, type PurchaseTerms, TERM_YEARS } from "../domain/purchase.ts";
import { commitmentRates, savingPercent } from "../estimates/arithmetic.ts";
import { ApiError, fromUpstream } from "../errors.ts";
import type { FallbackTables } from "../fallback/tables.ts";
import { UpstreamError } from "../resilience/guard.ts";
import { resolveTerms } from "./purchase-terms.ts";
import { answer, listHint, offerOf } from "./select.ts";

/** One published price of a purchase option for one item: what it is, and where it is from. */
export interface OptionQuote {
  id: string;
  terms: PurchaseTerms;
  /** The recurring rate per the item's unit, as published ("0" when all is paid up front). */
  recurring: string;
  /** The one-off fee for the term, as published (or Azure's term total); "0" when none. */
  upfront: string;
  /** Set when `upfront` is Azure's reservation term total (the API's `retailPrice`). */
  termTotal?: boolean;
  source: Source;
  asOf: string;
  sku?: string | undefined;
  note?: string | undefined;
  /** What the item is, where the source says (else the on-demand item's description). */
  description?: string | undefined;
  /** Spot: the availability zone of the price, and when it was set (a point in time). */
  availabilityZone?: string | undefined;
  timestamp?: string | undefined;
  /** Spot: the Spot Advisor's interruption band and savings, where AWS publishes them. */
  interruption?: { band: string; savingsPercent?: string; source: string; asOf: string } | undefined;
}

/** A region's quotes of one option: the terms it sells there, and the quotes of the terms asked. */
export interface OptionQuotes {
  terms: readonly PurchaseTerms[];
  quotes: ReadonlyMap<string, OptionQuote>;
  /** The resolved terms the quotes are for (the question's, with the defaults filled in). */
  resolved: PurchaseTerms;
  /** Why an id has no quote, where the source knows (a live source that could not compose it). */
  reasons?: ReadonlyMap<string, string>;
}

/**
 * Where one cloud's purchase-option prices come from beyond the fallback tables (AWS spot: EC2's
 * DescribeSpotPriceHistory, live only; Azure VMs: the Retail Prices API; GCP commitments and spot:
 * the Billing Catalog). Undefined answers mean "ask the tables". An `UpstreamError` means the upstream
 * failed: the tables answer (their quotes say `fallback`), else a 503 naming the failure; a source
 * whose prices must never come from a table (AWS spot) throws an `ApiError` instead.
 */
export interface OptionSource {
  quotes(q: PriceQuestion & { purchase: PurchaseOption }, options: PriceRequestOptions): Promise<OptionQuotes | undefined>;
}

/** What an answer says about how a purchase-option price was computed. */
export const EFFECTIVE_RATE_NOTE =
  "price = effectiveHourly = recurring + upfront ÷ (years × 8,760 h), computed on exact decimals and rounded half-even to 10 places only where the quotient does not terminate; savingPercent and breakEvenUtilisation compare the term's exact cost with on-demand for every hour of the term";

/**
 * The tables' quotes of one option for one service and region. `hint` ends the "no rows" answer with
 * what the cloud says of the option (AWS: spot prices are live only).
 */
export function tableQuotes(tables: FallbackTables, cloud: string, q: PriceQuestion & { purchase: PurchaseOption }, title: string, hint?: string): OptionQuotes {
  const rows = tables.optionRows(cloud, q.service, q.purchase.option, q.region);
  if (rows.length === 0) {
    const regions = tables.optionRegions(cloud, q.service, q.purchase.option);
    throw new ApiError(
      "price_not_available",
      `no ${q.purchase.option} prices for ${title} in ${q.region} in the fallback tables; regions with ${q.purchase.option} prices: ${listHint(regions)}${hint ? `. ${hint}` : ""}`,
    );
  }
  const terms = rows.map((r) => r.purchase as PurchaseTerms);
  const resolved = resolveTerms(q.purchase, terms, `${title} in ${q.region}`);
  const quotes = new Map<string, OptionQuote>();
  for (const row of rows) {
    const t = row.purchase as PurchaseTerms;
    if (t.term !== resolved.term || t.payment !== resolved.payment || t.offeringClass !== resolved.offeringClass || t.planType !== resolved.planType) continue;
    quotes.set(row.id, {
      id: row.id,
      terms: t,
      recurring: row.price,
      upfront: row.upfront ?? row.termTotal ?? "0",
      ...(row.termTotal ? { termTotal: true } : {}),
      source: "fallback",
      asOf: row.asOf,
      sku: row.sku,
      note: row.note,
    });
  }
  return { terms, quotes, resolved };
}

/** A quote as a served item: the effective rate as its price, and how it compares with on-demand. */
export function quoteItem(quote: OptionQuote, onDemand: PriceItem | undefined, description: string, unit: PriceItem["unit"]): PriceItem {
  const t = quote.terms;
  const od = onDemand ? { onDemandPrice: onDemand.price, onDemandSource: onDemand.source, onDemandAsOf: onDemand.asOf } : {};
  const specs = onDemand
    ? {
        ...(onDemand.vcpu === undefined ? {} : { vcpu: onDemand.vcpu }),
        ...(onDemand.memoryGiB === undefined ? {} : { memoryGiB: onDemand.memoryGiB }),
        ...(onDemand.architecture === undefined ? {} : { architecture: onDemand.architecture }),
        ...(onDemand.gpu === undefined ? {} : { gpu: onDemand.gpu }),
        ...(onDemand.burstable === undefined ? {} : { burstable: onDemand.burstable }),
      }
    : {};
  let price: string;
  let purchase: NonNullable<PriceItem["purchase"]>;
  if (t.term) {
    const rates = commitmentRates(quote.recurring, quote.upfront, TERM_YEARS[t.term] * HOURS_PER_YEAR, onDemand?.price);
    price = rates.effectiveHourly;
    purchase = {
      ...t,
      recurring: quote.recurring,
      upfront: quote.upfront,
      ...(quote.termTotal ? { upfrontIsTermTotal: true } : {}),
      effectiveHourly: rates.effectiveHourly,
      effectiveHourlyExact: rates.exact,
      termCost: rates.termCost,
      ...od,
      ...(rates.savingPercent === undefined ? {} : { savingPercent: rates.savingPercent }),
      ...(rates.breakEvenUtilisation === undefined ? {} : { breakEvenUtilisation: rates.breakEvenUtilisation }),
      ...(quote.note ? { note: quote.note } : {}),
    };
  } else {
    price = quote.recurring;
    const saving = onDemand ? savingPercent(quote.recurring, onDemand.price) : undefined;
    purchase = {
      ...t,
      recurring: quote.recurring,
      upfront: "0",
      effectiveHourly: quote.recurring,
      effectiveHourlyExact: true,
      ...od,
      ...(saving === undefined ? {} : { savingPercent: saving }),
      ...(quote.availabilityZone ? { availabilityZone: quote.availabilityZone } : {}),
      ...(quote.timestamp ? { pointInTime: quote.timestamp } : {}),
      ...(quote.interruption ? { interruption: quote.interruption } : {}),
      ...(quote.note ? { note: quote.note } : {}),
    };
  }
  return {
    id: quote.id,
    description: `${description} (${describeTerms(t)})`,
    unit,
    price,
    ...specs,
    ...(quote.sku ? { sku: quote.sku } : {}),
    source: quote.source,
    asOf: quote.asOf,
    purchase,
  };
}

/**
 * Adds purchase options to one cloud's price provider: an on-demand question (or one without an
 * option) goes straight through; any other is answered from the option's quotes (the cloud's live
 * option source where it has one, else the fallback tables), each compared with the same provider's
 * on-demand price of the item. Cloud-neutral: the quotes know the cloud.
 */
export class PurchaseOptionPrices implements PriceProvider {
  readonly origin: "live" | "mock";
  readonly #inner: PriceProvider;
  readonly #cloud: string;
  readonly #services: ReadonlyMap<string, AnyServiceDef>;
  readonly #tables: FallbackTables;
  readonly #live: Partial<Record<PurchaseOption["option"], OptionSource>>;
  readonly #hints: Partial<Record<PurchaseOption["option"], string>>;
  readonly #logger: Logger | undefined;

  constructor(
    cloud: string,
    services: readonly AnyServiceDef[],
    inner: PriceProvider,
    tables: FallbackTables,
    live: Partial<Record<PurchaseOption["option"], OptionSource>> = {},
    hints: Partial<Record<PurchaseOption["option"], string>> = {},
    logger?: Logger,
  ) {
    this.origin = inner.origin;
    this.#inner = inner;
    this.#cloud = cloud;
    this.#services = new Map(services.map((s) => [s.id, s]));
    this.#tables = tables;
    this.#live = live;
    this.#hints = hints;
    this.#logger = logger;
  }

  async price(q: PriceQuestion, options: PriceRequestOptions = {}): Promise<PriceSet> {
    const purchase = q.purchase;
    if (!purchase) return this.#inner.price(q, options);
    const service = this.#services.get(q.service);
    if (!service) throw new ApiError("not_found", `${this.#cloud} has no priced service "${q.service}"`);
    const asked = { ...q, purchase };
    const found = await this.#quotes(asked, service.title, options);
    const ids = q.ids ?? [...found.quotes.keys()];
    const { items: onDemand, reason } = await this.#onDemand(q, ids, options);
    const items: PriceItem[] = [];
    for (const quote of found.quotes.values()) {
      const od = onDemand.get(quote.id);
      const unit = od?.unit ?? service.items?.[quote.id] ?? "hour";
      const item = quoteItem(quote, od, quote.description ?? od?.description ?? `${service.title} ${quote.id} in ${q.region}`, unit);
      if (!od && item.purchase) item.purchase.onDemandUnavailable = reason ?? "no on-demand price for it";
      items.push(item);
    }
    const what = describeTerms(found.resolved);
    const offered = `${what} prices there: ${listHint([...found.quotes.keys()])}`;
    const reasons = found.reasons ?? new Map<string, string>();
    try {
      const set = answer(service, q, offerOf(items), `no published ${what} price for it`);
      for (const u of set.unavailable) u.reason = reasons.get(u.id) ?? u.reason;
      return set;
    } catch (error) {
      if (error instanceof ApiError && error.code === "price_not_available") {
        const why = (q.ids ?? []).flatMap((id) => (reasons.has(id) ? [`${id}: ${reasons.get(id) as string}`] : []));
        throw new ApiError("price_not_available", `no ${service.title} ${what} price for ${q.ids ? listHint(q.ids) : "these filters"} in ${q.region}${why.length > 0 ? ` (${why.join("; ")})` : ""}; items with ${offered}`);
      }
      throw error;
    }
  }

  /** The option's quotes: the cloud's live source where it has one and answers, else the tables. */
  async #quotes(q: PriceQuestion & { purchase: PurchaseOption }, title: string, options: PriceRequestOptions): Promise<OptionQuotes> {
    const option = q.purchase.option;
    const tables = () => tableQuotes(this.#tables, this.#cloud, q, title, this.#hints[option]);
    const live = this.#live[option];
    if (!live) return tables();
    try {
      return (await live.quotes(q, options)) ?? tables();
    } catch (error) {
      if (!(error instanceof UpstreamError) || error.kind === "aborted") throw error;
      // As the on-demand pipeline does: the operator hears of it; the answer says `fallback`.
      this.#logger?.warn(
        { what: `${title} ${describeTerms(q.purchase)} in ${q.region}`, api: error.api, kind: error.kind, code: error.code, err: error.message },
        `${this.#cloud} ${option} price lookup failed; serving the option tables`,
      );
      try {
        return tables();
      } catch (fallbackError) {
        if (fallbackError instanceof ApiError && fallbackError.code === "price_not_available") {
          throw fromUpstream(error, `and no cached or fallback ${describeTerms(q.purchase)} price can answer for ${title} in ${q.region}`);
        }
        throw fallbackError;
      }
    }
  }

  /**
   * The on-demand prices to compare with, by id. When on-demand cannot answer (not published, upstream
   * down with nothing cached), the quotes still stand and each item says why it has no comparison.
   */
  async #onDemand(q: PriceQuestion, ids: readonly string[], options: PriceRequestOptions): Promise<{ items: Map<string, PriceItem>; reason?: string }> {
    if (ids.length === 0) return { items: new Map() };
    try {
      const set = await this.#inner.price({ cloud: q.cloud, service: q.service, region: q.region, ids }, options);
      const reasons = new Map(set.unavailable.map((u) => [u.id, u.reason]));
      return { items: new Map(set.items.map((i) => [i.id, i])), ...(reasons.size > 0 ? { reason: `on-demand: ${[...reasons.values()][0]}` } : {}) };
    } catch (error) {
      if (error instanceof ApiError && (error.code === "price_not_available" || error.status >= 502)) return { items: new Map(), reason: `on-demand: ${error.message}` };
      throw error;
    }
  }
}
