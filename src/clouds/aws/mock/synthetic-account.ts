import Big from "big.js";
import { monthStart } from "../../../domain/dates.ts";
import { canonical, money } from "../../../domain/money.ts";
import type {
  CostFilters,
  CostGroup,
  CostPeriod,
  CostQuery,
  CostReport,
  CostSource,
  DimensionKey,
  DimensionValues,
  ForecastQuery,
  ForecastReport,
} from "../../../domain/costs.ts";
import type { PriceProvider } from "../../../domain/price.ts";
import { addMonths, asOf, DECIMALS, dayNumber, spans, splitDay, ZERO, zScore } from "./calendar.ts";
import { AccountCells, groupKey, tagValue } from "./cells.ts";
import type { CostLine } from "./line-items.ts";
import { inventoryLines } from "./inventory-costs.ts";

export { addDays, addMonths, dateOf, dayNumber, monthStart } from "./calendar.ts";
export { MOCK_ACCOUNTS, SERVICES } from "./line-items.ts";

/**
 * Mock mode's synthetic AWS account: a mid-size organisation (two linked accounts, a dozen services,
 * four regions plus CloudFront's "global") whose Cost Explorer answers are generated, not fetched.
 *
 * What is synthetic: every invented (line item, day) amount. It is a pure function of the seed, the line
 * item and the date (base × monthly growth from a fixed epoch × weekend dip × mild seeded noise), so a
 * date's numbers never change as the injected clock moves; the clock only decides where history ends
 * (yesterday) and where it starts (the first day of the month 13 months back).
 *
 * What is not invented: the lines of what the account runs (EKS control planes and nodes, SageMaker
 * endpoints and notebooks), which are the inventory's run-rate on each day × 24 at the published prices
 * of `prices` (inventory-costs.ts): the same inventory and prices the running-resources answers use.
 *
 * Why decimal strings: each generated float is converted ONCE to a 10-decimal string (Cost Explorer's
 * own format, "39.1603300457") and from then on every sum is done with big.js. With at most 10 decimals
 * in every cell, sums are exact, so groups add up to period totals, MONTHLY equals the sum of DAILY,
 * and `spend()` (what budgets use) equals `costs()` digit for digit.
 */

/** Months of full history before the current month (Cost Explorer keeps 13 months). */
const HISTORY_MONTHS = 13;
/** Forecasts learn from this many days before today. */
const TRAINING_DAYS = 56;
/** Relative standard deviation of the forecast level one week ahead (grows with √horizon). */
const DRIFT = 0.02;

/** Amounts as every answer writes them: canonical exact decimals (the cells carry 10 decimals). */
function format(value: Big): string {
  return canonical(value);
}

function unitOf(units: ReadonlySet<string>): string {
  return units.size === 1 ? ([...units][0] as string) : "N/A";
}

export interface SyntheticAccountOptions {
  /** Injected clock: today's date (YYYY-MM-DD, UTC). History ends the day before. */
  today: () => string;
  /** Published prices (mock mode: the fallback tables) for the inventory's lines. */
  prices: PriceProvider;
  seed?: number;
}

export class SyntheticAccount implements CostSource {
  readonly origin = "mock" as const;
  readonly #today: () => string;
  readonly #seed: number;
  readonly #prices: PriceProvider;
  /** The cells of one clock day; rebuilt when the clock moves to another day. */
  #cells: { today: string; cells: Promise<AccountCells> } | undefined;

  constructor(options: SyntheticAccountOptions) {
    this.#today = options.today;
    this.#prices = options.prices;
    this.#seed = options.seed ?? 20_260_101;
  }

