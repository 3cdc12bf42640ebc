import { z } from "@hono/zod-openapi";
import { costSummary } from "../costs/summary.ts";
import {
  COST_METRICS,
  type CostFilters,
  type CostQuery,
  type CostSource,
  DIMENSION_KEYS,
  GRANULARITIES,
  type GroupBy,
} from "../domain/costs.ts";
import { addDays, addMonths, isIsoDate } from "../domain/dates.ts";
import type { RegionCatalog } from "../domain/regions.ts";
import { didYouMeanOf, suggestNames } from "../domain/suggest.ts";
import { ApiError, type FieldError } from "../errors.ts";
import { cloudOperationId, defineRoute } from "../http/route.ts";
import { createRouter } from "../http/router.ts";
import { authProblems, problemResponse, querySchema } from "./schemas.ts";

const list = (description: string, example: string) =>
  z.union([z.string(), z.array(z.string())]).optional().openapi({ description, example });

function values(raw: string | string[] | undefined): string[] {
  if (raw === undefined) return [];
  return [...new Set((Array.isArray(raw) ? raw : [raw]).flatMap((v) => v.split(",")).map((v) => v.trim()).filter(Boolean))];
}

const dateParam = (name: string, description: string, example: string) =>
  z.string().refine(isIsoDate, `must be a date YYYY-MM-DD`).openapi({ param: { name, in: "query" }, description, example });

/** The metric and the filters that history and forecast share. */
const measureAndFilters = {
  metric: z.enum(COST_METRICS).default("UnblendedCost").openapi({ param: { name: "metric", in: "query" } }),
  service: list("Only these Cost Explorer SERVICE values (GET /v1/costs/{cloud}/dimensions/SERVICE lists them)", "Amazon Elastic Compute Cloud - Compute"),
  region: list("Only these regions (any case)", "us-east-1"),
};

const TAG_KEY = /^[\p{L}\p{N}\s_.:/=+\-@]{1,128}$/u;

/** The groupBy values Cost Explorer accepts: a dimension, or TAG:<key>; at most two. */
export function parseGroupBy(raw: string | string[] | undefined): GroupBy[] {
  const items = values(raw);
  const errors: FieldError[] = [];
  const groups: GroupBy[] = [];
  for (const item of items) {
    if ((DIMENSION_KEYS as readonly string[]).includes(item)) groups.push({ type: "DIMENSION", key: item as GroupBy["key"] as never });
    else if (item.startsWith("TAG:") && TAG_KEY.test(item.slice(4))) groups.push({ type: "TAG", key: item.slice(4) });
    else errors.push({ parameter: "groupBy", message: `"${item.slice(0, 64)}" is not one of ${DIMENSION_KEYS.join(", ")} or TAG:<key>` });
  }
  if (groups.length > 2) errors.push({ parameter: "groupBy", message: "at most two group-by keys, as Cost Explorer allows" });
  if (errors.length) throw new ApiError("invalid_request", "invalid groupBy", { errors });
  return groups;
}

/** Service and region filters: regions must be the cloud's codes (any case), with suggestions. */
export function parseFilters(service: string | string[] | undefined, region: string | string[] | undefined, regions: RegionCatalog): CostFilters {
  const services = values(service);
  const errors: FieldError[] = [];
  const codes: string[] = [];
  for (const r of values(region)) {
    const code = regions.normalize(r);
    if (code) codes.push(code);
    else errors.push({ parameter: "region", message: regions.explain(r) });
  }
  for (const s of services) if (s.length > 256) errors.push({ parameter: "service", message: "at most 256 characters" });
  if (errors.length) throw new ApiError("invalid_request", "invalid filter", { errors });
  return { ...(services.length ? { services } : {}), ...(codes.length ? { regions: [...new Set(codes)] } : {}) };
}

/**
 * A SERVICE filter that names no service the account has had costs for in the last 13 months would
 * answer silent zeros: a 400 naming the closest names instead (Cost Explorer's own values).
 */
async function checkServices(cloud: CostCloud, costs: CostSource, filters: CostFilters, today: string, signal: AbortSignal): Promise<void> {
  if (!filters.services?.length) return;
  const known = await costs.dimensionValues("SERVICE", addMonths(today, -13), addDays(today, 1), signal);
  const valid = new Set(known.values);
  const errors = filters.services
    .filter((s) => !valid.has(s))
    .map((s) => ({
      parameter: "service",
      message: `"${s.slice(0, 64)}" is not a SERVICE value of this account (GET /v1/costs/${cloud.id}/dimensions/SERVICE lists them)${didYouMeanOf(suggestNames(s, known.values, cloud.costServiceAliases))}`,
    }));
  if (errors.length) throw new ApiError("invalid_request", "unknown service in filter", { errors });
}

function fail(parameter: string, message: string): never {
  throw new ApiError("invalid_request", `invalid ${parameter}: ${message}`, { errors: [{ parameter, message }] });
}

