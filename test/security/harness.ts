import { createHash } from "node:crypto";
import { expect } from "vitest";
import { SCOPES, createKey } from "../../src/http/auth.ts";
import { freePort } from "../helpers/redis.ts";
import { type PricebookProcess, startPricebook } from "../helpers/process.ts";
import { type RouteCall, routeCalls } from "../helpers/route-table.ts";

/** One key per scope, one with every scope, one that no configuration knows. */
export const KEYS = {
  ...Object.fromEntries(SCOPES.map((scope) => [scope, createKey(scope.replace(":", "-"), [scope])])),
  all: createKey("all-scopes", [...SCOPES]),
} as Record<string, { key: string; entry: { id: string; sha256: string; scopes: string[] } }>;
export const UNKNOWN_KEY = "pb_this-key-is-configured-nowhere-0123456789abcdef";

/** Every key and every key's hash: none may ever appear in a log line. */
export const SECRETS = [...Object.values(KEYS).flatMap((k) => [k.key, k.entry.sha256]), UNKNOWN_KEY, createHash("sha256").update(UNKNOWN_KEY).digest("hex")];

export const TODAY = new Date().toISOString().slice(0, 10);

export interface Target {
  name: "mock" | "live-aws-down";
  process: PricebookProcess;
  calls: RouteCall[];
}

/** Starts Pricebook with keys of every scope: mock mode, or live mode with every AWS endpoint refusing connections. */
export async function startTarget(name: Target["name"], extra: Record<string, string> = {}): Promise<Target> {
  const env: Record<string, string> = {
    PRICEBOOK_API_KEYS: JSON.stringify(Object.values(KEYS).map((k) => k.entry)),
    LOG_LEVEL: "info",
    PIPELINE_LOG_INTERVAL_MS: "0",
    ...extra,
  };
  if (name === "mock") env.PRICEBOOK_MODE = "mock";
  else {
    const closed = await freePort();
    Object.assign(env, {
      PRICEBOOK_MODE: "live",
      AWS_ENDPOINT_URL: `http://127.0.0.1:${closed}`,
      AWS_ACCESS_KEY_ID: "AKIAIOSFODNN7EXAMPLE",
      AWS_SECRET_ACCESS_KEY: "security-suite",
      AWS_REGION: "us-east-1",
      AWS_EC2_METADATA_DISABLED: "true",
      UPSTREAM_RETRIES: "0",
      UPSTREAM_ATTEMPT_TIMEOUT_MS: "500",
      UPSTREAM_DEADLINE_MS: "1500",
    });
  }
  const process = await startPricebook(env);
  const doc = (await (await fetch(`${process.base}/openapi.json`)).json()) as Parameters<typeof routeCalls>[0];
  return { name, process, calls: routeCalls(doc, TODAY) };
}

// Linear on any body: the earlier `at [^\n]*\(?[^\n]*:\d+:\d+` backtracked cubically and froze the
// worker on long error bodies (CI timed out in this suite).
const STACK = /\bat (?:[^\s()]+ )?\(?[^\s()]+:\d+:\d+\)?|node_modules|\/src\/|\.ts:\d+|\/work\/|\/home\/|\/root\//;

/** What every answer must be, whatever was sent: no 500, a problem for every error, nothing internal in it. */
export async function expectSafe(res: Response, what: string): Promise<string> {
  const body = await res.text();
  expect(res.status, `${what}: ${body.slice(0, 300)}`).not.toBe(500);
  if (res.status >= 500) expect([502, 503, 504], `${what}: ${body.slice(0, 300)}`).toContain(res.status);
  if (res.status === 503) expect(res.headers.get("retry-after"), what).toMatch(/^\d+$/);
  if (res.status >= 400 && res.status !== 499) expect(res.headers.get("content-type"), what).toBe("application/problem+json");
  expect(STACK.test(body), `${what} leaks internals: ${body.slice(0, 300)}`).toBe(false);
  return body;
}

/** No key, no hash, no stack in anything the process wrote. */
export function expectCleanLogs(target: Target): void {
  const out = target.process.output();
  for (const secret of SECRETS) expect(out.includes(secret), `${target.name} logged a key or its hash`).toBe(false);
}

export function request(target: Target, call: RouteCall, headers: Record<string, string> = {}, init: RequestInit = {}): Promise<Response> {
  return fetch(`${target.process.base}${call.url}`, {
    method: call.method,
    headers: { ...(call.body ? { "content-type": "application/json" } : {}), ...headers },
    ...(call.body ? { body: call.body } : {}),
    ...init,
  });
}

export const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
