import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "pino";
import type { AccountProbe } from "./aws/account.ts";
import type { ResourceSource } from "./aws/run-rate.ts";
import type { Mode } from "./aws/mode.ts";
import type { Config } from "./config.ts";
import { ApiError } from "./errors.ts";
import type { KeyRing } from "./http/auth.ts";
import type { AppEnv } from "./http/env.ts";
import { authenticate, observe, requireJson } from "./http/middleware.ts";
import { problemJson } from "./http/problem.ts";
import type { InboundRateLimits } from "./http/rate-limit.ts";
import { createRouter } from "./http/router.ts";
import type { Metrics } from "./observability/metrics.ts";
import { openApiDocument } from "./openapi.ts";
import type { PriceProvider } from "./pricing/provider.ts";
import { UpstreamError } from "./resilience/guard.ts";
import type { IdempotencyStore } from "./budgets/idempotency.ts";
import type { BudgetSource } from "./domain/budgets.ts";
import type { CostSource } from "./domain/costs.ts";
import { batchRoutes } from "./routes/batch.ts";
import { budgetRoutes } from "./routes/budgets.ts";
import { costRoutes } from "./routes/costs.ts";
import { docsRoutes } from "./routes/docs.ts";
import { operationsRoutes, type Readiness } from "./routes/operations.ts";
import { priceRoutes } from "./routes/prices.ts";
import { resourceRoutes } from "./routes/resources.ts";

/** Everything a request may use, built once at the composition root (`services.ts`) and passed in. */
export interface AppServices {
  mode: Mode;
  version: string;
  logger: Logger;
  requestLogger?: Logger;
  prices: PriceProvider;
  metrics: Metrics;
  /** Undefined when requests are not authenticated (auth off, or mock mode without keys). */
  keyRing: KeyRing | undefined;
  rateLimits: InboundRateLimits;
  account: AccountProbe;
  http: Config["http"];
  metricsKeySha256: string | undefined;
  readiness(): Readiness;
  costs: CostSource;
  budgets: BudgetSource;
  resources: ResourceSource;
  idempotency: IdempotencyStore;
  /** Today, UTC (Cost Explorer's calendar). */
  today: () => string;
}

/** Methods allowed on a path, from the app's own routes: for 405 and its Allow header. */
function allowedMethods(routes: Array<{ method: string; path: string }>, path: string): string[] {
  const methods = new Set<string>();
  for (const r of routes) {
    if (r.method === "ALL" || r.path.includes("*")) continue;
    const pattern = new RegExp(`^${r.path.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/:[^/]+/g, "[^/]+")}$`);
    if (pattern.test(path)) methods.add(r.method);
  }
  return [...methods];
}

export function createApp(services: AppServices) {
  const app = createRouter();
  /** One renderer for every error: ours as problems, client HTTP errors as 400, the rest a logged 500. */
  const renderError = (error: Error, c: Context<AppEnv>): Response => {
    if (error instanceof ApiError) return problemJson(c, error);
    if (error instanceof HTTPException && error.status < 500) {
      return problemJson(c, new ApiError("invalid_request", error.message || "bad request"));
    }
    if (error instanceof UpstreamError) {
      services.logger.warn({ requestId: c.get("requestId"), api: error.api, kind: error.kind, code: error.code }, "upstream failure");
      // AWS refused what we sent (permissions, validation): a gateway error, not the caller's fault.
      if (error.kind === "client") {
        return problemJson(c, new ApiError("upstream_error", `AWS ${error.api} refused the request: ${error.code}`));
      }
      return problemJson(
        c,
        new ApiError("upstream_unavailable", `AWS ${error.api} is unavailable (${error.kind}); try again later`, { headers: { "retry-after": "30" } }),
      );
    }
    services.logger.error({ err: error, requestId: c.get("requestId"), method: c.req.method, path: c.req.path }, "unhandled error");
    return problemJson(c, new ApiError("internal_error", "an unexpected error occurred"));
  };
  app.use(
    "*",
    observe({
      logger: services.logger,
      ...(services.requestLogger ? { requestLogger: services.requestLogger } : {}),
      metrics: services.metrics,
      requestTimeoutMs: services.http.requestTimeoutMs,
      onError: renderError,
    }),
  );
  if (services.http.corsAllowedOrigins.length > 0) {
    app.use(
      "*",
      cors({
        origin: services.http.corsAllowedOrigins,
        allowMethods: ["GET", "POST", "DELETE"],
        allowHeaders: ["authorization", "content-type", "idempotency-key", "x-request-id"],
        exposeHeaders: ["x-request-id", "retry-after", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"],
        maxAge: 600,
      }),
    );
  }
  app.use("/v1/*", authenticate({ keyRing: services.keyRing, rateLimits: services.rateLimits }));
  const limitBody = bodyLimit({
    maxSize: services.http.bodyLimitBytes,
    onError: () => {
      throw new ApiError("payload_too_large", `request bodies are limited to ${services.http.bodyLimitBytes} bytes`);
    },
  });
  const json = requireJson();
  // Only requests with bodies pay for these (bodyLimit touches the WHATWG Request on every request).
  app.use("/v1/*", async (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    await json(c, async () => {
      await limitBody(c, next);
    });
  });

  const routes = app
    .route("/", operationsRoutes({
      mode: services.mode,
      version: services.version,
      metrics: services.metrics,
      metricsKeySha256: services.metricsKeySha256,
      readiness: services.readiness,
      account: services.account,
    }))
    .route("/", priceRoutes(services.prices))
    .route("/", batchRoutes(services.prices))
    .route("/", costRoutes(services.costs, services.today))
    .route("/", resourceRoutes(services.resources))
    .route("/", budgetRoutes({ budgets: services.budgets, costs: services.costs, idempotency: services.idempotency, today: services.today, source: services.mode }))
    .route("/", docsRoutes());

  app.openAPIRegistry.registerComponent("securitySchemes", "apiKey", {
    type: "http",
    scheme: "bearer",
    description: "An API key from `npm run key:create`, as `Authorization: Bearer <key>`. Scopes: prices:read, costs:read, budgets:read, budgets:write.",
  });
  const spec = JSON.stringify(openApiDocument(app));
  app.get("/openapi.json", (c) => c.body(spec, 200, { "content-type": "application/json" }));

  app.notFound((c) => {
    const allowed = allowedMethods(app.routes, c.req.path);
    if (allowed.length > 0) {
      return problemJson(
        c,
        new ApiError("method_not_allowed", `${c.req.method} is not allowed on ${c.req.path}; allowed: ${allowed.join(", ")}`, {
          headers: { allow: allowed.join(", ") },
        }),
      );
    }
    return problemJson(c, new ApiError("not_found", `no route for ${c.req.method} ${c.req.path}`));
  });

  app.onError(renderError);

  return routes;
}

export type App = ReturnType<typeof createApp>;
