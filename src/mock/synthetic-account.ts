import Big from "big.js";
import { addDays, addMonths as addCalendarMonths, monthStart } from "../domain/dates.ts";
import type {
  CostFilters,
  CostGroup,
  CostMetric,
  CostPeriod,
  CostQuery,
  CostReport,
  CostSource,
  ForecastPeriod,
  ForecastQuery,
  ForecastReport,
  GroupBy,
} from "../domain/costs.ts";

/**
 * Mock mode's synthetic AWS account: a mid-size organisation (two linked accounts, a dozen services,
 * four regions plus CloudFront's "global") whose Cost Explorer answers are generated, not fetched.
 *
 * What is synthetic: every (line item, day) amount. It is a pure function of the seed, the line item and
 * the date (base × monthly growth from a fixed epoch × weekend dip × mild seeded noise), so a date's
 * numbers never change as the injected clock moves; the clock only decides where history ends
 * (yesterday) and where it starts (the first day of the month 13 months back).
 *
 * Why decimal strings: each generated float is converted ONCE to a 10-decimal string (Cost Explorer's
 * own format, "39.1603300457") and from then on every sum is done with big.js. With at most 10 decimals
 * in every cell, sums are exact, so groups add up to period totals, MONTHLY equals the sum of DAILY,
 * and `spend()` (what budgets use) equals `costs()` digit for digit.
 */

const DECIMALS = 10;
const DAY_MS = 86_400_000;
/** Where growth is anchored: the `daily` amounts below are the line items' levels on this date. */
const EPOCH_DAY = dayNumber("2026-01-01");
const AVG_MONTH_DAYS = 30.4375;
/** Months of full history before the current month (Cost Explorer keeps 13 months). */
const HISTORY_MONTHS = 13;
/** NetUnblendedCost is UnblendedCost net of a small, steady credit (e.g. a promotional credit). */
const NET_FACTOR = 0.98;
/** Forecasts learn from this many days before today. */
const TRAINING_DAYS = 56;
/** Relative standard deviation of the forecast level one week ahead (grows with √horizon). */
const DRIFT = 0.02;

export const MOCK_ACCOUNTS = { production: "481516234201", staging: "730285916402" } as const;

export const SERVICES = {
  ec2: "Amazon Elastic Compute Cloud - Compute",
  ec2Other: "EC2 - Other",
  eks: "Amazon Elastic Container Service for Kubernetes",
  s3: "Amazon Simple Storage Service",
  rds: "Amazon Relational Database Service",
  lambda: "AWS Lambda",
  sagemaker: "Amazon SageMaker",
  cloudfront: "Amazon CloudFront",
  dynamodb: "Amazon DynamoDB",
  vpc: "Amazon Virtual Private Cloud",
  cloudwatch: "AmazonCloudWatch",
  elb: "Elastic Load Balancing",
} as const;

type Diurnal = "flat" | "business" | "batch";

interface LineItem {
  service: string;
  region: string;
  account: string;
  usageType: string;
  /** Cost allocation tags; a missing key is untagged. */
  tags: Record<string, string>;
  /** USD per day at EPOCH_DAY, before weekend dip and noise. */
  daily: number;
  /** Compound growth per month. */
  growth: number;
  /** Weekend level relative to weekdays. */
  weekend: number;
  diurnal: Diurnal;
  /** UsageQuantity unit and the USD price of one unit (quantity = cost / price). */
  unit: string;
  unitPrice: number;
  /** First day with usage, for line items that appeared during the history. */
  from?: string;
  /** BlendedCost / UnblendedCost (RIs blended across the organisation). */
  blended?: number;
  /** AmortizedCost / UnblendedCost (Savings Plan upfront fee spread over the term). */
  amortized?: number;
}

const P = MOCK_ACCOUNTS.production;
const S = MOCK_ACCOUNTS.staging;
const prod = (team: string): Record<string, string> => ({ Environment: "prod", Team: team });
const staging = (team: string): Record<string, string> => ({ Environment: "staging", Team: team });
const teamOnly = (team: string): Record<string, string> => ({ Team: team });
const untagged: Record<string, string> = {};

