import Big from "big.js";
import type { Logger } from "pino";
import { z } from "zod";
import { canonical } from "../../domain/money.ts";
import type { Metrics } from "../../observability/metrics.ts";
import { HttpStatusError } from "../../resilience/classify.ts";
import type { Guard } from "../../resilience/guard.ts";
import { guardedPages } from "../../resilience/paginate.ts";

/**
 * The Cloud Billing Catalog API v1 (`GET /v1/services`, `GET /v1/services/{id}/skus`), over fetch.
 * Every page is one call through the guard (limiter with the project's quota, retries, breaker); pages
 * follow `nextPageToken` (a repeated token is a loop and fails the listing). The API key travels in
 * the `x-goog-api-key` header, never in a URL, and is scrubbed from anything an error may carry.
 */

/** Google's largest page of SKUs. */
export const MAX_PAGE_SIZE = 5000;

/** The guard's breaker key: the Billing Catalog is one global API. */
export const CATALOG_REGION = "global";

/** A body Google never sends (not JSON of the documented shape): retried as transient, then a failure. */
export class MalformedPageError extends Error {
  override name = "MalformedPageError";
}

/** An amount in Google's Money shape: `units` (int64, a string in JSON) plus `nanos` (10⁻⁹ units). */
const moneySchema = z.object({
  currencyCode: z.string().min(1),
  units: z.union([z.string().regex(/^-?\d{1,18}$/), z.number().int().refine(Number.isSafeInteger)]).optional(),
  nanos: z.number().int().min(-999_999_999).max(999_999_999).optional(),
});

const skuSchema = z.object({
  skuId: z.string().min(1),
  description: z.string(),
  category: z.object({
    serviceDisplayName: z.string().optional(),
    resourceFamily: z.string().optional(),
    resourceGroup: z.string().optional(),
    usageType: z.string().optional(),
  }),
  serviceRegions: z.array(z.string()).optional(),
  geoTaxonomy: z.object({ type: z.string().optional(), regions: z.array(z.string()).optional() }).optional(),
  pricingInfo: z
    .array(
      z.object({
        effectiveTime: z.string().optional(),
        pricingExpression: z.object({
          usageUnit: z.string(),
          tieredRates: z.array(z.object({ startUsageAmount: z.number().nonnegative().optional(), unitPrice: moneySchema })).min(1),
        }),
      }),
    )
    .min(1),
});

const skusPageSchema = z.object({ skus: z.array(z.unknown()).optional(), nextPageToken: z.string().optional() });
const servicesPageSchema = z.object({
  services: z.array(z.object({ serviceId: z.string().min(1), displayName: z.string() })).optional(),
  nextPageToken: z.string().optional(),
});

/** One tier of a SKU's price: from `start` usage units a month, `price` USD per usage unit (exact decimal). */
export interface CatalogTier {
  start: string;
  price: string;
}

/** A SKU as the matchers see it: validated, its current price converted exactly. */
export interface CatalogSku {
  skuId: string;
  description: string;
  resourceFamily: string;
  resourceGroup: string;
  usageType: string;
  /** `serviceRegions`, else `geoTaxonomy.regions`, else `["global"]`. */
  regions: string[];
  usageUnit: string;
  currency: string;
  tiers: CatalogTier[];
  /** When the price took effect (ISO timestamp), if Google said. */
  effectiveTime: string | undefined;
}

/**
 * `units` + `nanos` × 10⁻⁹ as an exact decimal string ("0" + 31611000 → "0.031611"), never through a
 * binary float. Both parts carry the same sign in Google's Money; prices are never negative.
 */
export function moneyToDecimal(units: string | number | undefined, nanos: number | undefined): string {
  const u = new Big(String(units ?? "0"));
  const n = new Big(nanos ?? 0);
  if (u.lt(0) || n.lt(0)) throw new MalformedPageError(`a negative price (units ${String(units)}, nanos ${String(nanos)})`);
  return canonical(u.plus(n.div(1_000_000_000)));
}

/** Validates one raw SKU; undefined when it is not one (counted and skipped by the caller). */
export function parseSku(raw: unknown): CatalogSku | undefined {
  const parsed = skuSchema.safeParse(raw);
  if (!parsed.success) return undefined;
  const s = parsed.data;
  // Several pricingInfo entries only come back for a time range; the latest is the price now.
  const info = [...s.pricingInfo].sort((a, b) => (a.effectiveTime ?? "").localeCompare(b.effectiveTime ?? "")).at(-1);
  if (!info) return undefined;
  const rates = [...info.pricingExpression.tieredRates].sort((a, b) => (a.startUsageAmount ?? 0) - (b.startUsageAmount ?? 0));
  const currencies = new Set(rates.map((r) => r.unitPrice.currencyCode));
  if (currencies.size !== 1) return undefined;
  let tiers: CatalogTier[];
  try {
    tiers = rates.map((r) => ({ start: canonical(new Big(r.startUsageAmount ?? 0)), price: moneyToDecimal(r.unitPrice.units, r.unitPrice.nanos) }));
  } catch {
    return undefined;
  }
  const regions = s.serviceRegions?.length ? s.serviceRegions : s.geoTaxonomy?.regions?.length ? s.geoTaxonomy.regions : ["global"];
  return {
    skuId: s.skuId,
    description: s.description,
    resourceFamily: s.category.resourceFamily ?? "",
    resourceGroup: s.category.resourceGroup ?? "",
    usageType: s.category.usageType ?? "",
    regions,
    usageUnit: info.pricingExpression.usageUnit,
    currency: [...currencies][0] as string,
    tiers,
    effectiveTime: info.effectiveTime,
  };
}

