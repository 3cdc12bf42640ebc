import {
  type CostExplorerClient,
  type Expression,
  GetCostAndUsageCommand,
  type GetCostAndUsageCommandOutput,
  GetCostForecastCommand,
  type GroupDefinition,
} from "@aws-sdk/client-cost-explorer";
import Big from "big.js";
import type { CostFilters, CostPeriod, CostQuery, CostReport, CostSource, ForecastQuery, ForecastReport, Money } from "../domain/costs.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { CachedLoader } from "../resilience/cached-loader.ts";
import { type Guard, UpstreamError } from "../resilience/guard.ts";

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

/** Pricebook's filters as a Cost Explorer expression (`And` when there is more than one). */
export function toExpression(filters: CostFilters): Expression | undefined {
  const parts: Expression[] = [];
  if (filters.services?.length) parts.push({ Dimensions: { Key: "SERVICE", Values: filters.services } });
  if (filters.regions?.length) parts.push({ Dimensions: { Key: "REGION", Values: filters.regions } });
  for (const [key, values] of Object.entries(filters.tags ?? {})) parts.push({ Tags: { Key: key, Values: values } });
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : { And: parts };
}

function toGroupBy(query: CostQuery): GroupDefinition[] {
  return query.groupBy.map((g) => ({ Type: g.type, Key: g.key }));
}

const zero = (unit: string): Money => ({ amount: "0", unit });

function sum(amounts: Money[], unit: string): Money {
  return { amount: amounts.reduce((acc, m) => acc.plus(m.amount), new Big(0)).toFixed(), unit: amounts[0]?.unit ?? unit };
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
        if (m?.Amount !== undefined) period.groups.push({ keys: group.Keys ?? [], amount: { amount: m.Amount, unit: m.Unit ?? "USD" } });
      }
      const total = result.Total?.[metric];
      if (total?.Amount !== undefined) period.total = { amount: total.Amount, unit: total.Unit ?? "USD" };
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
}

function stableKey(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort()) : v));
}

/** Cost Explorer through its guard and a 30-minute cache; identical requests are coalesced. */
export class CostExplorerSource implements CostSource {
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
        const pages: GetCostAndUsageCommandOutput[] = [];
        let token: string | undefined;
        do {
          const next = token;
          const page = await this.#d.guard.call(
            COST_EXPLORER_REGION,
            (abortSignal) =>
              this.#d.client.send(
                new GetCostAndUsageCommand({
                  TimePeriod: { Start: query.start, End: query.end },
                  Granularity: query.granularity,
                  Metrics: [query.metric],
                  ...(query.groupBy.length ? { GroupBy: toGroupBy(query) } : {}),
                  ...(toExpression(query.filters) ? { Filter: toExpression(query.filters) } : {}),
                  ...(next ? { NextPageToken: next } : {}),
                }),
                { abortSignal },
              ),
            s,
          );
          this.#count();
          pages.push(page);
          token = page.NextPageToken || undefined;
        } while (token);
        return { periods: toPeriods(pages, query.metric), asOf: new Date().toISOString() };
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
                  ...(toExpression(query.filters) ? { Filter: toExpression(query.filters) } : {}),
                }),
                { abortSignal },
              ),
            s,
          );
          this.#count();
          return {
            available: true,
            query,
            total: { amount: out.Total?.Amount ?? "0", unit: out.Total?.Unit ?? "USD" },
            periods: (out.ForecastResultsByTime ?? []).map((r) => ({
              start: r.TimePeriod?.Start ?? "",
              end: r.TimePeriod?.End ?? "",
              mean: r.MeanValue ?? "0",
              lower: r.PredictionIntervalLowerBound ?? r.MeanValue ?? "0",
              upper: r.PredictionIntervalUpperBound ?? r.MeanValue ?? "0",
            })),
            source: "live",
            asOf: new Date().toISOString(),
          };
        } catch (error) {
          // A new or quiet account has no forecast: an answer, not a failure.
          if (error instanceof UpstreamError && error.code === "DataUnavailableException") {
            this.#count();
            const reason = (error.cause as Error | undefined)?.message ?? "Cost Explorer has not enough data to forecast";
            return { available: false, query, reason: `DataUnavailableException: ${reason}`, source: "live", asOf: new Date().toISOString() };
          }
          throw error;
        }
      },
      { signal },
    );
    return { ...loaded.value, source: loaded.source };
  }
}
