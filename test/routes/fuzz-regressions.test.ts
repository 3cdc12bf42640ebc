import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { mockServices, realTables, silentLogger } from "../helpers/app.ts";

/** What the route fuzzer found (test/fuzz), pinned as plain tests. */
const app = createApp(mockServices(realTables(), {}, silentLogger, () => new Date("2026-11-22T10:00:00Z")));
const post = (body: unknown) =>
  app.request("/v1/budgets/aws", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
const errorsOf = async (res: Response) => ((await res.json()) as { errors: Array<{ parameter: string; message: string }> }).errors;

describe("fuzz regressions", () => {
  it.each([".", "..", "bad\u0007bell", "lone\ud800surrogate", "x<script>alert(1)</script>"])("refuses the budget name %j", async (name) => {
    const res = await post({ name, limit: { amount: "100", unit: "USD" } });
    expect(res.status).toBe(400);
    expect((await errorsOf(res))[0]?.parameter).toBe("name");
  });

  it("says a wrong type is a wrong type, and a missing field is required", async () => {
    const wrong = await errorsOf(await post({ name: 5, limit: { amount: "100", unit: "USD" } }));
    expect(wrong[0]?.message).toContain("expected string");
    const missing = await errorsOf(await post({ limit: { amount: "100", unit: "USD" } }));
    expect(missing[0]).toEqual({ parameter: "name", message: "is required" });
  });

  it("bounds cost history at today: a far-future end is a 400, not a huge answer", async () => {
    const res = await app.request("/v1/costs/aws?start=2026-11-01&end=9999-12-31");
    expect(res.status).toBe(400);
    expect((await errorsOf(res))[0]).toMatchObject({ parameter: "end", message: expect.stringContaining("2026-11-23") });
  });

  it("bounds forecasts and budget history", async () => {
    expect((await app.request("/v1/costs/aws/forecast?start=9999-12-01&end=9999-12-31&granularity=DAILY")).status).toBe(400);
    expect((await app.request("/v1/budgets/aws/account-monthly/history?start=1000-01-01")).status).toBe(400);
  });

  it("a same-named budget with another time period is a conflict, not 'already existed as asked'", async () => {
    const body = { name: "period-check", limit: { amount: "100", unit: "USD" }, timePeriod: { start: "2026-11-01" } };
    expect((await post(body)).status).toBe(201);
    const res = await post({ ...body, timePeriod: { start: "2026-12-01" } });
    expect(res.status).toBe(409);
    expect(((await res.json()) as { detail: string }).detail).toContain("timePeriod.start");
  });
});
