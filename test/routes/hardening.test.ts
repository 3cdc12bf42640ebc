import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { createKey } from "../../src/http/auth.ts";
import { suspiciousKey } from "../../src/http/json-body.ts";
import { mockServices, realTables, silentLogger } from "../helpers/app.ts";

/** What a security and bad-input probe found (issue 10), each reproduced here. */
const TODAY = "2026-11-22";
const writer = createKey("writer", ["budgets:write"]);
const reader = createKey("reader", ["budgets:read", "budgets:write", "costs:read", "prices:read"]);
const app = createApp(
  mockServices(realTables(), { PRICEBOOK_API_KEYS: JSON.stringify([writer.entry, reader.entry]), BODY_TIMEOUT_MS: "200" }, silentLogger, () => new Date(`${TODAY}T09:00:00Z`)),
);
const as = (key: { key: string }, extra: Record<string, string> = {}) => ({ authorization: `Bearer ${key.key}`, ...extra });
const json = { "content-type": "application/json" };

async function post(path: string, body: RequestInit["body"], headers: Record<string, string>) {
  const res = await app.request(path, { method: "POST", body, headers });
  return { res, body: (await res.json()) as { code?: string; detail?: string; errors?: Array<{ parameter: string; message: string }> } & Record<string, unknown> };
}

const budget = (name: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ name, limit: { amount: "100", unit: "USD" }, ...extra });

describe("request bodies", () => {
  it("a wrong method is a 405 before the body's type is looked at", async () => {
    const res = await app.request("/v1/catalog", { method: "POST", body: "hi", headers: { ...as(reader), "content-type": "text/plain" } });
    expect(res.status).toBe(405);
    expect(res.headers.get("allow")).toBe("GET");
  });

  it("invalid UTF-8 is a 400, not text with replacement characters", async () => {
    const bytes = new Uint8Array([...new TextEncoder().encode('{"name":"caf'), 0xe9, ...new TextEncoder().encode('","limit":{"amount":"1","unit":"USD"}}')]);
    const { res, body } = await post("/v1/budgets/aws", bytes, { ...as(reader), ...json });
    expect(res.status).toBe(400);
    expect(body.errors?.[0]).toEqual({ parameter: "(body)", message: "is not valid UTF-8" });
  });

  it("duplicate keys are a 400 naming the key", async () => {
    const { res, body } = await post("/v1/budgets/aws", '{"name":"a","name":"b","limit":{"amount":"1","unit":"USD"}}', { ...as(reader), ...json });
    expect(res.status).toBe(400);
    expect(body.errors?.[0]?.message).toBe('the key "name" appears twice in one object');
  });

  it.each([
    ["__proto__", '{"name":"p","limit":{"amount":"1","unit":"USD"},"filters":{"tags":{"__proto__":["x"]}}}'],
    ["constructor", '{"name":"p","limit":{"amount":"1","unit":"USD"},"filters":{"tags":{"constructor":["x"]}}}'],
    ["prototype", '{"name":"p","type":"COST","timeUnit":"MONTHLY","plannedLimits":{"prototype":{"amount":"1","unit":"USD"}}}'],
  ])("%s as a key is a 400, not silently dropped", async (key, raw) => {
    const { res, body } = await post("/v1/budgets/aws", raw, { ...as(reader), ...json });
    expect(res.status).toBe(400);
    expect(body.errors?.[0]?.message).toBe(`"${key}" is not allowed as a key`);
  });

  it("a body that never finishes is a 408 within the body deadline, not a 504", async () => {
    const stream = new ReadableStream({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"name":"slow"'));
      },
    });
    const started = performance.now();
    const res = await app.request("/v1/budgets/aws", { method: "POST", body: stream, headers: { ...as(reader), ...json }, duplex: "half" } as RequestInit);
    expect(res.status).toBe(408);
    expect(((await res.json()) as { code: string }).code).toBe("body_timeout");
    expect(performance.now() - started).toBeLessThan(2000);
  });

  it("the key scanner tells duplicate keys from the same key in sibling objects, and reads escapes", () => {
    expect(suspiciousKey('{"a":1,"b":{"a":2},"c":[{"a":3},{"a":4}]}')).toBeUndefined();
    expect(suspiciousKey('{"a":1,"b":{"x":"\\"a\\"","x":2}}')).toEqual({ key: "x", kind: "duplicate" });
    expect(suspiciousKey('{"\\u005f_proto__":1}')).toEqual({ key: "__proto__", kind: "prototype" });
    expect(suspiciousKey('["__proto__", {"k": "constructor"}]')).toBeUndefined();
  });
});

