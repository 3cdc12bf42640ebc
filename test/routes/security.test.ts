import { Writable } from "node:stream";
import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { createKey, sha256Hex } from "../../src/http/auth.ts";
import { createServices, StartupError } from "../../src/services.ts";
import { mockServices, realTables, withAwsPrices } from "../helpers/app.ts";

const reader = createKey("reco-engine", ["prices:read"]);
const writer = createKey("automation", ["budgets:read", "budgets:write", "costs:read"]);
const KEYS = JSON.stringify([reader.entry, writer.entry]);
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

function securedApp(env: Record<string, string> = {}, logger = pino({ level: "silent" })) {
  return createApp(mockServices(realTables(), { PRICEBOOK_API_KEYS: KEYS, ...env }, logger));
}

async function problem(res: Response, status: number, code: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const body = (await res.json()) as { code: string; detail: string; requestId: string; errors?: Array<{ parameter: string }> };
  expect(body.code).toBe(code);
  expect(body.requestId).toBe(res.headers.get("x-request-id"));
  return body;
}

const EKS = "/v1/prices/aws/eks?region=us-east-1";

describe("authentication and scopes", () => {
  const app = securedApp();

  it("401 without a key, with WWW-Authenticate", async () => {
    const res = await app.request(EKS);
    await problem(res, 401, "unauthorized");
    expect(res.headers.get("www-authenticate")).toContain("Bearer");
  });

  it("401 with a wrong key", async () => {
    await problem(await app.request(EKS, { headers: bearer(`${reader.key}x`) }), 401, "unauthorized");
    await problem(await app.request(EKS, { headers: { authorization: reader.key } }), 401, "unauthorized");
  });

  it("403 with a key that lacks the scope, naming it", async () => {
    const body = await problem(await app.request("/v1/aws/account", { headers: bearer(reader.key) }), 403, "forbidden");
    expect(body.detail).toContain("costs:read");
    await problem(await app.request(EKS, { headers: bearer(writer.key) }), 403, "forbidden");
  });

  it("200 with the right key, with RateLimit headers", async () => {
    const res = await app.request(EKS, { headers: bearer(reader.key) });
    expect(res.status).toBe(200);
    expect(res.headers.get("ratelimit-limit")).toBe("6000");
    expect(Number(res.headers.get("ratelimit-remaining"))).toBeLessThan(6000);
  });

  it("rejects a key in the query string, even a valid one", async () => {
    const body = await problem(await app.request(`${EKS}&api_key=${reader.key}`), 400, "invalid_request");
    expect(body.errors?.[0]?.parameter).toBe("api_key");
  });

  it("keeps health, readiness, the spec and the docs public; /metrics is closed by default", async () => {
    for (const path of ["/healthz", "/readyz", "/openapi.json", "/docs"]) {
      expect((await app.request(path)).status, path).toBe(200);
    }
    const closed = await problem(await app.request("/metrics"), 401, "unauthorized");
    expect(closed.detail).toContain("METRICS_KEY_SHA256");
    // Public readiness says only whether to send traffic: no breaker states, no Redis state.
    expect(await (await app.request("/readyz")).json()).toEqual({ ready: true, status: "ready" });
  });

  it("opens /metrics and readiness details with the metrics key, or on purpose with METRICS_PUBLIC", async () => {
    const metricsKey = "metrics-secret-key";
    const guarded = securedApp({ METRICS_KEY_SHA256: sha256Hex(metricsKey) });
    await problem(await guarded.request("/metrics"), 401, "unauthorized");
    await problem(await guarded.request("/metrics", { headers: bearer(reader.key) }), 401, "unauthorized");
    const res = await guarded.request("/metrics", { headers: bearer(metricsKey) });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain("pricebook_http_requests_total");
    expect(await (await guarded.request("/readyz", { headers: bearer(metricsKey) })).json()).toMatchObject({ mode: "mock", breakers: {} });
    const open = securedApp({ METRICS_PUBLIC: "true" });
    expect((await open.request("/metrics")).status).toBe(200);
  });
});

