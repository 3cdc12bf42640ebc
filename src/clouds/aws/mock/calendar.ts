import Big from "big.js";
import { addDays, addMonths as addCalendarMonths, monthStart } from "../../../domain/dates.ts";
import type { CostQuery } from "../../../domain/costs.ts";
import { DIURNAL_WEIGHTS, type Diurnal } from "./line-items.ts";

/**
 * The synthetic account's calendar and randomness: day and hour numbers, the periods of a query,
 * seeded per-cell noise, and exact splits of a day into hours.
 */

export const DECIMALS = 10;
const DAY_MS = 86_400_000;
export const ZERO = new Big(0);

// ---------------------------------------------------------------------------------------------------
// Dates: day numbers (days since 1970-01-01, UTC) keep the arithmetic trivial.

export { addDays, monthStart };

export function dayNumber(date: string): number {
  return Math.floor(Date.parse(`${date.slice(0, 10)}T00:00:00Z`) / DAY_MS);
}

export function dateOf(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The first day of the month `months` after `date`'s month. */
export function addMonths(date: string, months: number): string {
  return addCalendarMonths(monthStart(date), months);
}

export function isWeekend(day: number): boolean {
  const dow = (day + 4) % 7; // 1970-01-01 was a Thursday; 0 = Sunday
  return dow === 0 || dow === 6;
}

/** A date or an ISO timestamp → epoch hour. */
function hourNumber(value: string): number {
  const ms = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value);
  return Math.floor(ms / 3_600_000);
}

function hourLabel(hour: number): string {
  return `${new Date(hour * 3_600_000).toISOString().slice(0, 13)}:00:00Z`;
}

// ---------------------------------------------------------------------------------------------------
// Seeded randomness: a hash of (seed, line item, day) feeds mulberry32, so each cell's noise is fixed.

function mulberry32(state: number): () => number {
  let a = state >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function cellRandom(seed: number, item: number, day: number): () => number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (item + 1), 0xc2b2ae35);
  h = Math.imul(h ^ day, 0x27d4eb2f);
  return mulberry32(h ^ (h >>> 16));
}

/** Upper quantile of the standard normal for a two-sided interval at `level` percent (A&S 26.2.23). */
export function zScore(level: number): number {
  const p = Math.min(Math.max((100 - level) / 200, 1e-6), 0.5);
  const t = Math.sqrt(-2 * Math.log(p));
  return t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
}

/** One query's view of a period: days [from, to) or, for HOURLY, one hour. */
export interface Span {
  start: string;
  end: string;
  fromDay: number;
  toDay: number;
  hour?: number;
  /** Used by `estimated`: the period ends after the current month began. */
  endMs: number;
}

/** A day's cell split into 24 hour cells that add up to it exactly (the last hour takes the remainder). */
const splitCache = new WeakMap<Big, Big[]>();
export function splitDay(cell: Big, diurnal: Diurnal): Big[] {
  const cached = splitCache.get(cell);
  if (cached) return cached;
  const weights = DIURNAL_WEIGHTS[diurnal];
  const hours: Big[] = [];
  let used = ZERO;
  for (let h = 0; h < 23; h++) {
    const part = cell.times(weights[h] as Big).round(DECIMALS, Big.roundDown);
    hours.push(part);
    used = used.plus(part);
  }
  hours.push(cell.minus(used));
  splitCache.set(cell, hours);
  return hours;
}

/** The query's periods: days, months clipped to [start, end), or hours. */
export function spans(query: Pick<CostQuery, "start" | "end" | "granularity">): Span[] {
  const out: Span[] = [];
  if (query.granularity === "HOURLY") {
    const to = hourNumber(query.end);
    for (let hour = hourNumber(query.start); hour < to; hour++) {
      const day = Math.floor(hour / 24);
      out.push({
        start: hourLabel(hour),
        end: hourLabel(hour + 1),
        fromDay: day,
        toDay: day + 1,
        hour,
        endMs: (hour + 1) * 3_600_000,
      });
    }
    return out;
  }
  const end = dayNumber(query.end);
  let from = dayNumber(query.start);
  while (from < end) {
    const to = query.granularity === "DAILY" ? from + 1 : Math.min(end, dayNumber(addMonths(dateOf(from), 1)));
    out.push({ start: dateOf(from), end: dateOf(to), fromDay: from, toDay: to, endMs: to * DAY_MS });
    from = to;
  }
  return out;
}

/**
 * Synthetic data is complete up to the end of yesterday, so it is "as of" today's midnight (UTC). A
 * function of the injected clock, not of the wall clock, so equal inputs give equal reports.
 */
export function asOf(today: string): string {
  return `${today}T00:00:00.000Z`;
}
