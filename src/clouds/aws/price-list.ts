import { GetProductsCommand, type PricingClient } from "@aws-sdk/client-pricing";
import type { Logger } from "pino";
import { z } from "zod";
import { isDecimalString } from "../../domain/money.ts";
import type { Metrics } from "../../observability/metrics.ts";
import { type Guard, UpstreamError } from "../../resilience/guard.ts";
import { paginate } from "../../resilience/paginate.ts";

/** The OnDemand offer term code: every on-demand term key ends with it. */
export const ON_DEMAND_TERM = "JRTCKXETXF";

export interface PriceDimension {
  unit: string;
  beginRange: string;
  endRange: string;
  /** `pricePerUnit.USD`, the exact decimal string AWS sent. */
  usd: string;
  description: string;
  rateCode: string;
}

/** One `terms.Reserved` entry of a product: its attributes (lease, class, purchase option) and dimensions as sent. */
export interface ReservedTerm {
  offerTermCode: string;
  effectiveDate: string | undefined;
  /** `LeaseContractLength`, `OfferingClass`, `PurchaseOption`, as AWS spells them. */
  attributes: Record<string, string>;
  /** `Hrs` (the recurring rate) and `Quantity` (the upfront fee), each as the exact decimal AWS sent. */
  dimensions: PriceDimension[];
}

/** One Price List product with its on-demand price dimensions, sorted by `beginRange`. */
export interface PriceListProduct {
  sku: string;
  productFamily: string | undefined;
  serviceCode: string;
  attributes: Record<string, string>;
  dimensions: PriceDimension[];
  effectiveDate: string | undefined;
  publicationDate: string | undefined;
  /** The product's well-formed Reserved terms, when it has any (EC2); a malformed one is left out, never half read. */
  reserved?: ReservedTerm[];
}

export interface PriceFilter {
  field: string;
  value: string;
  type?: "TERM_MATCH" | "EQUALS" | "CONTAINS" | "ANY_OF" | "NONE_OF";
}

const dimensionSchema = z.object({
  unit: z.string(),
  beginRange: z.string().optional(),
  endRange: z.string().optional(),
  description: z.string().default(""),
  rateCode: z.string().default(""),
  pricePerUnit: z.object({
    USD: z.string().refine(isDecimalString, "pricePerUnit.USD must be a decimal string"),
  }),
});

const termSchema = z.object({
  offerTermCode: z.string().optional(),
  effectiveDate: z.string().optional(),
  priceDimensions: z.record(z.string(), dimensionSchema),
});

const reservedTermSchema = termSchema.extend({ termAttributes: z.record(z.string(), z.string()).default({}) });

const itemSchema = z.object({
  product: z.object({
    sku: z.string().min(1),
    productFamily: z.string().optional(),
    attributes: z.record(z.string(), z.string()),
  }),
  serviceCode: z.string().optional(),
  // A Reserved term is checked on its own (below): one bad term must not cost the item its on-demand price.
  terms: z.object({ OnDemand: z.record(z.string(), termSchema).optional(), Reserved: z.record(z.string(), z.unknown()).optional() }).passthrough(),
  publicationDate: z.string().optional(),
  version: z.string().optional(),
});

/** Numeric order of range bounds ("0" < "6000000000" < "Inf"). */
function rangeValue(bound: string): number {
  return bound === "Inf" ? Number.POSITIVE_INFINITY : Number(bound);
}

/**
 * Parses one `PriceList` element (a JSON string on the wire, or an already-parsed object in offer
 * files) into a product. Throws on anything that is not a Price List item.
 */
export function parsePriceListItem(raw: unknown, fallbackServiceCode = ""): PriceListProduct {
  const json = typeof raw === "string" || raw instanceof String ? JSON.parse(String(raw)) : raw;
  const item = itemSchema.parse(json);
  const terms = Object.entries(item.terms.OnDemand ?? {}).filter(
    ([key, term]) => term.offerTermCode === ON_DEMAND_TERM || key.endsWith(`.${ON_DEMAND_TERM}`),
  );
  const dimensions: PriceDimension[] = [];
  let effectiveDate: string | undefined;
  for (const [, term] of terms) {
    effectiveDate ??= term.effectiveDate;
    for (const d of Object.values(term.priceDimensions)) dimensions.push(dimensionOf(d));
  }
  dimensions.sort((a, b) => rangeValue(a.beginRange) - rangeValue(b.beginRange));
  const reserved = reservedTerms(item.terms.Reserved);
  return {
    sku: item.product.sku,
    productFamily: item.product.productFamily,
    serviceCode: item.serviceCode ?? item.product.attributes.servicecode ?? fallbackServiceCode,
    attributes: item.product.attributes,
    dimensions,
    effectiveDate,
    publicationDate: item.publicationDate,
    ...(reserved.length > 0 ? { reserved } : {}),
  };
}

