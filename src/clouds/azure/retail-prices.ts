import Big from "big.js";
import type { Logger } from "pino";
import { z } from "zod";
import type { Metrics } from "../../observability/metrics.ts";
import { HttpStatusError } from "../../resilience/classify.ts";
import { type Guard, insideGuard, UnguardedCallError, UpstreamError } from "../../resilience/guard.ts";
import { paginate } from "../../resilience/paginate.ts";
import { RetailPricesFormatError } from "./errors.ts";

/** The API version that returns `savingsPlan[]`; from it on, filter values are case-sensitive. */
export const RETAIL_PRICES_API_VERSION = "2023-01-01-preview";
export const RETAIL_PRICES_PATH = "/api/retail/prices";
export const RETAIL_PRICES_API = "azure-retail-prices";
export const RETAIL_PRICES_TITLE = "the Azure Retail Prices API";
/** One global endpoint: one breaker. */
const BREAKER_KEY = "global";
/** Empty pages in a row that still link to more before the listing is refused (Azure has sent both). */
const MAX_EMPTY_PAGES = 2;

/**
 * One Retail Prices item as Pricebook reads it. Numbers are kept as exact decimal strings taken from
 * the JSON text itself (`2e-06` → "0.000002"), never through a binary float.
 */
export interface RetailPrice {
  currencyCode: string;
  tierMinimumUnits: string;
  retailPrice: string;
  armRegionName: string;
  armSkuName: string;
  effectiveStartDate: string;
  effectiveEndDate?: string | undefined;
  meterId: string;
  meterName: string;
  productName: string;
  skuId: string;
  skuName: string;
  serviceName: string;
  unitOfMeasure: string;
  type: string;
  reservationTerm?: string | undefined;
  /** On a pay-as-you-go row: the savings plan's per-hour prices by term (`2023-01-01-preview` on). */
  savingsPlan?: SavingsPlanPrice[] | undefined;
}

/** One entry of an item's `savingsPlan` array: a per-hour price for a term ("1 Year", "3 Years"). */
export interface SavingsPlanPrice {
  retailPrice: string;
  term: string;
}

