import { z } from "@hono/zod-openapi";
import { ARCHITECTURES, SOURCES, UNITS } from "../domain/price.ts";
import { OFFERING_CLASSES, OPTIONS_BEYOND_ON_DEMAND, PAYMENTS, PLAN_TYPES, TERMS } from "../domain/purchase.ts";
import type { RegionCatalog } from "../domain/regions.ts";
import { ERROR_STATUS } from "../errors.ts";

/** Schemas shared by routes: they are both the validation and the published contract. */

/** A query object that rejects unknown parameters, naming the allowed ones. */
export function querySchema<T extends z.ZodRawShape>(shape: T) {
  const allowed = Object.keys(shape).join(", ");
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys" ? `unknown parameter; allowed parameters: ${allowed}` : undefined,
  });
}

/**
 * A region of one cloud, in a body: any case accepted, answered in the cloud's casing; an unknown code
 * is a 400 naming the closest ones. `regionParam` is the same as a query parameter.
 */
export function regionField(regions: RegionCatalog) {
  return z
    .string()
    .transform((value, ctx) => {
      const region = regions.normalize(value);
      if (region) return region;
      ctx.issues.push({ code: "custom", input: value, message: regions.explain(value) });
      return z.NEVER;
    })
    .openapi({ type: "string", description: `${regions.cloud} region code.`, example: regions.example });
}

export function regionParam(regions: RegionCatalog) {
  return regionField(regions).openapi({
    param: { name: "region", in: "query" },
    type: "string",
    description: `${regions.cloud} region code (any case).`,
    example: regions.example,
    enum: [...regions.codes],
  });
}

export const PriceTierSchema = z
  .object({
    from: z.string().openapi({ example: "0" }),
    to: z.string().nullable().openapi({ example: "6000000000" }),
    price: z.string().openapi({ example: "0.0000166667" }),
  })
  .openapi("PriceTier");

export const PricePartSchema = z
  .object({
    name: z.string().openapi({ description: "The provider's name of the part (an Azure meter)", example: "Standard Uptime SLA" }),
    price: z.string().openapi({ example: "0.1" }),
    sku: z.string().optional(),
  })
  .openapi("PricePart");

const decimalText = (description: string, example?: string) => z.string().openapi({ description, ...(example ? { example } : {}) });

export const PurchaseSchema = z
  .object({
    option: z.enum(OPTIONS_BEYOND_ON_DEMAND),
    term: z.enum(TERMS).optional(),
    payment: z.enum(PAYMENTS).optional(),
    offeringClass: z.enum(OFFERING_CLASSES).optional(),
    planType: z.enum(PLAN_TYPES).optional(),
    recurring: decimalText("The recurring rate per unit, as published.", "0.06"),
    upfront: decimalText("The one-off fee for the term, as published (\"0\" when none).", "0"),
    upfrontIsTermTotal: z.boolean().optional().openapi({ description: "Azure reservations: `upfront` is the Retail Prices API's term total (its unit says \"1 Hour\"; it is the whole term)." }),
    effectiveHourly: decimalText("recurring + upfront ÷ (years × 8,760 h): the item's `price`.", "0.06"),
    effectiveHourlyExact: z.boolean().openapi({ description: "false when upfront ÷ hours does not terminate and effectiveHourly is rounded half-even to 10 places." }),
    termCost: decimalText("recurring × term hours + upfront, exact.").optional(),
    onDemandPrice: decimalText("The on-demand price compared with.").optional(),
    onDemandSource: z.string().optional(),
    onDemandAsOf: z.string().optional(),
    onDemandUnavailable: z.string().optional().openapi({ description: "Why there is no on-demand price to compare with." }),
    savingPercent: decimalText("Percent saved against on-demand every hour of the term (4 places, half-even; negative when dearer).", "37.5").optional(),
    breakEvenUtilisation: decimalText("Share of the term's hours below which on-demand is cheaper: term cost ÷ (on-demand × term hours), 6 places half-even.", "0.625").optional(),
    availabilityZone: z.string().optional(),
    pointInTime: z.string().optional().openapi({ description: "Spot: when this price was set. A spot price is a point in time." }),
    interruption: z
      .object({ band: z.string(), savingsPercent: z.string().optional(), source: z.string(), asOf: z.string() })
      .optional()
      .openapi({ description: "Spot: AWS Spot Advisor's interruption-frequency band (\"<5%\" … \">20%\")." }),
    note: z.string().optional(),
  })
  .openapi("Purchase", { description: "How a price bought other than on demand was computed, and how it compares with on-demand." });