describe("budget validation, as AWS would", () => {
  it("plannedLimits with no period is a 400", async () => {
    const { res, body } = await post("/v1/budgets/aws", JSON.stringify({ name: "empty-plan", plannedLimits: {} }), { ...as(reader), ...json });
    expect(res.status).toBe(400);
    expect(body.errors?.[0]).toMatchObject({ parameter: "plannedLimits", message: expect.stringContaining("at least one period") });
  });

  it("a planned limit keyed by a day that starts no period is a 400", async () => {
    const { res, body } = await post("/v1/budgets/aws", JSON.stringify({ name: "mid-month", plannedLimits: { "2026-12-15": { amount: "1", unit: "USD" } } }), { ...as(reader), ...json });
    expect(res.status).toBe(400);
    expect(body.errors?.[0]?.message).toContain("first day of a month, such as 2026-12-01");
  });

  it("an end before the start is a 400, also when the start is the current period's", async () => {
    const both = await post("/v1/budgets/aws", budget("backwards", { timePeriod: { start: "2026-12-01", end: "2026-11-01" } }), { ...as(reader), ...json });
    expect(both.res.status).toBe(400);
    const endOnly = await post("/v1/budgets/aws", budget("ended", { timePeriod: { end: "2026-10-01" } }), { ...as(reader), ...json });
    expect(endOnly.res.status).toBe(400);
    expect(endOnly.body.errors?.[0]).toMatchObject({ parameter: "timePeriod.end", message: expect.stringContaining("2026-11-01") });
  });
});

describe("a budgets:write-only key learns only what it sent", () => {
  it("a 409 says only that the name exists; a 200 and a replay echo the request, not the stored budget", async () => {
    // Seeded budget "account-monthly" exists with its own limit and filters.
    const conflict = await post("/v1/budgets/aws", budget("account-monthly"), { ...as(writer), ...json });
    expect(conflict.res.status).toBe(409);
    expect(conflict.body.detail).toBe('a budget named "account-monthly" already exists');
    const asReader = await post("/v1/budgets/aws", budget("account-monthly"), { ...as(reader), ...json });
    expect(asReader.body.detail).toContain("differs in: limit");

    const created = await post("/v1/budgets/aws", budget("writer-made"), { ...as(writer, { "idempotency-key": "w-1" }), ...json });
    expect(created.res.status).toBe(201);
    expect(created.body).not.toHaveProperty("actualSpend");
    expect(created.body).toMatchObject({ name: "writer-made", limit: { amount: "100", unit: "USD" }, exists: true });
    const replay = await post("/v1/budgets/aws", budget("writer-made"), { ...as(writer, { "idempotency-key": "w-1" }), ...json });
    expect(replay.res.headers.get("idempotent-replayed")).toBe("true");
    expect(replay.body).not.toHaveProperty("actualSpend");
  });
});

describe("mock cost grouping by tag", () => {
  it("TAG:constructor groups by the own tag only: every line item is untagged", async () => {
    const res = await app.request("/v1/costs/aws?start=2026-11-01&end=2026-11-03&groupBy=TAG:constructor", { headers: as(reader) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { periods: Array<{ groups: Array<{ keys: string[] }> }> };
    const keys = new Set(body.periods.flatMap((p) => p.groups.map((g) => g.keys[0])));
    expect([...keys]).toEqual(["constructor$"]);
  });
});

describe("smaller findings", () => {
  it("a repeated Authorization header is a 400", async () => {
    const headers = new Headers();
    headers.append("authorization", `Bearer ${reader.key}`);
    headers.append("authorization", `Bearer ${writer.key}`);
    const res = await app.request("/v1/catalog", { headers });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: Array<{ parameter: string }> }).errors[0]?.parameter).toBe("authorization");
  });

  it("failed authentications are limited per client address", async () => {
    const limited = createApp(mockServices(realTables(), { PRICEBOOK_API_KEYS: JSON.stringify([reader.entry]), RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: "3" }));
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await limited.request("/v1/catalog", { headers: { authorization: `Bearer pb_guess_${i}` } })).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    // A valid key still works: only failures are counted.
    expect((await limited.request("/v1/catalog", { headers: as(reader) })).status).toBe(200);
  });

  it("control characters in a query value are a 400 naming the parameter", async () => {
    const res = await app.request("/v1/costs/aws?start=2026-11-01&end=2026-11-20&service=EC2%00Compute", { headers: as(reader) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { errors: Array<{ parameter: string }> }).errors).toEqual([{ parameter: "service", message: expect.stringContaining("control characters") }]);
  });
});

describe("found by the security suite", () => {
  it("a cost filter named __proto__ is a 400, not a 500 (the alias table is read by own keys only)", async () => {
    const res = await app.request("/v1/costs/aws?start=2026-11-01&end=2026-11-20&service=__proto__", { headers: as(reader) });
    expect(res.status).toBe(400);
  });
});
