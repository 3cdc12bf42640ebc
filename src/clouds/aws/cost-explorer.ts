import {
  type CostExplorerClient,
  type Expression,
  GetCostAndUsageCommand,
  type GetCostAndUsageCommandOutput,
  GetCostForecastCommand,
  GetDimensionValuesCommand,
  type GroupDefinition,
} from "@aws-sdk/client-cost-explorer";
import Big from "big.js";
import type {
  CostPeriod,
  CostQuery,
  CostReport,
  CostSource,
  DimensionKey,
  DimensionValues,
  ForecastQuery,
  ForecastReport,
} from "../../domain/costs.ts";
import { type Money, money } from "../../domain/money.ts";
import type { Metrics } from "../../observability/metrics.ts";
import type { CachedLoader } from "../../resilience/cached-loader.ts";
import { type Guard, UpstreamError } from "../../resilience/guard.ts";
import { guardedPages } from "../../resilience/paginate.ts";
import { toExpression } from "./filters.ts";

/** Cost Explorer's only endpoint is us-east-1: the guard's breaker key. */
export const COST_EXPLORER_REGION = "us-east-1";
/** Every Cost Explorer API request (each page) is billed. */
export const COST_EXPLORER_USD_PER_REQUEST = 0.01;

const FORECAST_METRIC: Record<ForecastQuery["metric"], string> = {
  UnblendedCost: "UNBLENDED_COST",
  BlendedCost: "BLENDED_COST",
  AmortizedCost: "AMORTIZED_COST",
  NetUnblendedCost: "NET_UNBLENDED_COST",
  UsageQuantity: "USAGE_QUANTITY",
};

function toGroupBy(query: CostQuery): GroupDefinition[] {
  return query.groupBy.map((g) => ({ Type: g.type, Key: g.key }));
}

const zero = (unit: string): Money => money("0", unit);

/** The exact sum of amounts of one unit. */
export function sum(amounts: Money[], unit: string): Money {
  return money(amounts.reduce((acc, m) => acc.plus(m.amount), new Big(0)), amounts[0]?.unit ?? unit);
}

/**
 * Folds GetCostAndUsage pages into periods. A period can span pages (its groups continue on the next
 * page), so periods are merged by start date. When grouped, AWS sends an empty `Total`: the period
 * total is then the exact sum of its groups.
 */
export function toPeriods(pages: GetCostAndUsageCommandOutput[], metric: string): CostPeriod[] {
  const byStart = new Map<string, CostPeriod>();
  for (const page of pages) {
    for (const result of page.ResultsByTime ?? []) {
      const start = result.TimePeriod?.Start ?? "";
      const period = byStart.get(start) ?? {
        start,
        end: result.TimePeriod?.End ?? "",
        estimated: Boolean(result.Estimated),
        total: zero("USD"),
        groups: [],
      };
      period.estimated ||= Boolean(result.Estimated);
      for (const group of result.Groups ?? []) {
        const m = group.Metrics?.[metric];
        if (m?.Amount !== undefined) period.groups.push({ keys: group.Keys ?? [], amount: money(m.Amount, m.Unit ?? "USD") });
      }
      const total = result.Total?.[metric];
      if (total?.Amount !== undefined) period.total = money(total.Amount, total.Unit ?? "USD");
      byStart.set(start, period);
    }
  }
  const periods = [...byStart.values()].sort((a, b) => a.start.localeCompare(b.start));
  for (const p of periods) if (p.groups.length > 0) p.total = sum(p.groups.map((g) => g.amount), p.total.unit);
  return periods;
}

export interface CostExplorerDeps {
  client: CostExplorerClient;
  guard: Guard;
  /** A loader whose TTL is the cost cache's (30 min by default): Cost Explorer bills every request. */
  loader: CachedLoader;
  metrics: Metrics;
  /** The clock (tests pin it): stamps `asOf`. */
  now: () => Date;
}

function stableKey(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v));
}

/** Cost Explorer through its guard and a 30-minute cache; identical requests are coalesced. */
export class CostExplorerSource implements CostSource {
  readonly origin = "live" as const;
  readonly #d: CostExplorerDeps;

  constructor(deps: CostExplorerDeps) {
    this.#d = deps;
  }

