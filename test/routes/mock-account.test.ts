import Big from "big.js";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { mockServices, realTables, silentLogger } from "../helpers/app.ts";

/**
 * Mock mode, through the routes: a dashboard's whole day, from the synthetic account alone, on several
 * days of the month (the first, when the period has no history yet, the second, the middle, the last).
 */
type Budget = { name: string; timeUnit: string; filters: { services?: string[]; tags?: Record<string, string[]> }; actualSpend: { amount: string }; limit?: { amount: string } };

describe.each(["2026-11-01", "2026-11-02", "2026-11-22", "2026-11-30", "2026-12-31"])("mock mode on %s: costs, forecasts, budgets agree", (TODAY) => {
  const app = createApp(mockServices(realTables(), {}, silentLogger, () => new Date(`${TODAY}T09:00:00Z`)));
  const monthStart = `${TODAY.slice(0, 7)}-01`;
  const monthEnd = TODAY.slice(5, 7) === "12" ? `${Number(TODAY.slice(0, 4)) + 1}-01-01` : `${TODAY.slice(0, 5)}${String(Number(TODAY.slice(5, 7)) + 1).padStart(2, "0")}-01`;
  const get = async <T>(path: string) => {
    const res = await app.request(path);
    expect(res.status, path).toBe(200);
    return (await res.json()) as T;
  };

  it("every budget's actual spend equals the cost of its filter over its period to date", async () => {
    const { budgets, source } = await get<{ budgets: Budget[]; source: string }>("/v1/budgets/aws");
    expect(source).toBe("mock");
    expect(budgets.length).toBeGreaterThanOrEqual(4);
    for (const b of budgets.filter((x) => x.timeUnit === "MONTHLY")) {
      // On the first of the month nothing has been spent in the period yet.
      if (TODAY === monthStart) {
        expect(new Big(b.actualSpend.amount).eq(0), b.name).toBe(true);
        continue;
      }
      const params = new URLSearchParams({ start: monthStart, end: TODAY, granularity: "MONTHLY" });
      for (const s of b.filters.services ?? []) params.append("service", s);
      if (b.filters.tags) continue; // tag filters are not query parameters of /v1/costs/aws
      const costs = await get<{ total: { amount: string }; source: string }>(`/v1/costs/aws?${params}`);
      expect(costs.source).toBe("mock");
      expect(new Big(costs.total.amount).eq(b.actualSpend.amount), b.name).toBe(true);
    }
  });

  it("history, projection, summary and forecast answer from the same account, each saying so", async () => {
    const { budgets } = await get<{ budgets: Budget[] }>("/v1/budgets/aws");
    const name = budgets[0]?.name as string;
    const one = await get<{ name: string; source: string; asOf: string }>(`/v1/budgets/aws/${name}`);
    expect(one).toMatchObject({ name, source: "mock", asOf: `${TODAY}T09:00:00.000Z` });
    const history = await get<{ periods: Array<{ actual: { amount: string } }>; source: string; asOf: string }>(`/v1/budgets/aws/${name}/history?start=2026-01-01&end=${TODAY}`);
    expect(history.periods.length).toBeGreaterThanOrEqual(10);
    expect(history.source).toBe("mock");
    const projection = await get<{ actualToDate: { amount: string }; breach: { status: string }; source: string }>(`/v1/budgets/aws/${name}/projection`);
    expect(new Big(projection.actualToDate.amount).eq(budgets[0]?.actualSpend.amount ?? "x")).toBe(true);
    expect(projection.source).toBe("mock");
    const summary = await get<{ monthToDate: { total: { amount: string } }; lastMonth: { total: { amount: string }; topServices: unknown[] }; source: string }>("/v1/costs/aws/summary");
    expect(summary.lastMonth.topServices).toHaveLength(5);
    expect(summary.source).toBe("mock");
    const forecast = await get<{ available: boolean; source: string }>(`/v1/costs/aws/forecast?start=${TODAY}&end=${monthEnd}`);
    expect(forecast).toMatchObject({ available: true, source: "mock" });
  });

  it("a budget created in mock mode is stored and listed; a duplicate of it answers 200", async () => {
    const body = JSON.stringify({ name: `mock-created-${TODAY}`, limit: { amount: "1000", unit: "USD" }, filters: { services: ["AWS Lambda"] } });
    const headers = { "content-type": "application/json" };
    expect((await app.request("/v1/budgets/aws", { method: "POST", body, headers })).status).toBe(201);
    const { budgets } = await get<{ budgets: Budget[] }>("/v1/budgets/aws");
    expect(budgets.map((b) => b.name)).toContain(`mock-created-${TODAY}`);
    expect((await app.request("/v1/budgets/aws", { method: "POST", body, headers })).status).toBe(200);
  });
});
