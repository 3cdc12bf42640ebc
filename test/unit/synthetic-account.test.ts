import Big from "big.js";
import { describe, expect, it } from "vitest";
import type { CostQuery, CostReport, ForecastQuery } from "../../src/domain/costs.ts";
import { addDays, SERVICES, SyntheticAccount } from "../../src/clouds/aws/mock/synthetic-account.ts";
import { mockAwsPrices } from "../helpers/app.ts";

const prices = mockAwsPrices();

const TODAY = "2026-11-22";
const account = new SyntheticAccount({ today: () => TODAY, seed: 7, prices });

function query(overrides: Partial<CostQuery>): CostQuery {
  return {
    start: "2026-10-01",
    end: "2026-11-01",
    granularity: "DAILY",
    metric: "UnblendedCost",
    groupBy: [],
    filters: {},
    ...overrides,
  };
}

function forecastQuery(overrides: Partial<ForecastQuery>): ForecastQuery {
  return {
    start: TODAY,
    end: "2027-01-01",
    granularity: "MONTHLY",
    metric: "UnblendedCost",
    predictionIntervalLevel: 80,
    filters: {},
    ...overrides,
  };
}

const sum = (amounts: string[]): Big => amounts.reduce((acc, a) => acc.plus(a), new Big(0));
const isWeekend = (date: string) => [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());

function expectPeriodsAddUp(report: CostReport): void {
  for (const period of report.periods) {
    // Canonical exact decimals (at most the 10 places the cells carry, no trailing zeros).
    expect(period.total.amount).toMatch(/^\d+(\.\d{0,9}[1-9])?$/);
    if (period.groups.length > 0) expect(sum(period.groups.map((g) => g.amount.amount)).eq(period.total.amount)).toBe(true);
  }
  expect(sum(report.periods.map((p) => p.total.amount)).toFixed(10)).toBe(report.total.amount);
}