/** Cost Explorer's own rules, checked here so callers get a clear 400 instead of an AWS error. */
export function checkCostRange(start: string, end: string, granularity: CostQuery["granularity"], today: string): void {
  if (end <= start) fail("end", "must be after start (end is exclusive)");
  // History ends today: later days have no costs yet (the forecast covers them).
  const tomorrow = addDays(today, 1);
  if (end > tomorrow) fail("end", `history ends today: end must be ${tomorrow} or earlier (use /v1/costs/aws/forecast for the future)`);
  const earliest = addMonths(today, -13);
  if (start < earliest) fail("start", `Cost Explorer keeps 13 months: start must be ${earliest} or later`);
  if (granularity === "HOURLY" && start < addDays(today, -14)) {
    fail("granularity", `HOURLY data covers the last 14 days only: start must be ${addDays(today, -14)} or later`);
  }
}

export const MoneySchema = z
  .object({
    amount: z.string().openapi({ description: "Exact decimal, canonical form (no exponent, no trailing zeros).", example: "1234.5678901234" }),
    unit: z.string().openapi({ example: "USD" }),
  })
  .openapi("Money");

const DimensionValuesSchema = z
  .object({ dimension: z.enum(DIMENSION_KEYS), start: z.string(), end: z.string(), values: z.array(z.string()), source: z.string(), asOf: z.string() })
  .openapi("CostDimensionValues");

const CostReportSchema = z
  .object({
    query: z.object({
      start: z.string(),
      end: z.string(),
      granularity: z.string(),
      metric: z.string(),
      groupBy: z.array(z.object({ type: z.string(), key: z.string() })),
      filters: z.record(z.string(), z.unknown()),
    }),
    periods: z.array(
      z.object({
        start: z.string(),
        end: z.string(),
        estimated: z.boolean(),
        total: MoneySchema,
        groups: z.array(z.object({ keys: z.array(z.string()), amount: MoneySchema })),
      }),
    ),
    total: MoneySchema,
    source: z.string(),
    asOf: z.string(),
  })
  .openapi("CostReport");

const ForecastSchema = z
  .object({
    available: z.boolean(),
    reason: z.string().optional().openapi({ description: "Why no forecast (e.g. a new account: DataUnavailableException)" }),
    total: MoneySchema.optional(),
    periods: z.array(z.object({ start: z.string(), end: z.string(), mean: MoneySchema, lower: MoneySchema, upper: MoneySchema })).optional(),
    source: z.string(),
    asOf: z.string(),
  })
  .passthrough()
  .openapi("CostForecast");

const windowSchema = z.object({ start: z.string(), end: z.string(), total: MoneySchema, topServices: z.array(z.object({ service: z.string(), amount: MoneySchema })) });
const SummarySchema = z
  .object({
    today: z.string(),
    yesterday: windowSchema,
    last7Days: windowSchema,
    monthToDate: windowSchema,
    lastMonth: windowSchema,
    monthEndForecast: z.record(z.string(), z.unknown()),
    source: z.string(),
    asOf: z.string(),
  })
  .openapi("CostSummary");

const errors = {
  ...authProblems,
  400: problemResponse("Invalid parameters, or a range Cost Explorer would refuse."),
  503: problemResponse("Cost Explorer is unavailable and nothing cached can answer."),
};

/** What the cost routes need of a cloud: its id, regions, and the short names people use for its services. */
export interface CostCloud {
  id: string;
  regions: RegionCatalog;
  costServiceAliases?: Readonly<Record<string, readonly string[]>> | undefined;
}

