import Big from "big.js";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { mockServices, realTables, silentLogger } from "../helpers/app.ts";

/** Mock mode, through the routes: a dashboard's whole day, from the synthetic account alone. */
const TODAY = "2026-11-22";
const app = createApp(mockServices(realTables(), {}, silentLogger, () => new Date(`${TODAY}T09:00:00Z`)));

const get = async <T>(path: string) => {
  const res = await app.request(path);
  expect(res.status, path).toBe(200);
  return (await res.json()) as T;
};

type Budget = { name: string; timeUnit: string; filters: { services?: string[]; tags?: Record<string, string[]> }; actualSpend: { amount: string }; limit?: { amount: string } };

describe("mock mode: costs, forecasts, budgets agree", () => {
  it("every budget's actual spend equals the cost of its filter over its period to date", async () => {
    const { budgets } = await get<{ budgets: Budget[]; source: string }>("/v1/budgets/aws");
    expect(budgets.length).toBeGreaterThanOrEqual(4);
    for (const b of budgets.filter((x) => x.timeUnit === "MONTHLY")) {
      const params = new URLSearchParams({ start: "2026-11-01", end: TODAY, granularity: "MONTHLY" });
      for (const s of b.filters.services ?? []) params.append("service", s);
      if (b.filters.tags) continue; // tag filters are not query parameters of /v1/costs/aws
      const costs = await get<{ total: { amount: string }; source: string }>(`/v1/costs/aws?${params}`);
      expect(costs.source).toBe("mock");
      expect(new Big(costs.total.amount).eq(b.actualSpend.amount), b.name).toBe(true);
    }
  });

  it("history, projection, summary and forecast answer from the same account", async () => {
    const { budgets } = await get<{ budgets: Budget[] }>("/v1/budgets/aws");
    const name = budgets[0]?.name as string;
    const history = await get<{ periods: Array<{ actual: { amount: string } }> }>(`/v1/budgets/aws/${name}/history?start=2026-01-01&end=${TODAY}`);
    expect(history.periods.length).toBeGreaterThanOrEqual(10);
    const projection = await get<{ actualToDate: { amount: string }; breach: { status: string } }>(`/v1/budgets/aws/${name}/projection`);
    expect(new Big(projection.actualToDate.amount).eq(budgets[0]?.actualSpend.amount ?? "x")).toBe(true);
    const summary = await get<{ monthToDate: { total: { amount: string } }; lastMonth: { total: { amount: string }; topServices: unknown[] } }>("/v1/costs/aws/summary");
    expect(summary.lastMonth.topServices).toHaveLength(5);
    const forecast = await get<{ available: boolean; source: string }>(`/v1/costs/aws/forecast?start=${TODAY}&end=2026-12-01`);
    expect(forecast).toMatchObject({ available: true, source: "mock" });
  });

  it("a budget created in mock mode is stored and listed; a duplicate of it answers 200", async () => {
    const body = JSON.stringify({ name: "mock-created", limit: { amount: "1000", unit: "USD" }, filters: { services: ["AWS Lambda"] } });
    const headers = { "content-type": "application/json" };
    expect((await app.request("/v1/budgets/aws", { method: "POST", body, headers })).status).toBe(201);
    const { budgets } = await get<{ budgets: Budget[] }>("/v1/budgets/aws");
    expect(budgets.map((b) => b.name)).toContain("mock-created");
    expect((await app.request("/v1/budgets/aws", { method: "POST", body, headers })).status).toBe(200);
  });
});