describe("secure defaults at start-up", () => {
  const deps = (env: Record<string, string>, mode: "live" | "mock") => ({
    config: loadConfig({ PRICEBOOK_MODE: mode, ...env }),
    logger: pino({ level: "silent" }),
    mode: { mode, reason: "test" } as const,
    tables: realTables(),
    version: "test",
    credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret" },
  });

  it("live mode without keys refuses to start", () => {
    expect(() => createServices(deps({}, "live"))).toThrow(StartupError);
    expect(() => createServices(deps({}, "live"))).toThrow(/PRICEBOOK_AUTH=off/);
  });

  it("live mode starts open only when auth is turned off explicitly, and says so", async () => {
    const services = createServices(deps({ PRICEBOOK_AUTH: "off" }, "live"));
    expect(services.authSummary).toContain("auth OFF (PRICEBOOK_AUTH=off)");
    await services.close();
  });

  it("mock mode without keys runs open and says so", () => {
    expect(createServices(deps({}, "mock")).authSummary).toMatch(/auth OFF: mock mode with no API keys/);
  });

  it("rejects a malformed key configuration, naming the field", () => {
    expect(() => createServices(deps({ PRICEBOOK_API_KEYS: '[{"id":"x","sha256":"abc","scopes":["prices:read"]}]' }, "mock"))).toThrow(/0\.sha256/);
    expect(() => createServices(deps({ PRICEBOOK_API_KEYS: '[{"id":"x","sha256":"' + "a".repeat(64) + '","scopes":["root"]}]' }, "mock"))).toThrow(/0\.scopes/);
  });
});

describe("per-key rate limits", () => {
  it("answers the N+1th request in the window with 429 and Retry-After; another key is unaffected", async () => {
    const other = createKey("other", ["prices:read"]);
    const app = createApp(mockServices(realTables(), { PRICEBOOK_API_KEYS: JSON.stringify([reader.entry, other.entry]), RATE_LIMIT_PRICES_PER_MINUTE: "3" }));
    for (let i = 0; i < 3; i++) expect((await app.request(EKS, { headers: bearer(reader.key) })).status).toBe(200);
    const limited = await app.request(EKS, { headers: bearer(reader.key) });
    await problem(limited, 429, "rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(limited.headers.get("ratelimit-remaining")).toBe("0");
    expect((await app.request(EKS, { headers: bearer(other.key) })).status).toBe(200);
  });
});

describe("one error shape everywhere", () => {
  const app = securedApp();
  const auth = bearer(reader.key);

  it("404 for unknown routes", async () => {
    await problem(await app.request("/nowhere"), 404, "not_found");
  });

  it("405 with Allow for a known path and the wrong method", async () => {
    const res = await app.request(EKS, { method: "DELETE", headers: auth });
    await problem(res, 405, "method_not_allowed");
    expect(res.headers.get("allow")).toBe("GET");
  });

  it("413 for a body over the limit", async () => {
    const small = securedApp({ BODY_LIMIT_BYTES: "100" });
    const res = await small.request("/v1/prices/batch", {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ queries: Array.from({ length: 20 }, () => ({ service: "eks", region: "us-east-1" })) }),
    });
    await problem(res, 413, "payload_too_large");
  });

  it("415 for a body that is not JSON", async () => {
    const res = await app.request("/v1/prices/batch", { method: "POST", headers: { ...auth, "content-type": "text/plain" }, body: "hi" });
    await problem(res, 415, "unsupported_media_type");
  });

  it("500 for an unexpected error: generic, logged with its stack, nothing leaked", async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _e, cb) => { lines.push(String(chunk)); cb(); } });
    const services = mockServices(realTables(), {}, pino({ level: "info" }, sink));
    const broken = withAwsPrices(services, () => () => Promise.reject(new TypeError("secret internals at /srv/app")));
    const res = await createApp(broken).request(EKS);
    const body = await problem(res, 500, "internal_error");
    expect(JSON.stringify(body)).not.toContain("secret internals");
    const logged = lines.find((l) => l.includes("unhandled error")) ?? "";
    expect(logged).toContain("secret internals");
    expect(logged).toContain("TypeError");
    expect(logged).toContain("stack");
  });

  it("504 when the request's own deadline passes, aborting the upstream work", async () => {
    const services = mockServices(realTables(), { REQUEST_TIMEOUT_MS: "50" });
    let aborted = false;
    const hanging = withAwsPrices(services, () => (_q, o) =>
      new Promise<never>((_, reject) => o?.signal?.addEventListener("abort", () => { aborted = true; reject(o.signal?.reason); })),
    );
    await problem(await createApp(hanging).request(EKS), 504, "request_timeout");
    expect(aborted).toBe(true);
  });
});

