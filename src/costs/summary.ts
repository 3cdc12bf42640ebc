import Big from "big.js";
import type { CostReport, CostSource, ForecastReport } from "../domain/costs.ts";
import { type Money, money } from "../domain/money.ts";
import { addDays, addMonths, monthStart } from "../domain/dates.ts";

export interface WindowSummary {
  start: string;
  end: string;
  total: Money;
  topServices: Array<{ service: string; amount: Money }>;
}

export interface CostSummary {
  today: string;
  yesterday: WindowSummary;
  last7Days: WindowSummary;
  monthToDate: WindowSummary;
  lastMonth: WindowSummary;
  monthEndForecast:
    | { available: true; start: string; end: string; forecast: Money; projectedMonthTotal: Money }
    | { available: false; reason: string };
  source: string;
  asOf: string;
}

const TOP = 5;

function window(report: CostReport, start: string, end: string): WindowSummary {
  const byService = new Map<string, Big>();
  let total = new Big(0);
  for (const period of report.periods) {
    if (period.start < start || period.start >= end) continue;
    for (const g of period.groups) {
      const service = g.keys[0] ?? "";
      byService.set(service, (byService.get(service) ?? new Big(0)).plus(g.amount.amount));
      total = total.plus(g.amount.amount);
    }
  }
  const topServices = [...byService]
    .sort((a, b) => b[1].cmp(a[1]))
    .slice(0, TOP)
    .map(([service, amount]) => ({ service, amount: money(amount) }));
  return { start, end, total: money(total), topServices };
}

/**
 * A dashboard's first tile, in two Cost Explorer requests: one DAILY history by service covering every
 * window (yesterday, 7 days, month to date, last month), and one month-end forecast.
 */
export async function costSummary(costs: CostSource, today: string, signal?: AbortSignal): Promise<CostSummary> {
  const thisMonth = monthStart(today);
  const lastMonth = addMonths(thisMonth, -1);
  const from = addDays(today, -7) < lastMonth ? addDays(today, -7) : lastMonth;
  const history = await costs.costs(
    { start: from, end: today, granularity: "DAILY", metric: "UnblendedCost", groupBy: [{ type: "DIMENSION", key: "SERVICE" }], filters: {} },
    signal,
  );
  const monthEnd = addMonths(thisMonth, 1);
  const mtd = window(history, thisMonth, today);
  let monthEndForecast: CostSummary["monthEndForecast"];
  const forecast: ForecastReport = await costs.forecast(
    { start: today, end: monthEnd, granularity: "MONTHLY", metric: "UnblendedCost", predictionIntervalLevel: 80, filters: {} },
    signal,
  );
  if (forecast.available) {
    monthEndForecast = {
      available: true,
      start: today,
      end: monthEnd,
      forecast: money(forecast.total.amount, forecast.total.unit),
      projectedMonthTotal: money(new Big(mtd.total.amount).plus(forecast.total.amount)),
    };
  } else {
    monthEndForecast = { available: false, reason: forecast.reason };
  }
  return {
    today,
    yesterday: window(history, addDays(today, -1), today),
    last7Days: window(history, addDays(today, -7), today),
    monthToDate: mtd,
    lastMonth: window(history, lastMonth, thisMonth),
    monthEndForecast,
    source: history.source,
    asOf: history.asOf,
  };
}