  /** The first day with data: the first of the month 13 months before the current one. */
  historyStart(): string {
    return addMonths(this.#today(), -HISTORY_MONTHS);
  }

  /**
   * Cost Explorer's GetCostAndUsage over the synthetic cells. Validation (ranges, HOURLY only for the
   * last 14 days, at most two group-bys) is the caller's; this computes whatever it is asked. Days
   * without data (before the history, today, the future) count as nothing, and a group exists only
   * where it has data, as in Cost Explorer.
   */
  async costs(query: CostQuery, signal?: AbortSignal): Promise<CostReport> {
    signal?.throwIfAborted();
    const today = this.#today();
    const table = await this.#table(today);
    const cells = table.rows(query.metric);
    const firstDay = table.firstDay;
    const items = this.#match(table, query.filters);
    const unitless = query.metric !== "UsageQuantity";
    const reportUnits = new Set<string>();
    const estimatedAfter = Date.parse(`${monthStart(today)}T00:00:00Z`);
    let reportTotal = ZERO;
    const periods: CostPeriod[] = [];

    for (const span of spans(query)) {
      let total = ZERO;
      const units = new Set<string>();
      const groups = new Map<string, { keys: string[]; sum: Big; units: Set<string> }>();
      for (const i of items) {
        const item = table.lines[i] as CostLine;
        const row = cells[i] as (Big | undefined)[];
        let sum: Big | undefined;
        for (let day = span.fromDay; day < span.toDay; day++) {
          const cell = row[day - firstDay];
          if (cell === undefined) continue;
          const value = span.hour === undefined ? cell : splitDay(cell, item.diurnal)[span.hour % 24];
          sum = (sum ?? ZERO).plus(value as Big);
        }
        if (sum === undefined) continue;
        total = total.plus(sum);
        units.add(item.unit);
        if (query.groupBy.length === 0) continue;
        const keys = query.groupBy.map((g) => groupKey(item, g));
        const id = keys.join("\u0000");
        const group = groups.get(id) ?? { keys, sum: ZERO, units: new Set<string>() };
        group.sum = group.sum.plus(sum);
        group.units.add(item.unit);
        groups.set(id, group);
      }
      for (const unit of units) reportUnits.add(unit);
      reportTotal = reportTotal.plus(total);
      const sorted = [...groups.values()].sort((a, b) => (a.keys.join("\u0000") < b.keys.join("\u0000") ? -1 : 1));
      periods.push({
        start: span.start,
        end: span.end,
        estimated: span.endMs > estimatedAfter,
        total: { amount: format(total), unit: unitless ? "USD" : unitOf(units) },
        groups: sorted.map(
          (g): CostGroup => ({ keys: g.keys, amount: { amount: format(g.sum), unit: unitless ? "USD" : unitOf(g.units) } }),
        ),
      });
    }

    return {
      query,
      periods,
      total: { amount: format(reportTotal), unit: unitless ? "USD" : unitOf(reportUnits) },
      source: "mock",
      asOf: asOf(today),
    };
  }

  /**
   * Cost Explorer's GetCostForecast: a weekly-seasonal linear trend fitted to the filter's last 8 weeks.
   * Unavailable, like DataUnavailableException, when the filters match no recent history.
   */
  async forecast(query: ForecastQuery, signal?: AbortSignal): Promise<ForecastReport> {
    signal?.throwIfAborted();
    const today = this.#today();
    const table = await this.#table(today);
    const items = this.#match(table, query.filters);
    const base = { query, source: "mock" as const, asOf: asOf(today) };
    const todayDay = dayNumber(today);
    const firstDay = table.firstDay;
    const trainFrom = Math.max(firstDay, todayDay - TRAINING_DAYS);
    const cells = table.rows(query.metric);

    // The model is statistics, not money: floats are fine here; each mean and bound becomes a
    // 10-decimal string once, and the period and report sums are big.js.
    const y: number[] = [];
    const units = new Set<string>();
    for (let day = trainFrom; day < todayDay; day++) {
      let sum = ZERO;
      for (const i of items) {
        const cell = cells[i]?.[day - firstDay];
        if (cell === undefined) continue;
        sum = sum.plus(cell);
        units.add((table.lines[i] as CostLine).unit);
      }
      y.push(sum.toNumber());
    }
    const mean = y.reduce((a, b) => a + b, 0) / Math.max(1, y.length);
    if (items.length === 0 || y.length < 14 || mean === 0) {
      return {
        ...base,
        available: false,
        reason: "DataUnavailableException: insufficient amount of historical data to generate the forecast for these filters",
      };
    }

    // Weekly seasonality (per weekday factor), then a linear trend on the deseasonalised series.
    const dowSum = Array.from({ length: 7 }, () => 0);
    const dowCount = Array.from({ length: 7 }, () => 0);
    y.forEach((v, t) => {
      const dow = (trainFrom + t + 4) % 7;
      dowSum[dow] = (dowSum[dow] as number) + v;
      dowCount[dow] = (dowCount[dow] as number) + 1;
    });
    const season = dowSum.map((s, d) => (dowCount[d] ? s / (dowCount[d] as number) / mean : 1) || 1);
    const z = y.map((v, t) => v / (season[(trainFrom + t + 4) % 7] as number));
    const n = z.length;
    const tMean = (n - 1) / 2;
    const zMean = z.reduce((a, b) => a + b, 0) / n;
    let sxy = 0;
    let sxx = 0;
    z.forEach((v, t) => {
      sxy += (t - tMean) * (v - zMean);
      sxx += (t - tMean) ** 2;
    });
    const slope = sxy / sxx;
    const intercept = zMean - slope * tMean;
    const residual = Math.sqrt(z.reduce((a, v, t) => a + (v - (intercept + slope * t)) ** 2, 0) / Math.max(1, n - 2));
    const zq = zScore(query.predictionIntervalLevel);

    const periods: Array<{ start: string; end: string; mean: Big; lower: Big; upper: Big }> = [];
    let total = ZERO;
    for (const span of spans(query)) {
      let periodMean = ZERO;
      let variance = 0;
      let drift = 0;
      for (let day = span.fromDay; day < span.toDay; day++) {
        const t = day - trainFrom;
        const factor = season[(day + 4) % 7] as number;
        const level = Math.max(0, (intercept + slope * t) * factor);
        const ahead = Math.max(1, day - todayDay + 1);
        periodMean = periodMean.plus(level.toFixed(DECIMALS));
        // Day-to-day noise is independent; the level's own uncertainty is shared by the whole period
        // and grows with the horizon.
        variance += (residual * factor) ** 2;
        drift += DRIFT * level * Math.sqrt(ahead / 7);
      }
      const half = new Big((zq * (Math.sqrt(variance) + drift)).toFixed(DECIMALS));
      const lower = periodMean.minus(half);
      periods.push({ start: span.start, end: span.end, mean: periodMean, lower: lower.lt(0) ? ZERO : lower, upper: periodMean.plus(half) });
      total = total.plus(periodMean);
    }
    const unit = query.metric === "UsageQuantity" ? unitOf(units) : "USD";
    return {
      ...base,
      available: true,
      total: money(total, unit),
      periods: periods.map((p) => ({ start: p.start, end: p.end, mean: money(p.mean, unit), lower: money(p.lower, unit), upper: money(p.upper, unit) })),
    };
  }

  /**
   * UnblendedCost of `filters` over [start, end): the same cells, and so the same digits, as the total of
   * `costs()` for that filter and range. Budgets use it for their actual spend.
   */
  async spend(filters: CostFilters, start: string, end: string): Promise<string> {
    const table = await this.#table(this.#today());
    const cells = table.rows("UnblendedCost");
    const firstDay = table.firstDay;
    const from = dayNumber(start);
    const to = dayNumber(end);
    let sum = ZERO;
    for (const i of this.#match(table, filters)) {
      const row = cells[i] as (Big | undefined)[];
      for (let day = from; day < to; day++) {
        const cell = row[day - firstDay];
        if (cell !== undefined) sum = sum.plus(cell);
      }
    }
    return format(sum);
  }

  /** The values a dimension takes over the line items with costs in [start, end), sorted. */
  async dimensionValues(dimension: DimensionKey, start: string, end: string, signal?: AbortSignal): Promise<DimensionValues> {
    signal?.throwIfAborted();
    const today = this.#today();
    const table = await this.#table(today);
    const values = new Set<string>();
    for (const item of table.lines) {
      if (item.from && item.from >= end) continue;
      if (start >= today) continue;
      values.add(dimension === "SERVICE" ? item.service : dimension === "REGION" ? item.region : dimension === "LINKED_ACCOUNT" ? item.account : item.usageType);
    }
    return { dimension, start, end, values: [...values].sort(), source: "mock", asOf: asOf(today) };
  }

  /** The cells for the clock's `today`: built once per day (the inventory's lines are priced then). */
  #table(today: string): Promise<AccountCells> {
    if (this.#cells?.today !== today) {
      const firstDay = dayNumber(addMonths(today, -HISTORY_MONTHS));
      const lastDay = dayNumber(today) - 1;
      const cells = inventoryLines(this.#prices, firstDay, lastDay).then((lines) => new AccountCells(this.#seed, firstDay, lastDay, lines));
      // A failed build is not kept: the next question tries again.
      cells.catch(() => {
        if (this.#cells?.cells === cells) this.#cells = undefined;
      });
      this.#cells = { today, cells };
    }
    return this.#cells.cells;
  }

  #match(table: AccountCells, filters: CostFilters): number[] {
    const out: number[] = [];
    table.lines.forEach((item, i) => {
      if (filters.services?.length && !filters.services.includes(item.service)) return;
      if (filters.regions?.length && !filters.regions.includes(item.region)) return;
      for (const [key, values] of Object.entries(filters.tags ?? {})) {
        if (values.length && !values.includes(tagValue(item, key))) return;
      }
      out.push(i);
    });
    return out;
  }
}
