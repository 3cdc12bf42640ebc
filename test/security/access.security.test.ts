import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, expectCleanLogs, expectSafe, KEYS, request, startTarget, type Target, UNKNOWN_KEY } from "./harness.ts";

/**
 * The probe's access classes against real processes, driven by the route table (/openapi.json): a
 * route added tomorrow is covered by the same checks. Mock mode, and live mode with AWS refusing every
 * connection.
 */
const targets: Target[] = [];
beforeAll(async () => {
  // Failed authentications are limited per address: this suite makes many on purpose.
  const env = { RATE_LIMIT_AUTH_FAILURES_PER_MINUTE: "100000" };
  targets.push(await startTarget("mock", env), await startTarget("live-aws-down", env));
}, 60_000);
afterAll(() => {
  for (const t of targets) t.process.child.kill("SIGTERM");
});

const MALFORMED_AUTHORIZATION = [
  "Bearer",
  "Bearer ",
  "bearer",
  "Basic dXNlcjpwYXNz",
  "Bearer a b",
  `Bearer ${"x".repeat(600)}`,
  "Bearer \u00e9t\u00e9",
  "Token pb_abc",
  `Bearer ${UNKNOWN_KEY}`,
];

describe.each(["mock", "live-aws-down"] as const)("%s: the auth and scope matrix of every route", (name) => {
  const target = () => targets.find((t) => t.name === name) as Target;

  it("every /v1 route: no key 401, unknown key 401, a key without its scope 403, its scope never 401/403 nor 500", async () => {
    const calls = target().calls.filter((c) => c.template.startsWith("/v1/"));
    expect(calls.length).toBeGreaterThanOrEqual(15);
    for (const call of calls) {
      const what = `${name} ${call.method} ${call.template}`;
      expect((await request(target(), call)).status, `${what} without a key`).toBe(401);
      expect((await request(target(), call, bearer(UNKNOWN_KEY))).status, `${what} unknown key`).toBe(401);
      for (const [scope, key] of Object.entries(KEYS)) {
        if (scope === "all" || scope === call.scope) continue;
        const res = await request(target(), call, bearer(key.key));
        await expectSafe(res, `${what} as ${scope}`);
        expect(res.status, `${what} as ${scope}`).toBe(403);
      }
      const allowed = await request(target(), call, bearer((KEYS[call.scope] ?? (KEYS.all as { key: string })).key));
      await expectSafe(allowed, `${what} with ${call.scope}`);
      expect([401, 403], `${what} with ${call.scope}`).not.toContain(allowed.status);
    }
  });

  it("malformed Authorization headers are 400 or 401, never more", async () => {
    const call = target().calls.find((c) => c.template === "/v1/catalog");
    if (!call) throw new Error("no /v1/catalog in the route table");
    for (const header of MALFORMED_AUTHORIZATION) {
      const res = await request(target(), call, { authorization: header });
      await expectSafe(res, `authorization ${header.slice(0, 20)}`);
      expect([400, 401, 429]).toContain(res.status);
    }
  });

  it("a key in the query string is refused, even a valid one", async () => {
    const res = await fetch(`${target().process.base}/v1/catalog?api_key=${KEYS.all?.key}`);
    await expectSafe(res, "key in query");
    expect(res.status).toBe(400);
  });

  it("logs no key and no hash", () => {
    expectCleanLogs(target());
  });
});