const LINE_ITEMS: readonly LineItem[] = [
  { service: SERVICES.ec2, region: "us-east-1", account: P, usageType: "BoxUsage:m5.large", tags: prod("web"), daily: 30, growth: 0.025, weekend: 0.72, diurnal: "business", unit: "Hrs", unitPrice: 0.096, blended: 0.94, amortized: 0.97 },
  { service: SERVICES.ec2, region: "us-east-1", account: P, usageType: "BoxUsage:c6i.xlarge", tags: prod("platform"), daily: 22, growth: 0.02, weekend: 0.8, diurnal: "business", unit: "Hrs", unitPrice: 0.17, blended: 0.95, amortized: 0.96 },
  { service: SERVICES.ec2, region: "us-east-1", account: P, usageType: "SpotUsage:c5.2xlarge", tags: teamOnly("data"), daily: 6, growth: 0.03, weekend: 0.5, diurnal: "batch", unit: "Hrs", unitPrice: 0.128 },
  { service: SERVICES.ec2, region: "us-west-2", account: S, usageType: "USW2-BoxUsage:m5.large", tags: staging("web"), daily: 9, growth: 0.02, weekend: 0.45, diurnal: "business", unit: "Hrs", unitPrice: 0.096 },
  { service: SERVICES.ec2, region: "eu-west-1", account: P, usageType: "EU-BoxUsage:m6g.large", tags: prod("web"), daily: 10, growth: 0.03, weekend: 0.78, diurnal: "business", unit: "Hrs", unitPrice: 0.086, blended: 0.96 },
  { service: SERVICES.ec2, region: "ap-south-1", account: P, usageType: "APS3-BoxUsage:t3.medium", tags: untagged, daily: 3, growth: 0.01, weekend: 0.9, diurnal: "flat", unit: "Hrs", unitPrice: 0.0448 },
  { service: SERVICES.ec2Other, region: "us-east-1", account: P, usageType: "EBS:VolumeUsage.gp3", tags: prod("platform"), daily: 9, growth: 0.025, weekend: 1, diurnal: "flat", unit: "GB-Mo", unitPrice: 0.08 / AVG_MONTH_DAYS },
  { service: SERVICES.ec2Other, region: "us-east-1", account: P, usageType: "NatGateway-Hours", tags: prod("platform"), daily: 2.16, growth: 0, weekend: 1, diurnal: "flat", unit: "Hrs", unitPrice: 0.045 },
  { service: SERVICES.ec2Other, region: "us-east-1", account: P, usageType: "NatGateway-Bytes", tags: prod("platform"), daily: 3, growth: 0.02, weekend: 0.75, diurnal: "business", unit: "GB", unitPrice: 0.045 },
  { service: SERVICES.ec2Other, region: "us-west-2", account: S, usageType: "USW2-EBS:SnapshotUsage", tags: untagged, daily: 2.2, growth: 0.03, weekend: 1, diurnal: "flat", unit: "GB-Mo", unitPrice: 0.05 / AVG_MONTH_DAYS },
  { service: SERVICES.eks, region: "us-east-1", account: P, usageType: "USE1-AmazonEKS-Hours:perCluster", tags: prod("platform"), daily: 4.8, growth: 0, weekend: 1, diurnal: "flat", unit: "Hrs", unitPrice: 0.1 },
  { service: SERVICES.eks, region: "us-west-2", account: S, usageType: "USW2-AmazonEKS-Hours:perCluster", tags: staging("platform"), daily: 2.4, growth: 0, weekend: 1, diurnal: "flat", unit: "Hrs", unitPrice: 0.1 },
  { service: SERVICES.s3, region: "us-east-1", account: P, usageType: "TimedStorage-ByteHrs", tags: prod("data"), daily: 14, growth: 0.035, weekend: 1, diurnal: "flat", unit: "GB-Mo", unitPrice: 0.023 / AVG_MONTH_DAYS },
  { service: SERVICES.s3, region: "us-east-1", account: P, usageType: "Requests-Tier1", tags: prod("web"), daily: 2.2, growth: 0.02, weekend: 0.7, diurnal: "business", unit: "Requests", unitPrice: 0.000005 },
  { service: SERVICES.s3, region: "us-west-2", account: S, usageType: "USW2-TimedStorage-ByteHrs", tags: untagged, daily: 1.6, growth: 0.02, weekend: 1, diurnal: "flat", unit: "GB-Mo", unitPrice: 0.023 / AVG_MONTH_DAYS },
  { service: SERVICES.s3, region: "eu-west-1", account: P, usageType: "EU-TimedStorage-ByteHrs", tags: prod("data"), daily: 4, growth: 0.03, weekend: 1, diurnal: "flat", unit: "GB-Mo", unitPrice: 0.023 / AVG_MONTH_DAYS },
  { service: SERVICES.rds, region: "us-east-1", account: P, usageType: "Multi-AZUsage:db.r6g.large", tags: prod("data"), daily: 21, growth: 0.01, weekend: 1, diurnal: "flat", unit: "Hrs", unitPrice: 0.45, blended: 0.93, amortized: 0.95 },
  { service: SERVICES.rds, region: "us-east-1", account: P, usageType: "RDS:Multi-AZ-GP3-Storage", tags: prod("data"), daily: 4, growth: 0.03, weekend: 1, diurnal: "flat", unit: "GB-Mo", unitPrice: 0.23 / AVG_MONTH_DAYS },
  { service: SERVICES.rds, region: "us-west-2", account: S, usageType: "USW2-InstanceUsage:db.t4g.medium", tags: staging("data"), daily: 1.56, growth: 0, weekend: 1, diurnal: "flat", unit: "Hrs", unitPrice: 0.065 },
  { service: SERVICES.lambda, region: "us-east-1", account: P, usageType: "Lambda-GB-Second", tags: prod("web"), daily: 7, growth: 0.04, weekend: 0.6, diurnal: "business", unit: "Lambda-GB-Second", unitPrice: 0.0000166667 },
  { service: SERVICES.lambda, region: "us-east-1", account: P, usageType: "Request", tags: prod("web"), daily: 1.2, growth: 0.04, weekend: 0.6, diurnal: "business", unit: "Requests", unitPrice: 0.0000002 },
  { service: SERVICES.lambda, region: "eu-west-1", account: P, usageType: "EU-Lambda-GB-Second", tags: prod("web"), daily: 2.4, growth: 0.04, weekend: 0.65, diurnal: "business", unit: "Lambda-GB-Second", unitPrice: 0.0000166667 },
  { service: SERVICES.lambda, region: "ap-south-1", account: P, usageType: "APS3-Lambda-GB-Second", tags: untagged, daily: 0.6, growth: 0.02, weekend: 0.8, diurnal: "flat", unit: "Lambda-GB-Second", unitPrice: 0.0000166667 },
  { service: SERVICES.sagemaker, region: "us-east-1", account: P, usageType: "USE1-Host:ml.m5.xlarge", tags: prod("ml"), daily: 8, growth: 0.05, weekend: 1, diurnal: "flat", unit: "Hrs", unitPrice: 0.23 },
  { service: SERVICES.sagemaker, region: "us-east-1", account: S, usageType: "USE1-Notebk:ml.t3.medium", tags: staging("ml"), daily: 1, growth: 0.02, weekend: 0.3, diurnal: "business", unit: "Hrs", unitPrice: 0.05 },
  { service: SERVICES.sagemaker, region: "us-east-1", account: S, usageType: "USE1-Train:ml.g4dn.xlarge", tags: staging("ml"), daily: 5, growth: 0.06, weekend: 0.2, diurnal: "batch", unit: "Hrs", unitPrice: 0.736, from: "2026-03-09" },
  { service: SERVICES.cloudfront, region: "global", account: P, usageType: "US-DataTransfer-Out-Bytes", tags: prod("web"), daily: 7, growth: 0.03, weekend: 0.85, diurnal: "business", unit: "GB", unitPrice: 0.085 },
  { service: SERVICES.cloudfront, region: "global", account: P, usageType: "EU-DataTransfer-Out-Bytes", tags: prod("web"), daily: 3, growth: 0.03, weekend: 0.85, diurnal: "business", unit: "GB", unitPrice: 0.085 },
  { service: SERVICES.cloudfront, region: "global", account: P, usageType: "IN-DataTransfer-Out-Bytes", tags: prod("web"), daily: 1.2, growth: 0.05, weekend: 0.9, diurnal: "business", unit: "GB", unitPrice: 0.109 },
  { service: SERVICES.cloudfront, region: "global", account: P, usageType: "US-Requests-Tier1", tags: prod("web"), daily: 0.8, growth: 0.03, weekend: 0.85, diurnal: "business", unit: "Requests", unitPrice: 0.00000075 },
  { service: SERVICES.dynamodb, region: "us-east-1", account: P, usageType: "ReadCapacityUnit-Hrs", tags: prod("web"), daily: 4, growth: 0.02, weekend: 0.9, diurnal: "business", unit: "ReadCapacityUnit-Hrs", unitPrice: 0.00013 },
  { service: SERVICES.dynamodb, region: "us-east-1", account: P, usageType: "WriteCapacityUnit-Hrs", tags: prod("web"), daily: 5.5, growth: 0.02, weekend: 0.9, diurnal: "business", unit: "WriteCapacityUnit-Hrs", unitPrice: 0.00065 },
  { service: SERVICES.dynamodb, region: "us-east-1", account: P, usageType: "TimedStorage-ByteHrs", tags: prod("web"), daily: 1.1, growth: 0.03, weekend: 1, diurnal: "flat", unit: "GB-Mo", unitPrice: 0.25 / AVG_MONTH_DAYS },
  { service: SERVICES.dynamodb, region: "eu-west-1", account: P, usageType: "EU-PayPerRequestThroughput", tags: untagged, daily: 0.7, growth: 0.02, weekend: 0.8, diurnal: "business", unit: "Requests", unitPrice: 0.000000283 },
  { service: SERVICES.vpc, region: "us-east-1", account: P, usageType: "USE1-PublicIPv4:InUseAddress", tags: prod("platform"), daily: 1.2, growth: 0, weekend: 1, diurnal: "flat", unit: "Hrs", unitPrice: 0.005 },
  { service: SERVICES.vpc, region: "us-east-1", account: P, usageType: "USE1-VpcEndpoint-Hours", tags: prod("platform"), daily: 1.44, growth: 0, weekend: 1, diurnal: "flat", unit: "Hrs", unitPrice: 0.01 },
  { service: SERVICES.vpc, region: "eu-west-1", account: P, usageType: "EU-PublicIPv4:InUseAddress", tags: untagged, daily: 0.6, growth: 0, weekend: 1, diurnal: "flat", unit: "Hrs", unitPrice: 0.005 },
  { service: SERVICES.vpc, region: "us-west-2", account: S, usageType: "USW2-PublicIPv4:InUseAddress", tags: staging("platform"), daily: 0.48, growth: 0, weekend: 1, diurnal: "flat", unit: "Hrs", unitPrice: 0.005 },
  { service: SERVICES.cloudwatch, region: "us-east-1", account: P, usageType: "CW:MetricMonitorUsage", tags: prod("platform"), daily: 2.4, growth: 0.02, weekend: 1, diurnal: "flat", unit: "Metrics", unitPrice: 0.3 / AVG_MONTH_DAYS },
  { service: SERVICES.cloudwatch, region: "us-east-1", account: P, usageType: "DataProcessing-Bytes", tags: untagged, daily: 3, growth: 0.03, weekend: 0.7, diurnal: "business", unit: "GB", unitPrice: 0.5 },
  { service: SERVICES.cloudwatch, region: "us-west-2", account: S, usageType: "USW2-CW:MetricMonitorUsage", tags: staging("platform"), daily: 0.6, growth: 0.01, weekend: 1, diurnal: "flat", unit: "Metrics", unitPrice: 0.3 / AVG_MONTH_DAYS },
  { service: SERVICES.elb, region: "us-east-1", account: P, usageType: "LoadBalancerUsage", tags: prod("web"), daily: 1.08, growth: 0, weekend: 1, diurnal: "flat", unit: "Hrs", unitPrice: 0.0225 },
  { service: SERVICES.elb, region: "us-east-1", account: P, usageType: "LCUUsage", tags: prod("web"), daily: 1.6, growth: 0.03, weekend: 0.7, diurnal: "business", unit: "LCU-Hrs", unitPrice: 0.008 },
  { service: SERVICES.elb, region: "eu-west-1", account: P, usageType: "EU-LoadBalancerUsage", tags: prod("web"), daily: 0.54, growth: 0, weekend: 1, diurnal: "flat", unit: "Hrs", unitPrice: 0.0252 },
  { service: SERVICES.elb, region: "us-west-2", account: S, usageType: "USW2-LoadBalancerUsage", tags: staging("web"), daily: 0.54, growth: 0, weekend: 1, diurnal: "flat", unit: "Hrs", unitPrice: 0.0225 },
];

