import Big from "big.js";
import { Redis } from "ioredis";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type BudgetInput, DuplicateBudgetError } from "../../src/domain/budgets.ts";
import type { CostFilters } from "../../src/domain/costs.ts";
import { MOCK_BUDGETS_KEY, MockBudgetStore } from "../../src/clouds/aws/mock/mock-budgets.ts";
import { SERVICES, SyntheticAccount } from "../../src/clouds/aws/mock/synthetic-account.ts";
import { mockAwsPrices } from "../helpers/app.ts";
import { flush, testRedisUrl } from "../helpers/redis.ts";

const TODAY = "2026-11-22";
const today = () => TODAY;
const account = new SyntheticAccount({ today, prices: mockAwsPrices() });
const url = await testRedisUrl();

const SEEDED = ["account-monthly", "ec2-compute-monthly", "prod-quarterly", "ml-planned-monthly"];

async function costOf(filters: CostFilters, start: string, end: string): Promise<string> {
  const report = await account.costs({ start, end, granularity: "DAILY", metric: "UnblendedCost", groupBy: [], filters });
  return report.total.amount;
}

function input(name: string): BudgetInput {
  return {
    name,
    type: "COST",
    timeUnit: "MONTHLY",
    limit: { amount: "500", unit: "USD" },
    filters: { services: [SERVICES.lambda] },
    notifications: [],
  };
}

function warnings() {
  const seen: string[] = [];
  return { seen, logger: { warn: (_obj: object, msg: string) => void seen.push(msg) } };
}

describe("MockBudgetStore", () => {
  it("starts with four budgets: one on track, one projected to exceed its limit", async () => {
    const budgets = await new MockBudgetStore(account, { today }).list();
    expect(budgets.map((b) => b.name)).toEqual(SEEDED);
    const byName = new Map(budgets.map((b) => [b.name, b]));
    const total = byName.get("account-monthly");
    const ec2 = byName.get("ec2-compute-monthly");
    expect(new Big(total?.forecastedSpend?.amount ?? "0").lt(total?.limit?.amount ?? "0")).toBe(true);
    expect(new Big(ec2?.forecastedSpend?.amount ?? "0").gt(ec2?.limit?.amount ?? "0")).toBe(true);
    expect(ec2?.filters.services).toEqual([SERVICES.ec2]);
    expect(byName.get("prod-quarterly")?.timeUnit).toBe("QUARTERLY");
    expect(byName.get("prod-quarterly")?.filters.tags).toEqual({ Environment: ["prod"] });
    expect(byName.get("ml-planned-monthly")?.limit).toBeUndefined();
    for (const b of budgets) expect(new Big(b.forecastedSpend?.amount ?? "0").gte(b.actualSpend?.amount ?? "1")).toBe(true);
  });

  it("actualSpend equals costs() of the budget's filter over the current period to date, exactly", async () => {
    const store = new MockBudgetStore(account, { today });
    const periodStart: Record<string, string> = {
      "account-monthly": "2026-11-01",
      "ec2-compute-monthly": "2026-11-01",
      "prod-quarterly": "2026-10-01",
      "ml-planned-monthly": "2026-11-01",
    };
    for (const budget of await store.list()) {
      const start = periodStart[budget.name] as string;
      expect(budget.actualSpend).toEqual({ amount: await costOf(budget.filters, start, TODAY), unit: "USD" });
    }
  });

  it("history: one entry per period, actual equal to costs() for it, planned limits per period", async () => {
    const store = new MockBudgetStore(account, { today });
    for (const name of SEEDED) {
      const history = await store.history(name, "2026-01-01", "2027-06-01");
      const budget = await store.get(name);
      if (!history || !budget) throw new Error(`no ${name}`);
      const starts = history.periods.map((p) => p.start);
      expect(starts[0]).toBe("2026-01-01");
      expect(starts.at(-1)).toBe(name === "prod-quarterly" ? "2026-10-01" : "2026-11-01");
      expect(history.periods).toHaveLength(name === "prod-quarterly" ? 4 : 11);
      for (const p of history.periods) {
        const end = p.end < TODAY ? p.end : TODAY;
        expect(p.actual.amount).toBe(await costOf(budget.filters, p.start, end));
        expect(p.budgeted).toEqual(budget.limit ?? budget.plannedLimits?.[p.start]);
      }
    }
    const planned = await store.history("ml-planned-monthly", "2026-01-01", "2026-12-01");
    const budgeted = new Set(planned?.periods.map((p) => p.budgeted.amount));
    expect(budgeted.size).toBeGreaterThan(5);
    expect(await store.history("nope", "2026-01-01", "2026-12-01")).toBeUndefined();
  });

  it("history marks partial periods: the first quarter before the data starts, and the quarter to date", async () => {
    // On 2026-12-31 the data starts on 2025-11-01 (13 months back), a month into Q4 2025; the budget
    // starts on that quarter's first day.
    const end = () => "2026-12-31";
    const store = new MockBudgetStore(new SyntheticAccount({ today: end, prices: mockAwsPrices() }), { today: end });
    const history = await store.history("prod-quarterly", "2025-10-01", "2027-01-01");
    const periods = history?.periods ?? [];
    expect(periods.map((p) => [p.start, p.partial])).toEqual([
      ["2025-10-01", true],
      ["2026-01-01", false],
      ["2026-04-01", false],
      ["2026-07-01", false],
      ["2026-10-01", true],
    ]);
    expect(periods[0]?.covered).toEqual({ start: "2025-11-01", end: "2026-01-01", days: 61, periodDays: 92 });
    expect(periods[4]?.covered).toEqual({ start: "2026-10-01", end: "2026-12-31", days: 91, periodDays: 92 });
    expect(periods[1]?.covered).toBeUndefined();
  });

  it("creates, refuses a duplicate, deletes", async () => {
    const store = new MockBudgetStore(account, { today });
    const created = await store.create(input("lambda-monthly"));
    expect(created.timePeriod).toEqual({ start: "2026-11-01", end: "2087-06-15" });
    expect(created.actualSpend?.amount).toBe(await costOf({ services: [SERVICES.lambda] }, "2026-11-01", TODAY));
    await expect(store.create(input("lambda-monthly"))).rejects.toBeInstanceOf(DuplicateBudgetError);
    await expect(store.create(input("account-monthly"))).rejects.toBeInstanceOf(DuplicateBudgetError);
    expect((await store.get("lambda-monthly"))?.limit).toEqual({ amount: "500", unit: "USD" });
    expect(await store.delete("lambda-monthly")).toBe(true);
    expect(await store.delete("lambda-monthly")).toBe(false);
    expect(await store.get("lambda-monthly")).toBeUndefined();
    expect(await store.delete("account-monthly")).toBe(true);
    expect((await store.list()).map((b) => b.name)).toEqual(SEEDED.slice(1));
  });

  it("works from memory, with a warning, when Redis fails; never throws because of it", async () => {
    const failing = {
      status: "ready",
      hgetall: () => Promise.reject(new Error("READONLY")),
      hsetnx: () => Promise.reject(new Error("READONLY")),
      hset: () => Promise.reject(new Error("READONLY")),
      hdel: () => Promise.reject(new Error("READONLY")),
    } as unknown as Redis;
    const { seen, logger } = warnings();
    const store = new MockBudgetStore(account, { today, redis: failing, logger });
    await store.create(input("kept-in-memory"));
    expect(await store.delete("account-monthly")).toBe(true);
    expect((await store.list()).map((b) => b.name)).toContain("kept-in-memory");
    expect(seen.length).toBeGreaterThan(0);

    const notReady = new Redis("redis://127.0.0.1:1", { lazyConnect: true });
    const offline = new MockBudgetStore(account, { today, redis: notReady });
    await offline.create(input("offline"));
    expect(await offline.get("offline")).toBeDefined();
    notReady.disconnect();
  });
});

