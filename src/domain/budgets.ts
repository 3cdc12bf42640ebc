import type { CostFilters, Money } from "./costs.ts";

/** AWS Budgets' budget types. */
export const BUDGET_TYPES = [
  "COST",
  "USAGE",
  "RI_UTILIZATION",
  "RI_COVERAGE",
  "SAVINGS_PLANS_UTILIZATION",
  "SAVINGS_PLANS_COVERAGE",
] as const;
export type BudgetType = (typeof BUDGET_TYPES)[number];

export const TIME_UNITS = ["DAILY", "MONTHLY", "QUARTERLY", "ANNUALLY"] as const;
export type TimeUnit = (typeof TIME_UNITS)[number];

export interface Subscriber {
  type: "EMAIL" | "SNS";
  address: string;
}

export interface BudgetNotification {
  type: "ACTUAL" | "FORECASTED";
  comparison: "GREATER_THAN" | "LESS_THAN" | "EQUAL_TO";
  threshold: number;
  thresholdType: "PERCENTAGE" | "ABSOLUTE_VALUE";
  subscribers: Subscriber[];
}

/** A budget as Pricebook shows it. Exactly one of `limit` and `plannedLimits` is set. */
export interface Budget {
  name: string;
  type: BudgetType;
  timeUnit: TimeUnit;
  limit?: Money;
  /** Period start (YYYY-MM-DD) → limit for that period. */
  plannedLimits?: Record<string, Money>;
  /** start inclusive, end exclusive-ish as AWS stores it (AWS's "no end" is 2087-06-15). */
  timePeriod: { start: string; end: string };
  filters: CostFilters;
  actualSpend?: Money;
  forecastedSpend?: Money;
  notifications?: BudgetNotification[];
  lastUpdated?: string;
}

/** What a caller asks to create (validated against AWS's rules before anything is sent). */
export interface BudgetInput {
  name: string;
  type: BudgetType;
  timeUnit: TimeUnit;
  limit?: Money;
  plannedLimits?: Record<string, Money>;
  timePeriod?: { start?: string; end?: string };
  filters: CostFilters;
  notifications: BudgetNotification[];
}

export interface BudgetPeriod {
  start: string;
  end: string;
  budgeted: Money;
  actual: Money;
  /**
   * True when the cost data covers only part of the period (it began before the data, or it is still
   * running): its actual is then not comparable with a whole period's. Set by sources that know it.
   */
  partial?: boolean;
  /** For a partial period: the days [start, end) the data covers, and the period's own length. */
  covered?: { start: string; end: string; days: number; periodDays: number };
}

export interface BudgetHistory {
  name: string;
  type: BudgetType;
  timeUnit: TimeUnit;
  periods: BudgetPeriod[];
  source: "live" | "mock";
}

/** Budgets in live mode (AWS Budgets) or mock mode (the synthetic account's store). */
export interface BudgetSource {
  readonly origin: "live" | "mock";
  list(signal?: AbortSignal): Promise<Budget[]>;
  /** undefined when there is no such budget. */
  get(name: string, signal?: AbortSignal): Promise<Budget | undefined>;
  history(name: string, start: string, end: string, signal?: AbortSignal): Promise<BudgetHistory | undefined>;
  /** Throws `DuplicateBudgetError` when a budget with that name exists. */
  create(input: BudgetInput, signal?: AbortSignal): Promise<Budget>;
  /** false when there was no such budget. */
  delete(name: string, signal?: AbortSignal): Promise<boolean>;
}

export class DuplicateBudgetError extends Error {
  override name = "DuplicateBudgetError";
}

export class BudgetLimitError extends Error {
  override name = "BudgetLimitError";
}