/** Relative activity per UTC hour; HOURLY splits each day along these weights. */
const DIURNAL_PROFILES: Record<Diurnal, readonly number[]> = {
  flat: Array.from({ length: 24 }, () => 1),
  business: Array.from({ length: 24 }, (_, h) => 0.6 + 0.8 * Math.max(0, Math.sin(((h - 7) / 14) * Math.PI))),
  batch: Array.from({ length: 24 }, (_, h) => (h >= 1 && h < 6 ? 2.5 : 0.7)),
};

/** Hour weights as decimal strings, so splitting a day is big.js arithmetic. */
const DIURNAL_WEIGHTS: Record<Diurnal, readonly Big[]> = {
  flat: hourWeights(DIURNAL_PROFILES.flat),
  business: hourWeights(DIURNAL_PROFILES.business),
  batch: hourWeights(DIURNAL_PROFILES.batch),
};

function hourWeights(profile: readonly number[]): Big[] {
  const total = profile.reduce((a, b) => a + b, 0);
  return profile.map((w) => new Big((w / total).toFixed(12)));
}

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

function isWeekend(day: number): boolean {
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

function cellRandom(seed: number, item: number, day: number): () => number {
  let h = Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (item + 1), 0xc2b2ae35);
  h = Math.imul(h ^ day, 0x27d4eb2f);
  return mulberry32(h ^ (h >>> 16));
}

