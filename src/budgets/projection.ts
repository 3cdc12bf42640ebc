import Big from "big.js";
import type { Budget } from "../domain/budgets.ts";
import type { CostSource } from "../domain/costs.ts";
import { daysBetween, periodContaining } from "../domain/dates.ts";
import { type Money, money } from "../domain/money.ts";
import type { Source } from "../domain/price.ts";
import { ApiError } from "../errors.ts";

export interface Projection {
  budget: string;
  period: { start: string; end: string };
  limit: Money;
  actualToDate: Money;
  forecastToPeriodEnd: { available: true; amount: Money; lower: Money; upper: Money } | { available: false; reason: string };
  projectedTotal: Money;
  projectedPercentOfLimit: string;
  breach: { status: "breached" | "projected" | "none"; date?: string };
  /** Where the numbers came from: the cost history's source, else the forecast's. */
  source: Source;
  asOf: string;
}

/**
 * Where a COST budget is heading this period: actual to date (Cost Explorer, filtered like the budget),
 * the forecast to period end, the projected share of the limit, and the first day the limit is (or is
 * projected to be) crossed. DAILY forecasts reach 3 months; longer remainders use MONTHLY steps, and the
 * breach date is then the first day of the month that crosses.
 */
export async function projectBudget(budget: Budget, costs: CostSource, today: string, signal?: AbortSignal): Promise<Projection> {
  if (budget.type !== "COST") {
    throw new ApiError("invalid_request", `projections are computed from Cost Explorer costs: ${budget.type} budgets are not supported`);
  }
  const period = periodContaining(budget.timeUnit, today);
  const limit = budget.limit ?? budget.plannedLimits?.[period.start];
  if (!limit) throw new ApiError("price_not_available", `budget "${budget.name}" has no limit for the period starting ${period.start}`);
  const unit = limit.unit;

  let actual = new Big(0);
  let breachDate: string | undefined;
  let provenance: { source: Source; asOf: string } | undefined;
  if (period.start < today) {
    const history = await costs.costs(
      { start: period.start, end: today, granularity: "DAILY", metric: "UnblendedCost", groupBy: [], filters: budget.filters },
      signal,
    );
    provenance = { source: history.source, asOf: history.asOf };
    for (const day of history.periods) {
      actual = actual.plus(day.total.amount);
      if (!breachDate && actual.gt(limit.amount)) breachDate = day.start;
    }
  }

  let forecast: Projection["forecastToPeriodEnd"] = { available: true, amount: money("0", unit), lower: money("0", unit), upper: money("0", unit) };
  let projected = actual;
  let projectedBreach: string | undefined;
  if (today < period.end) {
    const daily = daysBetween(today, period.end) <= 90;
    const report = await costs.forecast(
      { start: today, end: period.end, granularity: daily ? "DAILY" : "MONTHLY", metric: "UnblendedCost", predictionIntervalLevel: 80, filters: budget.filters },
      signal,
    );
    provenance ??= { source: report.source, asOf: report.asOf };
    if (report.available) {
      let running = actual;
      let lower = new Big(0);
      let upper = new Big(0);
      for (const p of report.periods) {
        running = running.plus(p.mean.amount);
        lower = lower.plus(p.lower.amount);
        upper = upper.plus(p.upper.amount);
        if (!breachDate && !projectedBreach && running.gt(limit.amount)) projectedBreach = p.start;
      }
      projected = actual.plus(report.total.amount);
      forecast = { available: true, amount: money(report.total.amount, unit), lower: money(lower, unit), upper: money(upper, unit) };
    } else {
      forecast = { available: false, reason: report.reason };
    }
  }
  const status: Projection["breach"]["status"] = breachDate ? "breached" : "none";
  return {
    budget: budget.name,
    period,
    limit: money(limit.amount, unit),
    actualToDate: money(actual, unit),
    forecastToPeriodEnd: forecast,
    projectedTotal: money(projected, unit),
    projectedPercentOfLimit: projected.times(100).div(limit.amount).toFixed(2),
    breach: breachDate ? { status, date: breachDate } : projectedBreach ? { status: "projected", date: projectedBreach } : { status: "none" },
    // A period always has a history day or a forecast day: one of the two said where it came from.
    ...(provenance as { source: Source; asOf: string }),
  };
}