export const PriceItemSchema = z
  .object({
    id: z.string().openapi({ example: "m5.large" }),
    description: z.string(),
    unit: z.enum(UNITS),
    price: z.string().openapi({
      description: "Decimal string, exactly as published. For tiered items, the first tier's price.",
      example: "0.096",
    }),
    tiers: z.array(PriceTierSchema).optional(),
    parts: z
      .array(PricePartSchema)
      .optional()
      .openapi({ description: "When the price is billed as the sum of several published prices (AKS Premium: Uptime SLA + Long Term Support): each of them; `price` is their sum." }),
    vcpu: z.number().optional(),
    memoryGiB: z.number().optional(),
    architecture: z.enum(ARCHITECTURES).optional(),
    gpu: z
      .object({ count: z.number().int(), model: z.string().optional(), manufacturer: z.string().optional(), memoryGiB: z.number().optional() })
      .optional()
      .openapi({ description: "The instance's GPUs (memory is the total across them)." }),
    burstable: z.boolean().optional().openapi({ description: "A burstable (CPU credit) instance type." }),
    usageType: z
      .string()
      .optional()
      .openapi({ description: "The provider's name of the price: the AWS Price List usage type, the Azure meter name", example: "BoxUsage:m5.large" }),
    sku: z.string().optional(),
    source: z.enum(SOURCES).openapi({ description: "Where this price came from." }),
    asOf: z.string().openapi({ description: "Date of the data behind the price.", example: "2025-11-01" }),
    purchase: PurchaseSchema.optional(),
  })
  .openapi("PriceItem");

export const UnavailableSchema = z
  .object({ id: z.string(), reason: z.string() })
  .openapi("Unavailable", { description: "An item that cannot be priced; it is never served as 0." });

export const FreeTierSchema = z
  .record(z.string(), z.string())
  .openapi("FreeTier", {
    description: "Monthly free grant per account (amounts as decimal strings by name), with its `source` and `asOf`.",
    example: { requests: "1000000", gbSeconds: "400000", source: "https://aws.amazon.com/lambda/pricing/", asOf: "2026-11-01" },
  });

export function priceResponseSchema(name: string, cloud: string, service: string) {
  return z
    .object({
      cloud: z.literal(cloud),
      service: z.literal(service),
      region: z.string(),
      currency: z.literal("USD"),
      items: z.array(PriceItemSchema),
      unavailable: z.array(UnavailableSchema),
      freeTier: FreeTierSchema.optional(),
    })
    .openapi(name);
}

export const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: "/problems/invalid_request" }),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    code: z.enum(Object.keys(ERROR_STATUS) as [keyof typeof ERROR_STATUS, ...(keyof typeof ERROR_STATUS)[]]),
    errors: z.array(z.object({ parameter: z.string(), message: z.string() })).optional(),
    requestId: z.string().optional(),
  })
  .openapi("Problem");

export const problemResponse = (description: string) => ({
  description,
  content: { "application/problem+json": { schema: ProblemSchema } },
});

/** The problems every authenticated /v1 route can answer. */
export const authProblems = {
  401: problemResponse("Missing or invalid API key (Authorization: Bearer <key>)."),
  403: problemResponse("The key lacks the scope this route needs."),
  429: problemResponse("Too many requests for this key: see Retry-After and the RateLimit-* headers."),
  504: problemResponse("The request's own deadline passed."),
};