/** Upper quantile of the standard normal for a two-sided interval at `level` percent (A&S 26.2.23). */
function zScore(level: number): number {
  const p = Math.min(Math.max((100 - level) / 200, 1e-6), 0.5);
  const t = Math.sqrt(-2 * Math.log(p));
  return t - (2.515517 + 0.802853 * t + 0.010328 * t * t) / (1 + 1.432788 * t + 0.189269 * t * t + 0.001308 * t * t * t);
}

const ZERO = new Big(0);

function format(value: Big): string {
  return value.toFixed(DECIMALS);
}

function unitOf(units: ReadonlySet<string>): string {
  return units.size === 1 ? ([...units][0] as string) : "N/A";
}

/** One query's view of a period: days [from, to) or, for HOURLY, one hour. */
interface Span {
  start: string;
  end: string;
  fromDay: number;
  toDay: number;
  hour?: number;
  /** Used by `estimated`: the period ends after the current month began. */
  endMs: number;
}

export interface SyntheticAccountOptions {
  /** Injected clock: today's date (YYYY-MM-DD, UTC). History ends the day before. */
  today: () => string;
  seed?: number;
}

export class SyntheticAccount implements CostSource {
  readonly #today: () => string;
  readonly #seed: number;
  /** metric → [line item][day - cacheFrom] cells; rebuilt when the clock moves to another day. */
  #cells = new Map<CostMetric, (Big | undefined)[][]>();
  #cacheToday = "";