function dimensionOf(d: z.infer<typeof dimensionSchema>): PriceDimension {
  return { unit: d.unit, beginRange: d.beginRange ?? "0", endRange: d.endRange ?? "Inf", usd: d.pricePerUnit.USD, description: d.description, rateCode: d.rateCode };
}

/** `terms.Reserved[sku.offerTermCode]` entries that are whole terms (an offer term code, decimal prices). */
function reservedTerms(raw: Record<string, unknown> | undefined): ReservedTerm[] {
  const out: ReservedTerm[] = [];
  for (const [key, value] of Object.entries(raw ?? {})) {
    const parsed = reservedTermSchema.safeParse(value);
    if (!parsed.success) continue;
    const term = parsed.data;
    const offerTermCode = term.offerTermCode ?? key.slice(key.lastIndexOf(".") + 1);
    if (!offerTermCode) continue;
    out.push({ offerTermCode, effectiveDate: term.effectiveDate, attributes: term.termAttributes, dimensions: Object.values(term.priceDimensions).map(dimensionOf) });
  }
  return out;
}

export interface PriceListClientOptions {
  client: PricingClient;
  guard: Guard;
  /** The Price List endpoint region (us-east-1, eu-central-1 or ap-south-1): the guard's breaker key. */
  endpointRegion: string;
  logger: Logger;
  metrics: Metrics;
  /** Restarts after an expired or invalid NextToken before giving up. */
  maxRestarts?: number;
  /** A bound on pages per query, so a looping NextToken cannot run forever. */
  maxPages?: number;
}

const RESTART_CODES = new Set(["ExpiredNextTokenException", "InvalidNextTokenException"]);

/** GetProducts over every page, each page one guarded call; items validated, malformed ones skipped. */
export class PriceListClient {
  readonly #o: PriceListClientOptions;

  constructor(options: PriceListClientOptions) {
    this.#o = options;
  }

  get endpointRegion(): string {
    return this.#o.endpointRegion;
  }

  async getProducts(
    serviceCode: string,
    filters: PriceFilter[],
    signal?: AbortSignal,
  ): Promise<PriceListProduct[]> {
    const { guard, client, endpointRegion, logger, metrics } = this.#o;
    const maxRestarts = this.#o.maxRestarts ?? 2;
    const maxPages = this.#o.maxPages ?? 200;
    const Filters = filters.map((f) => ({ Type: f.type ?? "TERM_MATCH", Field: f.field, Value: f.value }));

    for (let restart = 0; ; restart++) {
      try {
        const raw = await paginate<unknown>({
          api: "pricing",
          region: endpointRegion,
          maxPages,
          page: async (token) => {
            const page = await guard.call(
              endpointRegion,
              (abortSignal) =>
                client.send(
                  new GetProductsCommand({
                    ServiceCode: serviceCode,
                    Filters,
                    FormatVersion: "aws_v1",
                    MaxResults: 100,
                    ...(token ? { NextToken: token } : {}),
                  }),
                  { abortSignal },
                ),
              signal,
            );
            return { items: (page.PriceList ?? []) as unknown[], next: page.NextToken };
          },
        });
        const products: PriceListProduct[] = [];
        for (const item of raw) {
          try {
            products.push(parsePriceListItem(item, serviceCode));
          } catch (error) {
            metrics.malformedItems.inc({ service: serviceCode });
            logger.warn(
              { serviceCode, err: error instanceof Error ? error.message.slice(0, 300) : String(error) },
              "skipping a malformed Price List item",
            );
          }
        }
        return products;
      } catch (error) {
        if (error instanceof UpstreamError && RESTART_CODES.has(error.code) && restart < maxRestarts) {
          logger.info(
            { serviceCode, code: error.code, restart: restart + 1 },
            "NextToken no longer valid; restarting the query",
          );
          continue;
        }
        throw error;
      }
    }
  }
}
