import Big from "big.js";
import { setupServer } from "msw/node";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createKey } from "../../src/http/auth.ts";
import { awsError, FakeBudgets, FakeCostExplorer, stsHandler } from "../fakes/billing-fake.ts";
import { type LiveHarness, liveApp, liveConfig } from "../helpers/live.ts";

/** Live Cost Explorer and Budgets through the routes: real SDK clients, msw on the wire. */
const ce = new FakeCostExplorer();
const budgets = new FakeBudgets();
const msw = setupServer(ce.handler(), budgets.handler(), stsHandler());
const TODAY = "2026-11-22";
const now = () => new Date(`${TODAY}T12:00:00Z`);
const reader = createKey("dashboard", ["costs:read", "budgets:read"]);
const writer = createKey("automation", ["budgets:read", "budgets:write"]);
let h: LiveHarness;

beforeAll(() => msw.listen({ onUnhandledFrame: "error" }));
afterAll(() => msw.close());
afterEach(async () => {
  await h?.close();
  ce.reset();
  budgets.reset();
  msw.resetHandlers();
});

function app(env: Record<string, string> = {}) {
  h = liveApp(liveConfig({ PRICEBOOK_AUTH: "on", PRICEBOOK_API_KEYS: JSON.stringify([reader.entry, writer.entry]), ...env }), undefined, now);
  return h.app;
}

const as = (key: { key: string }, extra: Record<string, string> = {}) => ({ headers: { authorization: `Bearer ${key.key}`, ...extra } });

type Report = {
  periods: Array<{ start: string; estimated: boolean; total: { amount: string }; groups: Array<{ keys: string[]; amount: { amount: string } }> }>;
  total: { amount: string; unit: string };
  source: string;
};

describe("GET /v1/costs/aws (live)", () => {
  it("follows every page, keeps two-key groups (untagged too), estimated flags and exact amounts", async () => {
    const a = app();
    ce.pageSize = 3;
    ce.estimatedFrom = "2026-11-20";
    const res = await a.request("/v1/costs/aws?start=2026-11-14&end=2026-11-21&granularity=DAILY&groupBy=SERVICE,TAG:Environment", as(reader));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Report;
    expect(body.periods).toHaveLength(7);
    expect(ce.callsTo("GetCostAndUsage")).toHaveLength(3);
    expect(ce.callsTo("GetCostAndUsage")[0]?.body.GroupBy).toEqual([{ Type: "DIMENSION", Key: "SERVICE" }, { Type: "TAG", Key: "Environment" }]);
    const first = body.periods[0];
    expect(first?.groups.map((g) => g.keys[1])).toContain("Environment$");
    // Canonical decimals: the value Cost Explorer sent, without its trailing zeros.
    expect(first?.groups[0]?.amount.amount).toMatch(/^\d+(\.\d*[1-9])?$/);
    const sum = first?.groups.reduce((acc, g) => acc.plus(g.amount.amount), new Big(0));
    expect(sum?.eq(first?.total.amount ?? "x")).toBe(true);
    expect(body.periods.map((p) => p.estimated)).toEqual([false, false, false, false, false, false, true]);
    expect(new Big(body.total.amount).eq(body.periods.reduce((acc, p) => acc.plus(p.total.amount), new Big(0)))).toBe(true);
    expect(body.source).toBe("live");
    // As of the injected clock, not the wall clock.
    expect((body as unknown as { asOf: string }).asOf).toBe(now().toISOString());
  });

  it("caches for 30 minutes, coalesces identical requests, and counts calls and their cost", async () => {
    const a = app();
    const path = "/v1/costs/aws?start=2026-10-01&end=2026-11-01&granularity=MONTHLY";
    const answers = await Promise.all(Array.from({ length: 20 }, () => a.request(path, as(reader))));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    const again = (await (await a.request(path, as(reader))).json()) as Report;
    expect(again.source).toBe("cache");
    expect(ce.callsTo("GetCostAndUsage")).toHaveLength(1);
    const counters = await h.services.metrics.snapshot();
    expect(counters.cost_explorer_requests_total?.total).toBe(1);
    expect(counters.cost_explorer_cost_usd_total?.total).toBe(0.01);
  });

  it.each([
    ["start=2026-11-10&end=2026-11-10", "end", "after start"],
    ["start=2025-09-01&end=2025-10-01", "start", "13 months"],
    ["start=2026-10-01&end=2026-10-02&granularity=HOURLY", "granularity", "14 days"],
    ["start=2026-11-01&end=2026-11-02&groupBy=SERVICE,REGION,USAGE_TYPE", "groupBy", "at most two"],
    ["start=2026-11-01&end=2026-11-02&groupBy=COLOUR", "groupBy", "TAG:<key>"],
    ["start=2026-11-01&end=2026-11-02&region=moon-1", "region", "region code"],
    ["start=2026-11-31&end=2026-12-02", "start", "YYYY-MM-DD"],
  ])("400 before asking AWS: %s", async (query, parameter, message) => {
    const res = await app().request(`/v1/costs/aws?${query}`, as(reader));
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: Array<{ parameter: string; message: string }> };
    expect(body.errors[0]).toMatchObject({ parameter, message: expect.stringContaining(message) });
    expect(ce.calls).toHaveLength(0);
  });

  it("needs costs:read", async () => {
    const res = await app().request("/v1/costs/aws?start=2026-11-01&end=2026-11-02", as(writer));
    expect(res.status).toBe(403);
  });
});

