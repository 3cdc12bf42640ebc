import { z } from "@hono/zod-openapi";
import type { CloudPlugin } from "../clouds/types.ts";
import type { PriceProvider } from "../domain/price.ts";
import type { Estimator } from "../estimates/line.ts";
import { MAX_LINES, runEstimate } from "../estimates/run.ts";
import { defineRoute } from "../http/route.ts";
import { createRouter } from "../http/router.ts";
import { authProblems, problemResponse, PurchaseSchema } from "./schemas.ts";

const MoneySchema = z.object({ amount: z.string().openapi({ example: "18.73" }), unit: z.string().openapi({ example: "USD" }) });

const EstimateItemSchema = z.object({
  item: z.string().openapi({ example: "duration.x86_64" }),
  description: z.string(),
  quantity: z.string().openapi({ description: "Billable quantity a month in `unit`s, after the free grant", example: "1100000" }),
  unit: z.string().openapi({ example: "gb-second" }),
  price: z.string().openapi({ description: "Unit price (a tiered item's first tier: see `tiers`)", example: "0.0000166667" }),
  amount: MoneySchema,
  hourly: MoneySchema.optional(),
  tiers: z
    .array(z.object({ from: z.string(), to: z.string().nullable(), quantity: z.string(), price: z.string(), amount: z.string() }))
    .optional()
    .openapi({ description: "The tiers the usage fell in" }),
  freeTier: z.object({ quantity: z.string(), note: z.string() }).optional().openapi({ description: "The free grant applied (units)" }),
  purchase: PurchaseSchema.optional(),
  source: z.string().openapi({ example: "fallback" }),
  asOf: z.string().openapi({ example: "2026-09-22" }),
});

const EstimateLineSchema = z.object({
  id: z.string().optional(),
  cloud: z.string(),
  service: z.string(),
  region: z.string(),
  monthly: MoneySchema.nullable().openapi({ description: "Null when nothing of the line could be priced" }),
  hourly: MoneySchema.nullable().optional().openapi({ description: "Time-based lines only" }),
  items: z.array(EstimateItemSchema),
  unavailable: z.array(z.object({ item: z.string(), reason: z.string() })).openapi({ description: "Items that could not be priced: never counted as 0" }),
  complete: z.boolean().openapi({ description: "False when part of the line could not be priced (`monthly` is then a lower bound)" }),
  notes: z.array(z.string()),
});

const EstimateRequest = z
  .object({
    lines: z
      .array(z.record(z.string(), z.unknown()).openapi({ description: "`id` (optional), `cloud`, `service`, `region`, optionally a purchase option for the instances the line runs (`purchaseOption`, `term`, `payment`, `offeringClass`, `planType`, as on the price endpoints), then the service's usage fields (docs/api.md)" }))
      .min(1, "lines must name at least one line")
      .max(MAX_LINES, `at most ${MAX_LINES} lines per estimate`),
    freeTier: z.boolean().optional().openapi({ description: "Apply the monthly free grants (default true); a grant is shared by the lines of one estimate" }),
  })
  .openapi("EstimateRequest", {
    example: {
      lines: [
        { id: "api", cloud: "aws", service: "lambda", region: "us-east-1", requestsPerMonth: 10_000_000, avgDurationMs: 200, memoryMB: 512 },
        { id: "cluster", cloud: "aws", service: "eks", region: "us-east-1", clusters: 1, nodes: [{ instanceType: "m5.large", count: 3 }] },
        { cloud: "aws", service: "ec2", region: "eu-west-1", type: "m7g.large", count: 2 },
      ],
    },
  });