  constructor(options: SyntheticAccountOptions) {
    this.#today = options.today;
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
    const cells = this.#metricCells(query.metric);
    const firstDay = dayNumber(this.historyStart());
    const items = this.#match(query.filters);
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
        const item = LINE_ITEMS[i] as LineItem;
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
    const items = this.#match(query.filters);
    const base = { query, source: "mock" as const, asOf: asOf(today) };
    const todayDay = dayNumber(today);
    const firstDay = dayNumber(this.historyStart());
    const trainFrom = Math.max(firstDay, todayDay - TRAINING_DAYS);
    const cells = this.#metricCells(query.metric);

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
        units.add((LINE_ITEMS[i] as LineItem).unit);
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

    const periods: ForecastPeriod[] = [];
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
      periods.push({
        start: span.start,
        end: span.end,
        mean: format(periodMean),
        lower: format(lower.lt(0) ? ZERO : lower),
        upper: format(periodMean.plus(half)),
      });
      total = total.plus(periodMean);
    }
    const unit = query.metric === "UsageQuantity" ? unitOf(units) : "USD";
    return { ...base, available: true, total: { amount: format(total), unit }, periods };
  }

  /**
   * UnblendedCost of `filters` over [start, end): the same cells, and so the same digits, as the total of
   * `costs()` for that filter and range. Budgets use it for their actual spend.
   */
  spend(filters: CostFilters, start: string, end: string): string {
    const cells = this.#metricCells("UnblendedCost");
    const firstDay = dayNumber(this.historyStart());
    const from = dayNumber(start);
    const to = dayNumber(end);
    let sum = ZERO;
    for (const i of this.#match(filters)) {
      const row = cells[i] as (Big | undefined)[];
      for (let day = from; day < to; day++) {
        const cell = row[day - firstDay];
        if (cell !== undefined) sum = sum.plus(cell);
      }
    }
    return format(sum);
  }

  #match(filters: CostFilters): number[] {
    const out: number[] = [];
    LINE_ITEMS.forEach((item, i) => {
      if (filters.services?.length && !filters.services.includes(item.service)) return;
      if (filters.regions?.length && !filters.regions.includes(item.region)) return;
      for (const [key, values] of Object.entries(filters.tags ?? {})) {
        if (values.length && !values.includes(item.tags[key] ?? "")) return;
      }
      out.push(i);
    });
    return out;
  }

  /** Every line item's daily cells for `metric`, from the history start to yesterday. */
  #metricCells(metric: CostMetric): (Big | undefined)[][] {
    const today = this.#today();
    if (today !== this.#cacheToday) {
      this.#cells = new Map();
      this.#cacheToday = today;
    }
    const cached = this.#cells.get(metric);
    if (cached) return cached;
    const firstDay = dayNumber(this.historyStart());
    const lastDay = dayNumber(today) - 1;
    const rows = LINE_ITEMS.map((item, i) => {
      const row: (Big | undefined)[] = [];
      const startDay = item.from ? Math.max(firstDay, dayNumber(item.from)) : firstDay;
      for (let day = firstDay; day <= lastDay; day++) {
        if (day < startDay) {
          row.push(undefined);
          continue;
        }
        const cost = this.#unblended(item, i, day);
        row.push(new Big(metricValue(item, metric, cost).toFixed(DECIMALS)));
      }
      return row;
    });
    this.#cells.set(metric, rows);
    return rows;
  }

  /** The generated float for one line item on one day; the only place randomness enters. */
  #unblended(item: LineItem, index: number, day: number): number {
    const random = cellRandom(this.#seed, index, day);
    const noise = 1 + 0.06 * (random() + random() - 1);
    const growth = (1 + item.growth) ** ((day - EPOCH_DAY) / AVG_MONTH_DAYS);
    return item.daily * growth * (isWeekend(day) ? item.weekend : 1) * noise;
  }
}