describe("SyntheticAccount costs", () => {
  it("is deterministic for a seed and a date, and differs with the seed", async () => {
    const q = query({ groupBy: [{ type: "DIMENSION", key: "SERVICE" }] });
    const again = new SyntheticAccount({ today: () => TODAY, seed: 7, prices });
    expect(await again.costs(q)).toEqual(await account.costs(q));
    const other = new SyntheticAccount({ today: () => TODAY, seed: 8, prices });
    expect((await other.costs(q)).total.amount).not.toBe((await account.costs(q)).total.amount);
  });

  it("keeps the numbers of a date when the clock moves on", async () => {
    const later = new SyntheticAccount({ today: () => "2026-12-05", seed: 7, prices });
    const q = query({ start: "2026-11-01", end: "2026-11-22" });
    expect((await later.costs(q)).total.amount).toBe((await account.costs(q)).total.amount);
  });

  it("has 13 months of daily history ending yesterday, a few hundred USD a day", async () => {
    const report = await account.costs(query({ start: "2025-09-01", end: addDays(TODAY, 2) }));
    const withData = report.periods.filter((p) => !new Big(p.total.amount).eq(0));
    expect(withData[0]?.start).toBe("2025-10-01");
    expect(withData.at(-1)?.start).toBe("2026-11-21");
    expect(withData).toHaveLength(417);
    const average = sum(withData.map((p) => p.total.amount)).div(withData.length).toNumber();
    expect(average).toBeGreaterThan(150);
    expect(average).toBeLessThan(600);
    const today = report.periods.find((p) => p.start === TODAY);
    expect(today?.total.amount).toBe("0");
    expect(today?.estimated).toBe(true);
    expect(report.periods.find((p) => p.start === "2026-10-31")?.estimated).toBe(false);
    expect(report.periods.find((p) => p.start === "2026-11-01")?.estimated).toBe(true);
    expect(report.source).toBe("mock");
    expect(report.asOf).toMatch(/^2026-11-22T/);
  });

  it("shows weekly seasonality: weekdays cost more than weekends", async () => {
    const report = await account.costs(query({ start: "2026-08-01", end: TODAY }));
    const weekend = report.periods.filter((p) => isWeekend(p.start));
    const weekday = report.periods.filter((p) => !isWeekend(p.start));
    const avg = (ps: typeof weekend) => sum(ps.map((p) => p.total.amount)).div(ps.length);
    expect(avg(weekday).gt(avg(weekend))).toBe(true);
  });

  it("grows: the last full month costs more than the same month a year earlier", async () => {
    const report = await account.costs(query({ start: "2025-10-01", end: "2026-11-01", granularity: "MONTHLY" }));
    expect(report.periods).toHaveLength(13);
    const first = report.periods[0];
    const last = report.periods.at(-1);
    expect(first?.start).toBe("2025-10-01");
    expect(last?.start).toBe("2026-10-01");
    expect(new Big(last?.total.amount ?? "0").gt(first?.total.amount ?? "0")).toBe(true);
  });

  it("groups by SERVICE and TAG:Environment, with an untagged group, summing exactly to the totals", async () => {
    const report = await account.costs(
      query({
        groupBy: [
          { type: "DIMENSION", key: "SERVICE" },
          { type: "TAG", key: "Environment" },
        ],
      }),
    );
    expectPeriodsAddUp(report);
    const keys = report.periods.flatMap((p) => p.groups.map((g) => g.keys));
    expect(keys.every((k) => k.length === 2 && k[1]?.startsWith("Environment$"))).toBe(true);
    expect(keys.some((k) => k[1] === "Environment$")).toBe(true);
    expect(keys.some((k) => k[1] === "Environment$prod")).toBe(true);
    expect(new Set(keys.map((k) => k[0])).size).toBeGreaterThanOrEqual(12);
  });

  it("groups by REGION, LINKED_ACCOUNT and USAGE_TYPE with Cost Explorer's values", async () => {
    const byRegion = await account.costs(query({ granularity: "MONTHLY", groupBy: [{ type: "DIMENSION", key: "REGION" }] }));
    expect(byRegion.periods[0]?.groups.map((g) => g.keys[0])).toEqual(
      expect.arrayContaining(["us-east-1", "us-west-2", "eu-west-1", "ap-south-1"]),
    );
    const byAccount = await account.costs(query({ granularity: "MONTHLY", groupBy: [{ type: "DIMENSION", key: "LINKED_ACCOUNT" }] }));
    expect(byAccount.periods[0]?.groups.map((g) => g.keys[0])).toHaveLength(2);
    expect(byAccount.periods[0]?.groups.every((g) => /^\d{12}$/.test(g.keys[0] ?? ""))).toBe(true);
    const byUsage = await account.costs(query({ granularity: "MONTHLY", groupBy: [{ type: "DIMENSION", key: "USAGE_TYPE" }] }));
    expect(byUsage.periods[0]?.groups.map((g) => g.keys[0])).toEqual(
      expect.arrayContaining(["BoxUsage:m5.large", "USW2-BoxUsage:m5.large", "TimedStorage-ByteHrs", "Lambda-GB-Second"]),
    );
    for (const report of [byRegion, byAccount, byUsage]) expectPeriodsAddUp(report);
  });

  it("MONTHLY equals the sum of DAILY over the same range, months clipped to it", async () => {
    const range = { start: "2026-01-15", end: "2026-04-10" };
    const monthly = await account.costs(query({ ...range, granularity: "MONTHLY" }));
    const daily = await account.costs(query({ ...range, granularity: "DAILY" }));
    expect(monthly.periods.map((p) => [p.start, p.end])).toEqual([
      ["2026-01-15", "2026-02-01"],
      ["2026-02-01", "2026-03-01"],
      ["2026-03-01", "2026-04-01"],
      ["2026-04-01", "2026-04-10"],
    ]);
    for (const month of monthly.periods) {
      const days = daily.periods.filter((d) => d.start >= month.start && d.start < month.end);
      expect(sum(days.map((d) => d.total.amount)).toFixed(10)).toBe(month.total.amount);
    }
    expect(monthly.total.amount).toBe(daily.total.amount);
  });

  it("filters by service, region and tag, consistently with the grouped report", async () => {
    const grouped = await account.costs(
      query({ granularity: "MONTHLY", groupBy: [{ type: "DIMENSION", key: "SERVICE" }, { type: "DIMENSION", key: "REGION" }] }),
    );
    const ec2West = await account.costs(
      query({ granularity: "MONTHLY", filters: { services: [SERVICES.ec2], regions: ["us-west-2"] } }),
    );
    const group = grouped.periods[0]?.groups.find((g) => g.keys[0] === SERVICES.ec2 && g.keys[1] === "us-west-2");
    expect(ec2West.total.amount).toBe(group?.amount.amount);

    const untagged = await account.costs(
      query({ filters: { tags: { Environment: [""] } }, groupBy: [{ type: "TAG", key: "Environment" }] }),
    );
    expect(new Set(untagged.periods.flatMap((p) => p.groups.map((g) => g.keys[0])))).toEqual(new Set(["Environment$"]));
    const prodOrStaging = await account.costs(query({ filters: { tags: { Environment: ["prod", "staging"] } } }));
    const all = await account.costs(query({}));
    expect(new Big(untagged.total.amount).plus(prodOrStaging.total.amount).toFixed(10)).toBe(all.total.amount);
  });

  it("splits a day into 24 hours that add up to it exactly", async () => {
    const hourly = await account.costs(
      query({ start: "2026-11-20", end: "2026-11-21", granularity: "HOURLY", groupBy: [{ type: "DIMENSION", key: "SERVICE" }] }),
    );
    const daily = await account.costs(query({ start: "2026-11-20", end: "2026-11-21" }));
    expect(hourly.periods).toHaveLength(24);
    expect(hourly.periods[0]?.start).toBe("2026-11-20T00:00:00Z");
    expect(hourly.periods[23]?.end).toBe("2026-11-21T00:00:00Z");
    expect(hourly.total.amount).toBe(daily.total.amount);
    expectPeriodsAddUp(hourly);
  });

  it("answers every metric; net is below unblended; usage has a unit, N/A when mixed", async () => {
    const totals: Record<string, string> = {};
    for (const metric of ["UnblendedCost", "BlendedCost", "AmortizedCost", "NetUnblendedCost"] as const) {
      const report = await account.costs(query({ metric }));
      expect(report.total.unit).toBe("USD");
      totals[metric] = report.total.amount;
    }
    expect(new Big(totals.NetUnblendedCost ?? "0").lt(totals.UnblendedCost ?? "0")).toBe(true);
    expect(totals.AmortizedCost).not.toBe(totals.UnblendedCost);
    expect((await account.costs(query({ metric: "UsageQuantity" }))).total.unit).toBe("N/A");
    const eks = await account.costs(query({ metric: "UsageQuantity", filters: { services: [SERVICES.eks] } }));
    expect(eks.total.unit).toBe("Hrs");
    // Two clusters' control planes, 24 hours a day (modulo the mild noise).
    expect(new Big(eks.periods[0]?.total.amount ?? "0").div(72).toNumber()).toBeCloseTo(1, 0);
  });

  it("spend() is the UnblendedCost total of costs() for the same filter and range", async () => {
    const filters = { services: [SERVICES.ec2, SERVICES.s3], tags: { Environment: ["prod"] } };
    const report = await account.costs(query({ start: "2026-09-13", end: "2026-11-22", filters }));
    expect(await account.spend(filters, "2026-09-13", "2026-11-22")).toBe(report.total.amount);
  });
});