const EstimateResponse = z
  .object({
    currency: z.literal("USD"),
    hoursPerMonth: z.number().openapi({ example: 730 }),
    freeTier: z.boolean(),
    lines: z.array(EstimateLineSchema),
    total: z.object({
      monthly: MoneySchema.nullable(),
      display: z.string().nullable().openapi({ description: "The total rounded half-up to cents, for display" }),
      complete: z.boolean(),
    }),
    rounding: z.string(),
  })
  .openapi("EstimateResponse", { example: {"currency": "USD", "hoursPerMonth": 730, "freeTier": true, "lines": [{"id": "api", "cloud": "aws", "service": "lambda", "region": "us-east-1", "monthly": {"amount": "18.73337", "unit": "USD"}, "items": [{"item": "requests", "description": "AWS Lambda requests (calculator metered unit \"Lambda Requests\")", "unit": "request", "price": "0.0000002", "source": "fallback", "asOf": "2026-09-22", "quantity": "2000000", "amount": {"amount": "0.4", "unit": "USD"}, "freeTier": {"quantity": "1000000", "note": "AWS Lambda free tier: 1000000 requests a month per account (https://aws.amazon.com/lambda/pricing/ (page text: 'The AWS Lambda free usage tier includes 1M free requests per month and 400,000 GB-seconds of compute time per month'); same statement quoted verbatim from the page as read on 2026-09-20 in https://raw.githubusercontent.com/api-evangelist/aws-lambda/refs/heads/main/plans/aws-lambda-plans-pricing.yml ('The free tier includes one million requests and 400,000 GB-seconds per month.'))"}}, {"item": "duration.x86_64", "description": "AWS Lambda duration, x86, tiered per month", "unit": "gb-second", "price": "0.0000166667", "source": "fallback", "asOf": "2026-08-24", "quantity": "1100000", "amount": {"amount": "18.33337", "unit": "USD"}, "tiers": [{"from": "0", "to": "6000000000", "quantity": "1100000", "price": "0.0000166667", "amount": "18.33337"}], "freeTier": {"quantity": "400000", "note": "AWS Lambda free tier: 400000 GB-seconds a month per account, x86 and Arm together (https://aws.amazon.com/lambda/pricing/ (page text: 'The AWS Lambda free usage tier includes 1M free requests per month and 400,000 GB-seconds of compute time per month'); same statement quoted verbatim from the page as read on 2026-09-20 in https://raw.githubusercontent.com/api-evangelist/aws-lambda/refs/heads/main/plans/aws-lambda-plans-pricing.yml ('The free tier includes one million requests and 400,000 GB-seconds per month.'))"}}], "unavailable": [], "complete": true, "notes": ["duration is billed in 1 ms steps; GB-seconds = seconds × memory MB / 1024"]}], "total": {"monthly": {"amount": "18.73337", "unit": "USD"}, "display": "18.73", "complete": true}, "rounding": "amounts are exact decimals, never rounded; `display` values are rounded half-up to cents"} });

const estimateRoute = defineRoute({
  scope: "prices:read",
  method: "post",
  path: "/v1/estimates",
  operationId: "estimate",
  tags: ["estimates"],
  summary: "What a workload costs a month: each line priced item by item, free tiers applied, provenance on every price",
  description: `Up to ${MAX_LINES} lines, each \`{ id?, cloud, service, region, purchaseOption?, …usage }\` with the service's own usage fields (docs/api.md); a line's purchase option (reserved, savings-plan, spot, with term, payment …) prices the instances it runs at the option's effective rate. Exact decimal arithmetic; a month is 730 hours unless a line says \`hoursPerMonth\`. What cannot be priced is listed in \`unavailable\`, never counted as 0, and the total then says it is incomplete. Each line counts against the key's rate limit.`,
  request: { body: { required: true, content: { "application/json": { schema: EstimateRequest } } } },
  responses: {
    200: { description: "The estimate", content: { "application/json": { schema: EstimateResponse } } },
    ...authProblems,
    400: problemResponse("A line names an unknown cloud, service, region or type, or a usage field is missing or out of range (each named)."),
    413: problemResponse("The body is over the size limit."),
    415: problemResponse("The body is not application/json."),
    503: problemResponse("A price source is unavailable and nothing cached or fallback can answer."),
  },
});

export interface EstimateRouteDeps {
  clouds: readonly CloudPlugin[];
  prices(cloud: string): PriceProvider;
  estimators: ReadonlyMap<string, Estimator<never>>;
}

export function estimateRoutes(deps: EstimateRouteDeps) {
  return createRouter().openapi(estimateRoute, async (c) => {
    const body = c.req.valid("json");
    // An estimate of N lines costs N of the key's prices:read budget (the route's check took one).
    if (body.lines.length > 1) await c.get("authorize")?.("prices:read", body.lines.length - 1);
    return c.json(await runEstimate(body, deps, c.get("signal")), 200);
  });
}
