import { randomFillSync } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context, MiddlewareHandler, Next } from "hono";
import type { Logger } from "pino";
import { ApiError } from "../errors.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { ApiKey, KeyRing, Scope } from "./auth.ts";
import type { AppEnv } from "./env.ts";
import { requestContext } from "../resilience/request-context.ts";
import type { InboundRateLimits } from "./rate-limit.ts";

type Handler = MiddlewareHandler<AppEnv>;

/**
 * A request header, read from Node's own parsed headers when the request came through
 * @hono/node-server: `c.req.header()` would build a WHATWG Headers object per request, which shows up
 * in profiles of the warm path.
 */
export function requestHeader(c: Context<AppEnv>, name: string): string | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (incoming) {
    const value = incoming.headers[name];
    return Array.isArray(value) ? value.join(", ") : value;
  }
  return c.req.header(name);
}

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:@-]{1,128}$/;

/**
 * Random request ids (128 bits, hex), cheaply: random bytes are drawn 4 KiB at a time and cut into
 * ids, so a request costs a slice and a hex conversion, not a system call. Random, not a counter: an id
 * says nothing about how many requests the service has answered.
 */
const POOL = Buffer.alloc(4096);
let poolOffset = POOL.length;
export function newRequestId(): string {
  if (poolOffset + 16 > POOL.length) {
    randomFillSync(POOL);
    poolOffset = 0;
  }
  const id = POOL.toString("hex", poolOffset, poolOffset + 16);
  poolOffset += 16;
  return id;
}

/**
 * Sets a response header. Through @hono/node-server it goes straight onto Node's ServerResponse
 * (merged into writeHead, where the handler's own headers win); elsewhere (app.request in tests) onto
 * the context. Either way no WHATWG Headers object is built for it on the warm path.
 */
export function setResponseHeader(c: Context<AppEnv>, name: string, value: string): void {
  const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
  if (outgoing && !outgoing.headersSent) outgoing.setHeader(name, value);
  else c.header(name, value);
}

/**
 * Fixed security headers, set once per response from a precomputed list. JSON needs no scripts,
 * styles or frames: the CSP denies everything; the docs pages set their own.
 */
const SECURITY_HEADERS: Array<[string, string]> = [
  ["content-security-policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"],
  ["x-content-type-options", "nosniff"],
  ["x-frame-options", "DENY"],
  ["referrer-policy", "no-referrer"],
  ["cross-origin-resource-policy", "same-origin"],
  ["cross-origin-opener-policy", "same-origin"],
  ["strict-transport-security", "max-age=15552000; includeSubDomains"],
];

export interface ObserveDeps {
  logger: Logger;
  metrics: Metrics;
  requestTimeoutMs: number;
  /** The app's error renderer, for errors that surface here (the request deadline). */
  onError: (error: Error, c: Context<AppEnv>) => Response;
  /** Where the one line per request goes (defaults to `logger`). */
  requestLogger?: Logger;
  /** Upstream attempts one request may make (a batch cannot fan out without bound). */
  maxUpstreamCallsPerRequest: number;
}

/**
 * The outermost middleware: request id (random; a client's X-Request-Id is logged beside it), the
 * request's deadline (aborts upstream work), security headers, one log line and the HTTP metrics.
 */