const decimal = z.string().regex(/^(0|[1-9]\d*)(\.\d+)?$/);
const savingsPlanSchema = z.object({ retailPrice: decimal, term: z.string() });
const itemSchema = z.object({
  currencyCode: z.string(),
  tierMinimumUnits: decimal,
  retailPrice: decimal,
  armRegionName: z.string(),
  armSkuName: z.string().default(""),
  effectiveStartDate: z.string(),
  effectiveEndDate: z.string().nullish().transform((v) => v ?? undefined),
  meterId: z.string(),
  meterName: z.string(),
  productName: z.string(),
  skuId: z.string(),
  skuName: z.string(),
  serviceName: z.string(),
  unitOfMeasure: z.string(),
  type: z.string(),
  reservationTerm: z.string().nullish().transform((v) => v ?? undefined),
  // Entries that are not {retailPrice, term} are left out, never the item: its pay-as-you-go price stands.
  savingsPlan: z
    .array(z.unknown())
    .nullish()
    .catch(undefined)
    .transform((v) => v?.flatMap((entry) => {
      const parsed = savingsPlanSchema.safeParse(entry);
      return parsed.success ? [parsed.data] : [];
    })),
});
/** One item as the client keeps it, or why it is not one (the client skips it and counts it). */
export function readRetailItem(item: unknown): { ok: true; row: RetailPrice } | { ok: false; error: string } {
  const parsed = itemSchema.safeParse(item);
  if (parsed.success) return { ok: true, row: parsed.data };
  return { ok: false, error: parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ") };
}

const pageSchema = z.object({ Items: z.array(z.unknown()), NextPageLink: z.string().nullish() });

const DECIMAL_FIELDS = new Set(["retailPrice", "unitPrice", "tierMinimumUnits"]);
type Reviver = (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown;

/** Parses a page, reading price fields from their source text (exact), and checks its envelope. */
export function parseRetailPage(text: string): { items: unknown[]; next: string | undefined } {
  let json: unknown;
  try {
    json = (JSON.parse as (text: string, reviver: Reviver) => unknown)(text, function (key, value, context) {
      if (typeof value === "number" && DECIMAL_FIELDS.has(key) && context?.source !== undefined) {
        try {
          return new Big(context.source).toFixed();
        } catch {
          return value;
        }
      }
      return value;
    });
  } catch (error) {
    throw new RetailPricesFormatError(`the Retail Prices API sent a page that is not JSON: ${(error as Error).message}`);
  }
  const page = pageSchema.safeParse(json);
  if (!page.success) throw new RetailPricesFormatError(`the Retail Prices API sent a page without Items/NextPageLink: ${page.error.issues[0]?.message ?? ""}`);
  return { items: page.data.Items, next: page.data.NextPageLink || undefined };
}

/** Seconds to wait from a Retry-After header: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Math.min(Number(value.trim()), 86_400);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.min(Math.max(0, Math.ceil((at - now) / 1000)), 86_400);
}

export interface RetailPricesClientOptions {
  /** `AZURE_RETAIL_PRICES_URL`, without a trailing slash. */
  baseUrl: string;
  guard: Guard;
  logger: Logger;
  metrics: Metrics;
  /** A bound on pages per query, so a looping NextPageLink cannot run forever. */
  maxPages?: number;
}

/**
 * The Azure Retail Prices API (no authentication): one OData filter → every item, following
 * `NextPageLink` until it is null, each page one guarded call. A link that repeats, more pages than the
 * bound, or empty pages that keep linking to more end the listing with an error rather than a partial
 * list presented as complete. Links are followed on the configured host only.
 */
export class RetailPricesClient {
  readonly #o: RetailPricesClientOptions;

  constructor(options: RetailPricesClientOptions) {
    this.#o = options;
  }

  /** The first page's URL for a filter. */
  firstUrl(filter: string): string {
    return `${this.#o.baseUrl}${RETAIL_PRICES_PATH}?api-version=${RETAIL_PRICES_API_VERSION}&$filter=${encodeURIComponent(filter)}`;
  }

  /** The next page's URL: Azure's NextPageLink (absolute, on prices.azure.com:443) rebased on the configured URL. */
  #nextUrl(link: string): string {
    let url: URL;
    try {
      url = new URL(link, this.#o.baseUrl);
    } catch {
      throw new RetailPricesFormatError(`the Retail Prices API sent a NextPageLink that is not a URL: ${link.slice(0, 200)}`);
    }
    return `${this.#o.baseUrl}${url.pathname}${url.search}`;
  }

  async query(filter: string, signal?: AbortSignal): Promise<RetailPrice[]> {
    const { guard, logger, metrics } = this.#o;
    let empties = 0;
    let raw: unknown[];
    try {
      raw = await paginate<unknown>({
        api: RETAIL_PRICES_API,
        region: BREAKER_KEY,
        maxPages: this.#o.maxPages ?? 200,
        page: async (token) => {
          const page = await guard.call(BREAKER_KEY, (attempt) => this.#page(token ?? this.firstUrl(filter), attempt), signal);
          if (page.items.length === 0 && page.next !== undefined) {
            empties++;
            if (empties > MAX_EMPTY_PAGES) {
              throw new UpstreamError(RETAIL_PRICES_API, BREAKER_KEY, "malformed", undefined, `${RETAIL_PRICES_TITLE} sent ${empties} empty pages in a row that still link to more: stopped rather than answer a partial list as complete`);
            }
          } else empties = 0;
          return page;
        },
      });
    } catch (error) {
      if (error instanceof UpstreamError) error.title ??= RETAIL_PRICES_TITLE;
      throw error;
    }
    const items: RetailPrice[] = [];
    for (const item of raw) {
      const read = readRetailItem(item);
      if (read.ok) {
        items.push(read.row);
        continue;
      }
      metrics.malformedItems.inc({ service: RETAIL_PRICES_API });
      logger.warn({ filter, err: read.error.slice(0, 300) }, "skipping a malformed Retail Prices item");
    }
    return items;
  }

  /** One page: one HTTP GET, inside the guard's attempt (its deadline aborts it). */
  async #page(url: string, signal: AbortSignal): Promise<{ items: unknown[]; next: string | undefined }> {
    if (!insideGuard()) throw new UnguardedCallError("a Retail Prices API call was sent outside a guard");
    const res = await fetch(url, { signal, headers: { accept: "application/json" } });
    if (!res.ok) {
      const body = (await res.text().catch(() => "")).slice(0, 200);
      throw new HttpStatusError(res.status, `the Retail Prices API answered HTTP ${res.status}${body ? `: ${body}` : ""}`, {
        retryAfterSeconds: parseRetryAfter(res.headers.get("retry-after")),
      });
    }
    const page = parseRetailPage(await res.text());
    return { items: page.items, next: page.next === undefined ? undefined : this.#nextUrl(page.next) };
  }
}
