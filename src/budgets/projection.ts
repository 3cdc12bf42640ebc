import Big from "big.js";
import type { Budget } from "../domain/budgets.ts";
import type { CostSource, Money } from "../domain/costs.ts";
import { daysBetween, periodContaining } from "../domain/dates.ts";
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
  source: string;
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

  let actual = new Big(0);
  let breachDate: string | undefined;
  let source = "live";
  let asOf = new Date().toISOString();
  if (period.start < today) {
    const history = await costs.costs(
      { start: period.start, end: today, granularity: "DAILY", metric: "UnblendedCost", groupBy: [], filters: budget.filters },
      signal,
    );
    source = history.source;
    asOf = history.asOf;
    for (const day of history.periods) {
      actual = actual.plus(day.total.amount);
      if (!breachDate && actual.gt(limit.amount)) breachDate = day.start;
    }
  }
  const status: Projection["breach"]["status"] = breachDate ? "breached" : "none";

  let forecast: Projection["forecastToPeriodEnd"] = { available: true, amount: { amount: "0", unit: limit.unit }, lower: { amount: "0", unit: limit.unit }, upper: { amount: "0", unit: limit.unit } };
  let projected = actual;
  let projectedBreach: string | undefined;
  if (today < period.end) {
    const daily = daysBetween(today, period.end) <= 90;
    const report = await costs.forecast(
      { start: today, end: period.end, granularity: daily ? "DAILY" : "MONTHLY", metric: "UnblendedCost", predictionIntervalLevel: 80, filters: budget.filters },
      signal,
    );
    if (report.available) {
      let running = actual;
      let lower = new Big(0);
      let upper = new Big(0);
      for (const p of report.periods) {
        running = running.plus(p.mean);
        lower = lower.plus(p.lower);
        upper = upper.plus(p.upper);
        if (!breachDate && !projectedBreach && running.gt(limit.amount)) projectedBreach = p.start;
      }
      projected = actual.plus(report.total.amount);
      forecast = {
        available: true,
        amount: { amount: new Big(report.total.amount).toFixed(), unit: limit.unit },
        lower: { amount: lower.toFixed(), unit: limit.unit },
        upper: { amount: upper.toFixed(), unit: limit.unit },
      };
    } else {
      forecast = { available: false, reason: report.reason };
    }
  }
  return {
    budget: budget.name,
    period,
    limit,
    actualToDate: { amount: actual.toFixed(), unit: limit.unit },
    forecastToPeriodEnd: forecast,
    projectedTotal: { amount: projected.toFixed(), unit: limit.unit },
    projectedPercentOfLimit: projected.times(100).div(limit.amount).toFixed(2),
    breach: breachDate ? { status, date: breachDate } : projectedBreach ? { status: "projected", date: projectedBreach } : { status: "none" },
    source,
    asOf,
  };
}