export function observe(deps: ObserveDeps): Handler {
  // The request line goes to its own logger: fixed, non-secret fields only, so it skips redaction.
  const requestLog = deps.requestLogger ?? deps.logger;
  return async (c, next) => {
    const started = performance.now();
    // Ours is always random; a client's own id (when well-formed) is logged beside it, never used as ours.
    const given = requestHeader(c, "x-request-id");
    const clientRequestId = given && CLIENT_REQUEST_ID.test(given) ? given : undefined;
    const requestId = newRequestId();
    c.set("requestId", requestId);
    // Headers set before the handler ride on the response as it is built: touching c.res.headers
    // afterwards would force @hono/node-server off its fast path.
    setResponseHeader(c, "x-request-id", requestId);
    for (const [name, value] of SECURITY_HEADERS) setResponseHeader(c, name, value);

    // One controller per request: aborted by the request's deadline or by the client going away.
    const controller = new AbortController();
    let fail: ((error: ApiError) => void) | undefined;
    const timedOut = new Promise<never>((_, reject) => {
      fail = reject;
    });
    const timer = setTimeout(() => {
      const error = new ApiError("request_timeout", `no answer within ${deps.requestTimeoutMs} ms`);
      controller.abort(error);
      fail?.(error);
    }, deps.requestTimeoutMs);
    const outgoing = (c.env as { outgoing?: ServerResponse } | undefined)?.outgoing;
    const onClose = () => {
      if (!outgoing?.writableFinished) controller.abort(new ApiError("client_closed_request", "the client closed the connection before the answer"));
    };
    if (outgoing) outgoing.once("close", onClose);
    else c.req.raw.signal.addEventListener("abort", () => controller.abort(new ApiError("client_closed_request", "the client closed the connection before the answer")), { once: true });
    c.set("signal", controller.signal);
    timedOut.catch(() => undefined);
    try {
      const context = { tenant: "anonymous", upstreamCalls: deps.maxUpstreamCallsPerRequest };
      await requestContext.run(context, () => Promise.race([next(), timedOut]));
    } catch (error) {
      c.res = deps.onError(error as Error, c);
    } finally {
      clearTimeout(timer);
    }
    if (!outgoing && !c.res.headers.has("x-request-id")) {
      // A response built outside the context (a problem): give it the same headers.
      c.res.headers.set("x-request-id", requestId);
      for (const [name, value] of SECURITY_HEADERS) if (!c.res.headers.has(name)) c.res.headers.set(name, value);
    }

    const route = c.req.routePath || "unmatched";
    const status = c.res.status;
    const seconds = (performance.now() - started) / 1000;
    deps.metrics.httpRequests.inc({ method: c.req.method, route, status });
    deps.metrics.httpDuration.observe({ method: c.req.method, route }, seconds);
    requestLog.info(
      {
        requestId,
        ...(clientRequestId ? { clientRequestId } : {}),
        method: c.req.method,
        route,
        status,
        ms: Math.round(seconds * 10_000) / 10,
        key: c.get("apiKey")?.id,
        source: c.get("source"),
      },
      "request",
    );
  };
}

/** Query parameters that look like credentials: a key in a URL ends up in logs and histories. */
const CREDENTIAL_PARAMS = ["api_key", "apikey", "apiKey", "key", "token", "access_token", "auth", "authorization"];
const CREDENTIAL_QUERY = new RegExp(`[?&](${CREDENTIAL_PARAMS.join("|")})(=|&|$)`);

export interface AuthDeps {
  /** Undefined when auth is off: requests are rate-limited by client address instead. */
  keyRing: KeyRing | undefined;
  rateLimits: InboundRateLimits;
  logger: Logger;
  /** The app's error renderer, for the backstop's 500. */
  onError: (error: Error, c: Context<AppEnv>) => Response;
}

function clientAddress(c: Context<AppEnv>): string {
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    return "unknown";
  }
}

/**
 * Bearer-key authentication for every /v1 route (401 before anything else), and the `authorize`
 * function each route's declared scope calls: 403 without the scope, 429 past the key's limit for it.
 * A /v1 route that answers without having checked a scope is a bug: it is logged and answered 500.
 */