describe.skipIf(!url)("MockBudgetStore persistence (real Redis)", () => {
  const clients: Redis[] = [];
  const connect = async () => {
    const client = new Redis(url as string);
    clients.push(client);
    await client.ping();
    return client;
  };

  beforeEach(async () => {
    await flush(url as string);
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) await client.quit();
  });

  it("budgets created and deleted survive a restart", async () => {
    const first = new MockBudgetStore(account, { today, redis: await connect() });
    await first.create(input("lambda-monthly"));
    await first.delete("prod-quarterly");

    const raw = await (await connect()).hgetall(MOCK_BUDGETS_KEY);
    expect(JSON.parse(raw["lambda-monthly"] ?? "{}")).toMatchObject({ name: "lambda-monthly", limit: { amount: "500" } });

    const restarted = new MockBudgetStore(new SyntheticAccount({ today, prices: mockAwsPrices() }), { today, redis: await connect() });
    const names = (await restarted.list()).map((b) => b.name);
    expect(names).toContain("lambda-monthly");
    expect(names).not.toContain("prod-quarterly");
    expect((await restarted.get("lambda-monthly"))?.actualSpend).toEqual((await first.get("lambda-monthly"))?.actualSpend);
    await expect(restarted.create(input("lambda-monthly"))).rejects.toBeInstanceOf(DuplicateBudgetError);

    // A seeded budget deleted and created again is the created one after a restart.
    await restarted.create({ ...input("prod-quarterly"), timeUnit: "QUARTERLY" });
    expect(await restarted.delete("lambda-monthly")).toBe(true);
    const third = new MockBudgetStore(account, { today, redis: await connect() });
    const again = await third.get("prod-quarterly");
    expect(again?.filters).toEqual({ services: [SERVICES.lambda] });
    expect(await third.get("lambda-monthly")).toBeUndefined();
  });

  it("a name created by another store over the same Redis is a duplicate", async () => {
    const a = new MockBudgetStore(account, { today, redis: await connect() });
    const b = new MockBudgetStore(account, { today, redis: await connect() });
    await a.list();
    await b.list();
    await a.create(input("shared"));
    await expect(b.create(input("shared"))).rejects.toBeInstanceOf(DuplicateBudgetError);
    expect(await b.get("shared")).toBeDefined();
  });
});