/** The cost routes of one cloud that has an account source (Cost Explorer for AWS). */
export function costRoutes(cloud: CostCloud, costs: CostSource, today: () => string) {
  const op = (name: string) => cloudOperationId(cloud.id, name);
  const costsRoute = defineRoute({
    scope: "costs:read",
    method: "get",
    path: `/v1/costs/${cloud.id}`,
    operationId: op("getCosts"),
    tags: ["costs"],
    summary: "Cost Explorer history: periods with totals and groups",
    description:
      "Needs `costs:read`. `end` is exclusive. HOURLY covers the last 14 days; history goes back 13 months. Amounts are decimal strings with their unit; `estimated` marks periods whose data is not final. Cached 30 minutes (each Cost Explorer request costs USD 0.01).",
    request: {
      query: querySchema({
        start: dateParam("start", "First day (inclusive)", "2026-10-01"),
        end: dateParam("end", "Last day (exclusive)", "2026-11-01"),
        granularity: z.enum(GRANULARITIES).default("DAILY").openapi({ param: { name: "granularity", in: "query" } }),
        groupBy: list("Up to two of SERVICE, REGION, LINKED_ACCOUNT, USAGE_TYPE, TAG:<key>", "SERVICE,TAG:Environment"),
        ...measureAndFilters,
      }),
    },
    responses: { 200: { description: "Costs", content: { "application/json": { schema: CostReportSchema } } }, ...errors },
  });

  const forecastRoute = defineRoute({
    scope: "costs:read",
    method: "get",
    path: `/v1/costs/${cloud.id}/forecast`,
    operationId: op("getCostForecast"),
    tags: ["costs"],
    summary: "Cost Explorer forecast: total and per-period mean with prediction bounds",
    description:
      "Needs `costs:read`. start must be today or later; DAILY up to 3 months, MONTHLY up to 12 months. A new account without enough history answers 200 with `available: false` and the reason.",
    request: {
      query: querySchema({
        start: dateParam("start", "First day (today or later)", "2026-11-22"),
        end: dateParam("end", "Last day (exclusive)", "2026-12-01"),
        granularity: z.enum(["DAILY", "MONTHLY"]).default("MONTHLY").openapi({ param: { name: "granularity", in: "query" } }),
        predictionIntervalLevel: z.coerce.number().int().min(51).max(99).default(80).openapi({ param: { name: "predictionIntervalLevel", in: "query" }, example: 80 }),
        ...measureAndFilters,
      }),
    },
    responses: { 200: { description: "Forecast", content: { "application/json": { schema: ForecastSchema } } }, ...errors },
  });

  const summaryRoute = defineRoute({
    scope: "costs:read",
    method: "get",
    path: `/v1/costs/${cloud.id}/summary`,
    operationId: op("getCostSummary"),
    tags: ["costs"],
    summary: "A dashboard's first tile: yesterday, last 7 days, month to date, last month, month-end forecast",
    description: "Needs `costs:read`. Each window with its total and top services. Two Cost Explorer requests (cached 30 minutes).",
    request: { query: querySchema({}) },
    responses: { 200: { description: "Summary", content: { "application/json": { schema: SummarySchema } } }, ...errors },
  });

  const dimensionsRoute = defineRoute({
    scope: "costs:read",
    method: "get",
    path: `/v1/costs/${cloud.id}/dimensions/{dimension}`,
    operationId: op("getCostDimensionValues"),
    tags: ["costs"],
    summary: "The values a cost filter or group-by can take (SERVICE names, REGION codes, …)",
    description: "Needs `costs:read`. Values with costs in [start, end) (default: the last 13 months), from Cost Explorer's GetDimensionValues (cached 30 minutes).",
    request: {
      params: z.object({
        dimension: z.enum(DIMENSION_KEYS, { error: `must be one of ${DIMENSION_KEYS.join(", ")}` }).openapi({ param: { name: "dimension", in: "path" }, example: "SERVICE" }),
      }),
      query: querySchema({
        start: dateParam("start", "First day (inclusive); default 13 months ago", "2026-01-01").optional(),
        end: dateParam("end", "Last day (exclusive); default tomorrow", "2026-12-01").optional(),
      }),
    },
    responses: { 200: { description: "Values", content: { "application/json": { schema: DimensionValuesSchema } } }, ...errors },
  });

  return createRouter()
      .openapi(costsRoute, async (c) => {
        const q = c.req.valid("query");
        checkCostRange(q.start, q.end, q.granularity, today());
        const query: CostQuery = {
          start: q.start,
          end: q.end,
          granularity: q.granularity,
          metric: q.metric,
          groupBy: parseGroupBy(q.groupBy),
          filters: parseFilters(q.service, q.region, cloud.regions),
        };
        await checkServices(cloud, costs, query.filters, today(), c.get("signal"));
        const report = await costs.costs(query, c.get("signal"));
        c.set("source", report.source);
        return c.json(report, 200);
      })
      .openapi(forecastRoute, async (c) => {
        const q = c.req.valid("query");
        const now = today();
        if (q.start < now) fail("start", `a forecast starts today or later (today is ${now}, UTC)`);
        if (q.start > addMonths(now, 12)) fail("start", `a forecast starts within 12 months: ${addMonths(now, 12)} or earlier`);
        if (q.end <= q.start) fail("end", "must be after start (end is exclusive)");
        const max = q.granularity === "DAILY" ? addMonths(q.start, 3) : addMonths(q.start, 12);
        if (q.end > max) fail("end", `${q.granularity} forecasts reach at most ${q.granularity === "DAILY" ? "3" : "12"} months: end must be ${max} or earlier`);
        const filters = parseFilters(q.service, q.region, cloud.regions);
        await checkServices(cloud, costs, filters, now, c.get("signal"));
        const report = await costs.forecast(
          { start: q.start, end: q.end, granularity: q.granularity, metric: q.metric, predictionIntervalLevel: q.predictionIntervalLevel, filters },
          c.get("signal"),
        );
        c.set("source", report.source);
        return c.json(report, 200);
      })
      .openapi(summaryRoute, async (c) => {
        const summary = await costSummary(costs, today(), c.get("signal"));
        c.set("source", summary.source);
        return c.json(summary, 200);
      })
      .openapi(dimensionsRoute, async (c) => {
        const { dimension } = c.req.valid("param");
        const q = c.req.valid("query");
        const now = today();
        const start = q.start ?? addMonths(now, -13);
        const end = q.end ?? addDays(now, 1);
        checkCostRange(start, end, "DAILY", now);
        const values = await costs.dimensionValues(dimension, start, end, c.get("signal"));
        c.set("source", values.source);
        return c.json(values, 200);
      });
}