export function authenticate(deps: AuthDeps): Handler {
  return async (c, next: Next) => {
    const url = c.req.url;
    const q = url.indexOf("?");
    const leaked = q >= 0 && CREDENTIAL_QUERY.test(url.slice(q)) ? CREDENTIAL_PARAMS.filter((name) => new URLSearchParams(url.slice(q + 1)).has(name)) : [];
    if (leaked.length > 0) {
      throw new ApiError("invalid_request", "API keys are accepted only in the Authorization header, never in the URL", {
        errors: leaked.map((parameter) => ({ parameter, message: "credentials must not be sent in the query string; use Authorization: Bearer <key>" })),
      });
    }

    const control = controlCharacters(url, q);
    if (control.length > 0) {
      throw new ApiError("invalid_request", "query values must not contain control characters", {
        errors: control.map((parameter) => ({ parameter, message: "must not contain control characters (%00-%1F, %7F)" })),
      });
    }

    let who: string;
    const key = deps.keyRing ? await verifyBearer(c, deps.keyRing, deps.rateLimits) : undefined;
    if (key) {
      c.set("apiKey", key);
      who = `key:${key.id}`;
    } else {
      who = `ip:${clientAddress(c)}`;
    }
    // The limiter gives upstream calls made for this caller their own turns.
    const context = requestContext.getStore();
    if (context) context.tenant = who;
    c.set("authorize", async (scope: Scope, points = 1) => {
      if (key && !key.scopes.has(scope)) {
        throw new ApiError("forbidden", `this key lacks the ${scope} scope needed for ${c.req.method} ${c.req.path}`);
      }
      const decision = await deps.rateLimits.consume(scope, who, points);
      const rateHeaders = {
        "ratelimit-limit": String(decision.limit),
        "ratelimit-remaining": String(decision.remaining),
        "ratelimit-reset": String(decision.resetSeconds),
      };
      if (!decision.allowed) {
        throw new ApiError("rate_limited", `more than ${decision.limit} ${scope} requests a minute for this key`, {
          headers: { ...rateHeaders, "retry-after": String(decision.resetSeconds) },
        });
      }
      for (const [name, value] of Object.entries(rateHeaders)) setResponseHeader(c, name, value);
      c.set("authorized", true);
    });
    await next();
    if (!c.get("authorized") && c.res.status < 400) {
      deps.logger.error({ method: c.req.method, route: c.req.routePath }, "a /v1 route answered without checking a scope");
      c.res = deps.onError(new ApiError("internal_error", "this route declares no access scope"), c);
    }
  };
}

/** The query parameters whose values hold control characters (percent-encoded: raw ones never get this far). */
function controlCharacters(url: string, q: number): string[] {
  if (q < 0 || !/%(?:[01][0-9a-f]|7f)/i.test(url.slice(q))) return [];
  const names = new Set<string>();
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is looked for
  for (const [name, value] of new URLSearchParams(url.slice(q + 1))) if (/[\x00-\x1f\x7f]/.test(value)) names.add(name.slice(0, 64));
  return [...names];
}

/** How many times the request carries an Authorization header (Node keeps only the first of repeats). */
function authorizationCount(c: Context<AppEnv>): number {
  const raw = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming?.rawHeaders;
  if (raw) {
    let n = 0;
    for (let i = 0; i < raw.length; i += 2) if ((raw[i] as string).toLowerCase() === "authorization") n++;
    return n;
  }
  // Without Node's raw headers (in-process requests), repeats arrive joined with commas.
  const value = c.req.header("authorization");
  return value === undefined ? 0 : value.split(",").length;
}

/**
 * The key in `Authorization: Bearer <key>`, verified; 400 for a repeated header, 401 when missing or
 * unknown. Failed attempts are counted per client address: past the limit they are answered 429.
 */
async function verifyBearer(c: Context<AppEnv>, keyRing: KeyRing, limits: InboundRateLimits): Promise<ApiKey> {
  if (authorizationCount(c) > 1) {
    throw new ApiError("invalid_request", "send exactly one Authorization header", {
      errors: [{ parameter: "authorization", message: "the header appears more than once" }],
    });
  }
  const header = requestHeader(c, "authorization") ?? "";
  const match = /^Bearer\s+(\S{1,512})$/i.exec(header);
  const key = match ? keyRing.verify(match[1] as string) : undefined;
  if (key) return key;
  const decision = await limits.consume("auth-failures", clientAddress(c));
  if (!decision.allowed) {
    throw new ApiError("rate_limited", `more than ${decision.limit} failed authentications a minute from this address`, {
      headers: { "retry-after": String(decision.resetSeconds) },
    });
  }
  if (!match) {
    throw new ApiError("unauthorized", "send an API key as Authorization: Bearer <key>", {
      headers: { "www-authenticate": 'Bearer realm="pricebook"' },
    });
  }
  throw new ApiError("unauthorized", "the API key is not valid", {
    headers: { "www-authenticate": 'Bearer realm="pricebook", error="invalid_token"' },
  });
}