describe("request ids, headers and logs", () => {
  it("gives every request a random id of its own; a client's X-Request-Id is logged beside it, never used as ours", async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _e, cb) => { lines.push(String(chunk)); cb(); } });
    const app = securedApp({}, pino({ level: "info" }, sink));
    const ids = new Set<string>();
    for (let i = 0; i < 50; i++) ids.add((await app.request("/healthz")).headers.get("x-request-id") as string);
    expect(ids.size).toBe(50);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{32}$/);
    const res = await app.request("/healthz", { headers: { "x-request-id": "abc-123.xyz" } });
    const ours = res.headers.get("x-request-id");
    expect(ours).not.toBe("abc-123.xyz");
    await new Promise((r) => setTimeout(r, 20));
    const line = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.requestId === ours);
    expect(line?.clientRequestId).toBe("abc-123.xyz");
    await app.request("/healthz", { headers: { "x-request-id": "bad id <script>" } });
    await new Promise((r) => setTimeout(r, 20));
    expect(lines.join("")).not.toContain("<script>");
  });

  it("sends strict security headers on JSON", async () => {
    const res = await securedApp().request("/healthz");
    expect(res.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(res.headers.get("x-frame-options")).toBe("DENY");
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("logs one line per request with route pattern, status, key id and source, and no key material", async () => {
    const lines: string[] = [];
    const sink = new Writable({ write: (chunk, _e, cb) => { lines.push(String(chunk)); cb(); } });
    const app = securedApp({}, pino({ level: "info" }, sink));
    await app.request(EKS, { headers: bearer(reader.key) });
    await app.request(EKS, { headers: bearer(`${writer.key}`) });
    await app.request(EKS, { headers: bearer("pb_not_a_real_key") });
    const requests = lines.map((l) => JSON.parse(l)).filter((l) => l.msg === "request");
    expect(requests).toHaveLength(3);
    expect(requests[0]).toMatchObject({ method: "GET", route: "/v1/prices/aws/eks", status: 200, key: "reco-engine", source: "fallback" });
    const all = lines.join("\n");
    for (const secret of [reader.key, writer.key, reader.entry.sha256, writer.entry.sha256, "pb_not_a_real_key"]) expect(all).not.toContain(secret);
  });

  it("allows only listed origins when CORS is configured", async () => {
    const app = securedApp({ CORS_ALLOWED_ORIGINS: "https://dash.example.com" });
    const ok = await app.request(EKS, { method: "OPTIONS", headers: { origin: "https://dash.example.com", "access-control-request-method": "GET" } });
    expect(ok.headers.get("access-control-allow-origin")).toBe("https://dash.example.com");
    const other = await app.request(EKS, { method: "OPTIONS", headers: { origin: "https://evil.example.com", "access-control-request-method": "GET" } });
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
  });
});

describe("health, readiness and account", () => {
  it("readiness reports mode, Redis, breakers and tables (to the operator), and 503 while shutting down", async () => {
    const services = mockServices(realTables(), { METRICS_PUBLIC: "true" });
    const app = createApp(services);
    const ready = await app.request("/readyz");
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, status: "ready", mode: "mock", redis: "disabled", fallbackTables: { files: expect.any(Number), loaded: expect.any(Number) } });
    services.lifecycle.shuttingDown = true;
    const down = await app.request("/readyz");
    expect(down.status).toBe(503);
    expect(await down.json()).toMatchObject({ ready: false, status: "shutting-down" });
  });

  it("mock mode's account is clearly marked", async () => {
    const res = await createApp(mockServices()).request("/v1/aws/account");
    expect(await res.json()).toMatchObject({ mock: true, mode: "mock", accountId: "123456789012", apis: [] });
  });
});