describe("forecast and summary (live)", () => {
  it("answers total and per-period mean with bounds", async () => {
    const res = await app().request("/v1/costs/aws/forecast?start=2026-11-22&end=2026-11-25&granularity=DAILY&predictionIntervalLevel=95", as(reader));
    const body = (await res.json()) as { available: boolean; total: { amount: string }; periods: Array<{ mean: unknown; lower: unknown; upper: unknown }> };
    expect(res.status).toBe(200);
    // One money shape everywhere: { amount, unit }, canonical decimals ("300.0000000000" from AWS is 300).
    expect(body).toMatchObject({ available: true, total: { amount: "300", unit: "USD" } });
    expect(body.periods[0]).toEqual(
      expect.objectContaining({ mean: { amount: "100", unit: "USD" }, lower: { amount: "80", unit: "USD" }, upper: { amount: "120", unit: "USD" } }),
    );
    expect(ce.callsTo("GetCostForecast")[0]?.body).toMatchObject({ Metric: "UNBLENDED_COST", PredictionIntervalLevel: 95, Granularity: "DAILY" });
  });

  it("a new account's DataUnavailableException is a 200 with available: false", async () => {
    ce.forecastUnavailable = true;
    const res = await app().request("/v1/costs/aws/forecast?start=2026-11-22&end=2026-12-01", as(reader));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ available: false, reason: expect.stringContaining("DataUnavailableException") });
  });

  it.each([
    ["start=2026-11-21&end=2026-12-01", "start"],
    ["start=2026-11-22&end=2027-03-01&granularity=DAILY", "end"],
    ["start=2026-11-22&end=2026-12-01&predictionIntervalLevel=50", "predictionIntervalLevel"],
  ])("400 for %s", async (query, parameter) => {
    const res = await app().request(`/v1/costs/aws/forecast?${query}`, as(reader));
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: Array<{ parameter: string }> }).errors[0]?.parameter).toBe(parameter);
  });

  it("summary: every window from one history request and one forecast", async () => {
    const res = await app().request("/v1/costs/aws/summary", as(reader));
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, { total: { amount: string }; topServices: unknown[] }> & { monthEndForecast: { available: boolean } };
    expect(body.yesterday?.topServices).toHaveLength(3);
    expect(new Big(body.last7Days?.total.amount ?? "0").gt(body.yesterday?.total.amount ?? "0")).toBe(true);
    expect(body.monthEndForecast.available).toBe(true);
    expect(ce.callsTo("GetCostAndUsage")).toHaveLength(1);
    expect(ce.callsTo("GetCostForecast")).toHaveLength(1);
  });
});