  #count(): void {
    this.#d.metrics.costExplorerRequests.inc();
    this.#d.metrics.costExplorerCostUsd.inc(COST_EXPLORER_USD_PER_REQUEST);
  }

  async costs(query: CostQuery, signal?: AbortSignal): Promise<CostReport> {
    const loaded = await this.#d.loader.load<{ periods: CostPeriod[]; asOf: string }>(
      `ce:costs:${stableKey(query)}`,
      async (s) => {
        const filter = toExpression(query.filters) as Expression | undefined;
        const pages = await guardedPages<GetCostAndUsageCommandOutput>(this.#d.guard, COST_EXPLORER_REGION, s, async (token, abortSignal) => {
          const page = await this.#d.client.send(
            new GetCostAndUsageCommand({
              TimePeriod: { Start: query.start, End: query.end },
              Granularity: query.granularity,
              Metrics: [query.metric],
              ...(query.groupBy.length ? { GroupBy: toGroupBy(query) } : {}),
              ...(filter ? { Filter: filter } : {}),
              ...(token ? { NextPageToken: token } : {}),
            }),
            { abortSignal },
          );
          this.#count();
          return { items: [page], next: page.NextPageToken };
        });
        return { periods: toPeriods(pages, query.metric), asOf: this.#d.now().toISOString() };
      },
      { signal },
    );
    const periods = loaded.value.periods;
    const unit = periods.find((p) => p.total.unit)?.total.unit ?? "USD";
    return { query, periods, total: sum(periods.map((p) => p.total), unit), source: loaded.source, asOf: loaded.value.asOf };
  }

  async forecast(query: ForecastQuery, signal?: AbortSignal): Promise<ForecastReport> {
    const loaded = await this.#d.loader.load<ForecastReport>(
      `ce:forecast:${stableKey(query)}`,
      async (s) => {
        try {
          const out = await this.#d.guard.call(
            COST_EXPLORER_REGION,
            (abortSignal) =>
              this.#d.client.send(
                new GetCostForecastCommand({
                  TimePeriod: { Start: query.start, End: query.end },
                  Granularity: query.granularity,
                  Metric: FORECAST_METRIC[query.metric] as never,
                  PredictionIntervalLevel: query.predictionIntervalLevel,
                  ...(toExpression(query.filters) ? { Filter: toExpression(query.filters) as Expression } : {}),
                }),
                { abortSignal },
              ),
            s,
          );
          this.#count();
          const unit = out.Total?.Unit ?? "USD";
          const periods = (out.ForecastResultsByTime ?? []).map((r) => {
            if (r.MeanValue === undefined) {
              throw new UpstreamError("cost-explorer", COST_EXPLORER_REGION, "malformed", undefined, "GetCostForecast answered a period without a MeanValue");
            }
            return {
              start: r.TimePeriod?.Start ?? "",
              end: r.TimePeriod?.End ?? "",
              mean: money(r.MeanValue, unit),
              // Without an interval, the bounds are the mean itself (AWS omits them at 100% certainty).
              lower: money(r.PredictionIntervalLowerBound ?? r.MeanValue, unit),
              upper: money(r.PredictionIntervalUpperBound ?? r.MeanValue, unit),
            };
          });
          return {
            available: true,
            query,
            total: out.Total?.Amount !== undefined ? money(out.Total.Amount, unit) : sum(periods.map((p) => p.mean), unit),
            periods,
            source: "live",
            asOf: this.#d.now().toISOString(),
          };
        } catch (error) {
          // A new or quiet account has no forecast: an answer, not a failure.
          if (error instanceof UpstreamError && error.code === "DataUnavailableException") {
            this.#count();
            const reason = (error.cause as Error | undefined)?.message ?? "Cost Explorer has not enough data to forecast";
            return { available: false, query, reason: `DataUnavailableException: ${reason}`, source: "live", asOf: this.#d.now().toISOString() };
          }
          throw error;
        }
      },
      { signal },
    );
    return { ...loaded.value, source: loaded.source };
  }

  async dimensionValues(dimension: DimensionKey, start: string, end: string, signal?: AbortSignal): Promise<DimensionValues> {
    const loaded = await this.#d.loader.load<{ values: string[]; asOf: string }>(
      `ce:dimension:${dimension}:${start}:${end}`,
      async (s) => {
        const pages = await guardedPages(this.#d.guard, COST_EXPLORER_REGION, s, async (token, abortSignal) => {
          const page = await this.#d.client.send(
            new GetDimensionValuesCommand({ Dimension: dimension, TimePeriod: { Start: start, End: end }, ...(token ? { NextPageToken: token } : {}) }),
            { abortSignal },
          );
          this.#count();
          return { items: page.DimensionValues ?? [], next: page.NextPageToken };
        });
        const values = [...new Set(pages.map((v) => v.Value).filter((v): v is string => typeof v === "string"))].sort();
        return { values, asOf: this.#d.now().toISOString() };
      },
      { signal },
    );
    return { dimension, start, end, values: loaded.value.values, source: loaded.source, asOf: loaded.value.asOf };
  }
}