function metricValue(item: LineItem, metric: CostMetric, cost: number): number {
  switch (metric) {
    case "UnblendedCost":
      return cost;
    case "BlendedCost":
      return cost * (item.blended ?? 1);
    case "AmortizedCost":
      return cost * (item.amortized ?? 1);
    case "NetUnblendedCost":
      return cost * NET_FACTOR;
    case "UsageQuantity": {
      const quantity = cost / item.unitPrice;
      return item.unit === "Requests" ? Math.round(quantity) : quantity;
    }
  }
}

/** A day's cell split into 24 hour cells that add up to it exactly (the last hour takes the remainder). */
const splitCache = new WeakMap<Big, Big[]>();
function splitDay(cell: Big, diurnal: Diurnal): Big[] {
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

function groupKey(item: LineItem, group: GroupBy): string {
  if (group.type === "TAG") return `${group.key}$${item.tags[group.key] ?? ""}`;
  switch (group.key) {
    case "SERVICE":
      return item.service;
    case "REGION":
      return item.region;
    case "LINKED_ACCOUNT":
      return item.account;
    case "USAGE_TYPE":
      return item.usageType;
  }
}

/** The query's periods: days, months clipped to [start, end), or hours. */
function spans(query: Pick<CostQuery, "start" | "end" | "granularity">): Span[] {
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
function asOf(today: string): string {
  return `${today}T00:00:00.000Z`;
}