describe("SyntheticAccount forecast", () => {
  it("gives means with ordered bounds, 95% wider than 80%, total = sum of means", async () => {
    const f80 = await account.forecast(forecastQuery({}));
    const f95 = await account.forecast(forecastQuery({ predictionIntervalLevel: 95 }));
    if (!f80.available || !f95.available) throw new Error("forecast unavailable");
    expect(f80.periods.map((p) => [p.start, p.end])).toEqual([
      [TODAY, "2026-12-01"],
      ["2026-12-01", "2027-01-01"],
    ]);
    expect(sum(f80.periods.map((p) => p.mean.amount)).toFixed()).toBe(f80.total.amount);
    f80.periods.forEach((p, i) => {
      const wide = f95.periods[i];
      expect(new Big(p.lower.amount).lte(p.mean.amount) && new Big(p.mean.amount).lte(p.upper.amount)).toBe(true);
      expect(wide?.mean.amount).toBe(p.mean.amount);
      expect(new Big(wide?.upper.amount ?? "0").minus(wide?.lower.amount ?? "0").gt(new Big(p.upper.amount).minus(p.lower.amount))).toBe(true);
    });
    // December's mean continues the trend: above October's actual cost.
    const october = await account.costs(query({ granularity: "MONTHLY" }));
    expect(new Big(f80.periods[1]?.mean.amount ?? "0").gt(october.total.amount)).toBe(true);
  });

  it("forecasts DAILY with the weekly pattern", async () => {
    const f = await account.forecast(
      forecastQuery({ end: "2026-12-06", granularity: "DAILY", filters: { services: [SERVICES.ec2] } }),
    );
    if (!f.available) throw new Error("forecast unavailable");
    expect(f.periods).toHaveLength(14);
    const saturday = f.periods.find((p) => p.start === "2026-11-28");
    const monday = f.periods.find((p) => p.start === "2026-11-30");
    expect(new Big(monday?.mean.amount ?? "0").gt(saturday?.mean.amount ?? "0")).toBe(true);
    for (const p of f.periods) expect(new Big(p.lower.amount).lte(p.mean.amount) && new Big(p.mean.amount).lte(p.upper.amount)).toBe(true);
  });

  it("is unavailable when the filters match no history", async () => {
    const f = await account.forecast(forecastQuery({ filters: { services: ["Amazon Redshift"] } }));
    expect(f.available).toBe(false);
    if (!f.available) expect(f.reason).toMatch(/DataUnavailable/);
  });
});