/** Seconds from a Retry-After header (delta-seconds or an HTTP date); undefined when absent or unreadable. */
export function retryAfterSeconds(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim());
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now) / 1000));
}

export interface BillingCatalogOptions {
  baseUrl: string;
  apiKey: string;
  guard: Guard;
  logger: Logger;
  metrics: Metrics;
  pageSize?: number;
  /** A bound on pages per listing: past it the listing fails instead of answering part of a catalogue. */
  maxPages?: number;
  fetch?: typeof fetch;
}

export interface CatalogService {
  serviceId: string;
  displayName: string;
}

export class BillingCatalogClient {
  readonly #o: BillingCatalogOptions;
  readonly #base: string;
  readonly #fetch: typeof fetch;

  constructor(options: BillingCatalogOptions) {
    this.#o = options;
    this.#base = options.baseUrl.replace(/\/+$/, "");
    this.#fetch = options.fetch ?? fetch;
  }

  /** Removes the key from text that may reach a log or an error. */
  #scrub(text: string): string {
    return this.#o.apiKey ? text.split(this.#o.apiKey).join("[redacted]") : text;
  }

  /** One GET, one attempt (the guard retries): JSON body, or a classified failure. */
  async #get(path: string, signal: AbortSignal): Promise<unknown> {
    const res = await this.#fetch(`${this.#base}${path}`, {
      headers: { accept: "application/json", "x-goog-api-key": this.#o.apiKey },
      redirect: "error",
      signal,
    });
    const text = await res.text();
    if (!res.ok) {
      let status = `HTTP${res.status}`;
      let message = text.slice(0, 300);
      try {
        const body = JSON.parse(text) as { error?: { status?: string; message?: string } };
        if (body.error?.status) status = body.error.status;
        if (body.error?.message) message = body.error.message.slice(0, 300);
      } catch {
        // not Google's error shape: keep the first bytes
      }
      throw new HttpStatusError(res.status, this.#scrub(`Cloud Billing Catalog answered ${res.status} ${status}: ${message}`), {
        retryAfterSeconds: retryAfterSeconds(res.headers.get("retry-after")),
        code: status,
      });
    }
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw new MalformedPageError(`Cloud Billing Catalog sent a body that is not JSON (${text.length} bytes)`);
    }
  }

  #query(params: Record<string, string | undefined>): string {
    const q = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) if (v !== undefined) q.set(k, v);
    return q.toString();
  }

  /** Every public service: id and display name (resolved by name, since ids are not promised). */
  services(caller?: AbortSignal): Promise<CatalogService[]> {
    return guardedPages<CatalogService>(
      this.#o.guard,
      CATALOG_REGION,
      caller,
      async (token, signal) => {
        const page = servicesPageSchema.safeParse(await this.#get(`/v1/services?${this.#query({ pageSize: String(MAX_PAGE_SIZE), pageToken: token })}`, signal));
        if (!page.success) throw new MalformedPageError("Cloud Billing Catalog sent a services page of the wrong shape");
        return { items: page.data.services ?? [], next: page.data.nextPageToken };
      },
      this.#o.maxPages ?? 50,
    );
  }

  /**
   * Every SKU of a service in USD, each page reduced by `extract` as it arrives (a service's raw
   * catalogue is tens of megabytes; only what the matchers keep is held). Malformed SKUs are skipped
   * and counted; a malformed page fails the listing.
   */
  skus<T>(serviceId: string, extract: (sku: CatalogSku) => T | undefined, caller?: AbortSignal): Promise<T[]> {
    const { metrics, logger } = this.#o;
    const pageSize = String(Math.min(this.#o.pageSize ?? MAX_PAGE_SIZE, MAX_PAGE_SIZE));
    return guardedPages<T>(
      this.#o.guard,
      CATALOG_REGION,
      caller,
      async (token, signal) => {
        const path = `/v1/services/${encodeURIComponent(serviceId)}/skus?${this.#query({ currencyCode: "USD", pageSize, pageToken: token })}`;
        const page = skusPageSchema.safeParse(await this.#get(path, signal));
        if (!page.success) throw new MalformedPageError(`Cloud Billing Catalog sent a SKU page of the wrong shape (service ${serviceId})`);
        const kept: T[] = [];
        let malformed = 0;
        for (const raw of page.data.skus ?? []) {
          const sku = parseSku(raw);
          if (!sku) {
            malformed++;
            continue;
          }
          const value = extract(sku);
          if (value !== undefined) kept.push(value);
        }
        if (malformed > 0) {
          metrics.malformedItems.inc({ service: `gcp:${serviceId}` }, malformed);
          logger.warn({ serviceId, malformed }, "skipping malformed Cloud Billing Catalog SKUs");
        }
        return { items: kept, next: page.data.nextPageToken };
      },
      this.#o.maxPages ?? 100,
    );
  }
}