const existing = (name: string, extra: Record<string, unknown> = {}) => ({
  BudgetName: name,
  BudgetType: "COST",
  TimeUnit: "MONTHLY",
  BudgetLimit: { Amount: "100.0", Unit: "USD" },
  CalculatedSpend: {
    ActualSpend: { Amount: "604.4560000000000172803993336856365203857421875", Unit: "USD" },
    ForecastedSpend: { Amount: "2641.54800000000022919266484677791595458984375", Unit: "USD" },
  },
  TimePeriod: { Start: 1477958399, End: 3706473600 },
  CostFilters: { Service: ["Amazon Elastic Compute Cloud - Compute"] },
  ...extra,
});

const body = (name: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ name, type: "COST", timeUnit: "MONTHLY", limit: { amount: "100", unit: "USD" }, filters: { services: ["Amazon Elastic Compute Cloud - Compute"] }, ...extra });

const post = (a: LiveHarness["app"], json: string, key = writer, headers: Record<string, string> = {}, query = "") =>
  a.request(`/v1/budgets/aws${query}`, { method: "POST", body: json, headers: { authorization: `Bearer ${key.key}`, "content-type": "application/json", ...headers } });

describe("budgets (live)", () => {
  it("lists every page, keeps amounts exactly, reads legacy CostFilters", async () => {
    for (let i = 0; i < 5; i++) budgets.seed(existing(`b${i}`));
    budgets.pageSize = 2;
    const res = await app().request("/v1/budgets/aws", as(reader));
    const list = (await res.json()) as { budgets: Array<{ name: string; actualSpend: { amount: string }; filters: { services: string[] }; timePeriod: { end: string } }> };
    expect(list.budgets).toHaveLength(5);
    expect(budgets.callsTo("DescribeBudgets")).toHaveLength(3);
    expect(budgets.callsTo("DescribeBudgets")[0]?.body.AccountId).toBe("111122223333");
    expect(list.budgets[0]?.actualSpend.amount).toBe("604.4560000000000172803993336856365203857421875");
    expect(list.budgets[0]?.filters.services).toEqual(["Amazon Elastic Compute Cloud - Compute"]);
    expect(list.budgets[0]?.timePeriod.end).toBe("2087-06-15");
  });

  it("gets one, 404 for an unknown one, and its history", async () => {
    budgets.seed(existing("ec2"));
    const a = app();
    expect((await a.request("/v1/budgets/aws/ec2", as(reader))).status).toBe(200);
    expect((await a.request("/v1/budgets/aws/nope", as(reader))).status).toBe(404);
    const history = (await (await a.request("/v1/budgets/aws/ec2/history?start=2026-09-01&end=2026-11-01", as(reader))).json()) as { periods: Array<{ start: string; budgeted: { amount: string }; actual: { amount: string } }> };
    expect(history.periods).toEqual([
      { start: "2026-11-01", end: "2026-12-01", budgeted: { amount: "100", unit: "USD" }, actual: { amount: "50", unit: "USD" } },
      { start: "2026-12-01", end: "2027-01-01", budgeted: { amount: "100", unit: "USD" }, actual: { amount: "120.5", unit: "USD" } },
    ].map((p) => expect.objectContaining(p)));
  });

  it("creates: 201, sent as FilterExpression with the account id; needs budgets:write", async () => {
    const a = app();
    expect((await post(a, body("new"), reader)).status).toBe(403);
    const res = await post(a, body("new"));
    expect(res.status).toBe(201);
    expect(budgets.callsTo("CreateBudget")).toHaveLength(1);
    expect(budgets.callsTo("CreateBudget")[0]?.body).toMatchObject({
      AccountId: "111122223333",
      Budget: { BudgetName: "new", BudgetType: "COST", TimeUnit: "MONTHLY", BudgetLimit: { Amount: "100", Unit: "USD" }, FilterExpression: { Dimensions: { Key: "SERVICE", Values: ["Amazon Elastic Compute Cloud - Compute"] } } },
    });
  });

  it("dryRun validates and calls nothing", async () => {
    const res = await post(app(), body("dry"), writer, {}, "?dryRun=true");
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ dryRun: true, wouldCreate: { name: "dry" } });
    expect(budgets.calls).toHaveLength(0);
  });

  it.each([
    ["a name with ':'", body("a:b"), "name"],
    ["a name over 100 characters", body("x".repeat(101)), "name"],
    ["limit and planned limits", body("both", { plannedLimits: { "2026-12-01": { amount: "10", unit: "USD" } } }), "plannedLimits"],
    ["no limit", JSON.stringify({ name: "none", type: "COST", timeUnit: "MONTHLY" }), "limit"],
    ["an unknown time unit", body("tu", { timeUnit: "WEEKLY" }), "timeUnit"],
    ["a bad email subscriber", body("mail", { notifications: [{ type: "ACTUAL", threshold: 80, subscribers: [{ type: "EMAIL", address: "not-an-email" }] }] }), "notifications.0.subscribers.0.address"],
  ])("400 for %s, naming the field", async (_label, json, parameter) => {
    const res = await post(app(), json);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: Array<{ parameter: string }> }).errors.map((e) => e.parameter)).toContain(parameter);
    expect(budgets.calls).toHaveLength(0);
  });

  it("Idempotency-Key: same key and body → the first result, one CreateBudget; another body → 422", async () => {
    const a = app();
    const first = await post(a, body("idem"), writer, { "idempotency-key": "k-1" });
    const second = await post(a, body("idem"), writer, { "idempotency-key": "k-1" });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers.get("idempotent-replayed")).toBe("true");
    expect(await second.json()).toEqual(await first.json());
    expect(budgets.callsTo("CreateBudget")).toHaveLength(1);
    const other = await post(a, body("idem", { limit: { amount: "200", unit: "USD" } }), writer, { "idempotency-key": "k-1" });
    expect(other.status).toBe(422);
  });

  it("a duplicate that equals the request is a 200 with it; a different one a 409 naming the difference", async () => {
    budgets.seed(existing("dup"));
    const a = app();
    const same = await post(a, body("dup"));
    expect(same.status).toBe(200);
    const different = await post(a, body("dup", { limit: { amount: "250", unit: "USD" } }));
    expect(different.status).toBe(409);
    expect(((await different.json()) as { detail: string }).detail).toContain("limit (100 USD, asked 250 USD)");
  });

  it("CreationLimitExceededException → 409 with the reason, not retried", async () => {
    budgets.creationLimit = 0;
    const res = await post(app(), body("over"));
    expect(res.status).toBe(409);
    expect(((await res.json()) as { detail: string }).detail).toContain("limit on the number of budgets");
    expect(budgets.callsTo("CreateBudget")).toHaveLength(1);
  });

  it("a create that timed out after succeeding is resolved by reading back: one budget, no error", async () => {
    budgets.hangAfterCreate = true;
    const res = await post(app({ UPSTREAM_ATTEMPT_TIMEOUT_MS: "300", UPSTREAM_DEADLINE_MS: "2500" }), body("slow"), writer, { "idempotency-key": "slow-1" });
    expect([200, 201]).toContain(res.status);
    expect(budgets.budgets.has("slow")).toBe(true);
    expect([...budgets.budgets.keys()].filter((k) => k === "slow")).toHaveLength(1);
  });

  it("a create that timed out without happening is a 503 and frees the Idempotency-Key", async () => {
    budgets.hangBeforeCreate = true;
    const a = app({ UPSTREAM_ATTEMPT_TIMEOUT_MS: "300", UPSTREAM_DEADLINE_MS: "500", UPSTREAM_RETRIES: "0" });
    const res = await post(a, body("lost"), writer, { "idempotency-key": "lost-1" });
    expect(res.status).toBe(503);
    expect(budgets.budgets.has("lost")).toBe(false);
    const retry = await post(a, body("lost"), writer, { "idempotency-key": "lost-1" });
    expect(retry.status).toBe(201);
    expect(budgets.budgets.has("lost")).toBe(true);
  });

  it("a create whose read-back fails is outcome_unknown (503), keeps its key, and the retry reads back instead of creating twice", async () => {
    budgets.hangAfterCreate = true;
    budgets.failDescribe = 100;
    const a = app({ UPSTREAM_ATTEMPT_TIMEOUT_MS: "300", UPSTREAM_DEADLINE_MS: "1500", UPSTREAM_RETRIES: "0" });
    const res = await post(a, body("murky"), writer, { "idempotency-key": "murky-1" });
    expect(res.status).toBe(503);
    expect(((await res.json()) as { code: string }).code).toBe("outcome_unknown");
    expect(budgets.budgets.has("murky")).toBe(true);
    // AWS is readable again: the retry with the same key resolves the outcome by reading back.
    budgets.failDescribe = 0;
    const retry = await post(a, body("murky"), writer, { "idempotency-key": "murky-1" });
    expect(retry.status).toBe(201);
    expect(budgets.callsTo("CreateBudget")).toHaveLength(1);
    // And the key now replays that answer.
    const again = await post(a, body("murky"), writer, { "idempotency-key": "murky-1" });
    expect(again.status).toBe(201);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(budgets.callsTo("CreateBudget")).toHaveLength(1);
  });

  it("an unknown outcome that turns out not to have happened is created on the retry, once", async () => {
    budgets.hangBeforeCreate = true;
    budgets.failDescribe = 100;
    const a = app({ UPSTREAM_ATTEMPT_TIMEOUT_MS: "300", UPSTREAM_DEADLINE_MS: "1500", UPSTREAM_RETRIES: "0" });
    const res = await post(a, body("ghost"), writer, { "idempotency-key": "ghost-1" });
    expect(((await res.json()) as { code: string }).code).toBe("outcome_unknown");
    expect(budgets.budgets.has("ghost")).toBe(false);
    budgets.failDescribe = 0;
    const retry = await post(a, body("ghost"), writer, { "idempotency-key": "ghost-1" });
    expect(retry.status).toBe(201);
    expect(budgets.budgets.has("ghost")).toBe(true);
    expect(budgets.callsTo("CreateBudget")).toHaveLength(2);
  });

  it("deletes: 204, then 404", async () => {
    budgets.seed(existing("gone"));
    const a = app();
    expect((await a.request("/v1/budgets/aws/gone", { method: "DELETE", ...as(writer) })).status).toBe(204);
    expect((await a.request("/v1/budgets/aws/gone", { method: "DELETE", ...as(writer) })).status).toBe(404);
  });

  it("projection: actual to date from Cost Explorer, forecast to period end, % of limit, breach date", async () => {
    budgets.seed(existing("proj", { BudgetLimit: { Amount: "3000", Unit: "USD" } }));
    const res = await app().request("/v1/budgets/aws/proj/projection", as(reader));
    expect(res.status).toBe(200);
    const p = (await res.json()) as { period: { start: string; end: string }; actualToDate: { amount: string }; forecastToPeriodEnd: { amount: { amount: string } }; projectedTotal: { amount: string }; projectedPercentOfLimit: string; breach: { status: string; date?: string } };
    expect(p.period).toEqual({ start: "2026-11-01", end: "2026-12-01" });
    expect(p.forecastToPeriodEnd.amount.amount).toBe("900");
    expect(new Big(p.projectedTotal.amount).eq(new Big(p.actualToDate.amount).plus(900))).toBe(true);
    expect(p.projectedPercentOfLimit).toBe(new Big(p.projectedTotal.amount).times(100).div(3000).toFixed(2));
    expect(["breached", "projected", "none"]).toContain(p.breach.status);
    const filter = ce.callsTo("GetCostAndUsage")[0]?.body.Filter;
    expect(filter).toEqual({ Dimensions: { Key: "SERVICE", Values: ["Amazon Elastic Compute Cloud - Compute"] } });
  });

  it("AccessDenied from Budgets is a 502 naming AWS's error, not retried", async () => {
    const a = app();
    msw.use(stsHandler(), (await import("msw")).http.post(/^https:\/\/budgets\./, () => awsError("AccessDeniedException", "User is not authorized to perform: budgets:ViewBudget")));
    const res = await a.request("/v1/budgets/aws", as(reader));
    expect(res.status).toBe(502);
    expect(((await res.json()) as { detail: string }).detail).toContain("AccessDeniedException");
  });
});
