import type { Money } from "./money.ts";
import type { Source } from "./price.ts";

export type { Money } from "./money.ts";

/**
 * Cost and budget model shared by the live Cost Explorer / Budgets sub-clients and mock mode.
 * Amounts are decimal strings (never floats) with their unit; dates are ISO `YYYY-MM-DD`, and every
 * `end` is exclusive, as in Cost Explorer.
 */
export const COST_METRICS = ["UnblendedCost", "BlendedCost", "AmortizedCost", "NetUnblendedCost", "UsageQuantity"] as const;
export type CostMetric = (typeof COST_METRICS)[number];

export const GRANULARITIES = ["DAILY", "MONTHLY", "HOURLY"] as const;
export type Granularity = (typeof GRANULARITIES)[number];

export const DIMENSION_KEYS = ["SERVICE", "REGION", "LINKED_ACCOUNT", "USAGE_TYPE"] as const;
export type DimensionKey = (typeof DIMENSION_KEYS)[number];

/** A group-by key: a Cost Explorer dimension, or a cost allocation tag. */
export type GroupBy = { type: "DIMENSION"; key: DimensionKey } | { type: "TAG"; key: string };

export interface CostFilters {
  /** Cost Explorer SERVICE values, e.g. "Amazon Elastic Compute Cloud - Compute". */
  services?: string[];
  /** REGION values, e.g. "us-east-1". */
  regions?: string[];
  /** Tag key → values ("" matches untagged). */
  tags?: Record<string, string[]>;
}

export interface CostQuery {
  start: string;
  end: string;
  granularity: Granularity;
  metric: CostMetric;
  /** At most two, as Cost Explorer allows. */
  groupBy: GroupBy[];
  filters: CostFilters;
}

export interface CostGroup {
  /** One value per group-by key. Tags as Cost Explorer writes them: "Environment$prod"; untagged "Environment$". */
  keys: string[];
  amount: Money;
}

export interface CostPeriod {
  start: string;
  end: string;
  /** Cost Explorer's `Estimated`: the period's data is not final yet. */
  estimated: boolean;
  /** The period's total (the sum of its groups when grouped). */
  total: Money;
  groups: CostGroup[];
}

export interface CostReport {
  query: CostQuery;
  periods: CostPeriod[];
  total: Money;
  source: Source;
  /** When the data was read (ISO timestamp). */
  asOf: string;
}

export interface ForecastQuery {
  start: string;
  end: string;
  granularity: "DAILY" | "MONTHLY";
  metric: Exclude<CostMetric, "UsageQuantity"> | "UsageQuantity";
  /** 51–99, Cost Explorer's PredictionIntervalLevel. */
  predictionIntervalLevel: number;
  filters: CostFilters;
}

export interface ForecastPeriod {
  start: string;
  end: string;
  mean: Money;
  lower: Money;
  upper: Money;
}

export type ForecastReport =
  | {
      available: true;
      query: ForecastQuery;
      total: Money;
      periods: ForecastPeriod[];
      source: Source;
      asOf: string;
    }
  | {
      available: false;
      query: ForecastQuery;
      /** Why not, e.g. Cost Explorer's DataUnavailableException for a new account. */
      reason: string;
      source: Source;
      asOf: string;
    };

/** The values one cost dimension takes (SERVICE names, REGION codes, …), with provenance. */
export interface DimensionValues {
  dimension: DimensionKey;
  start: string;
  end: string;
  values: string[];
  source: Source;
  asOf: string;
}

/** Answers cost questions: Cost Explorer in live mode, the synthetic account in mock mode. */
export interface CostSource {
  readonly origin: "live" | "mock";
  costs(query: CostQuery, signal?: AbortSignal): Promise<CostReport>;
  forecast(query: ForecastQuery, signal?: AbortSignal): Promise<ForecastReport>;
  /** Every value a filter or group-by on `dimension` can take in [start, end). */
  dimensionValues(dimension: DimensionKey, start: string, end: string, signal?: AbortSignal): Promise<DimensionValues>;
}
