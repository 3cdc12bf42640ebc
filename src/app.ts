import type { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "pino";
import type { IdempotencyStore } from "./budgets/idempotency.ts";
import type { Mode } from "./clouds/aws/mode.ts";
import type { CloudPlugin, ComposedCloud } from "./clouds/types.ts";
import type { Config } from "./config.ts";
import { ApiError, fromUpstream } from "./errors.ts";
import type { FallbackTables } from "./fallback/tables.ts";
import type { KeyRing } from "./http/auth.ts";
import type { AppEnv } from "./http/env.ts";
import { authenticate, observe } from "./http/middleware.ts";
import { problemJson } from "./http/problem.ts";
import type { InboundRateLimits } from "./http/rate-limit.ts";
import { createRouter } from "./http/router.ts";
import type { Metrics } from "./observability/metrics.ts";
import { openApiDocument } from "./openapi.ts";
import { UpstreamError } from "./resilience/guard.ts";
import { batchRoutes } from "./routes/batch.ts";
import { budgetRoutes } from "./routes/budgets.ts";
import { catalogRoutes } from "./routes/catalog.ts";
import { costRoutes } from "./routes/costs.ts";
import { docsRoutes } from "./routes/docs.ts";
import { compareRoutes } from "./routes/compare.ts";
import { estimateRoutes } from "./routes/estimates.ts";
import { instanceRoutes } from "./routes/instances.ts";
import { homeRoutes } from "./routes/home.ts";
import { uiRoutes } from "./ui/routes.ts";
import { estimatorsOf } from "./estimates/registry.ts";
import { operationsRoutes, type Readiness } from "./routes/operations.ts";
import { type PriceRoutesSchema, priceRoutes } from "./routes/prices.ts";
import type { AWS_SERVICE_DEFS } from "./clouds/aws/catalog.ts";
import type { AZURE_SERVICE_DEFS } from "./clouds/azure/catalog.ts";
import type { GCP_SERVICE_DEFS } from "./clouds/gcp/catalog.ts";

/** Everything a request may use, built once at the composition root (`services.ts`) and passed in. */
export interface AppServices {
  mode: Mode;
  modeReason: string;
  version: string;
  logger: Logger;
  requestLogger?: Logger;
  /** The clouds, and each one composed in this process's mode. */
  clouds: readonly CloudPlugin[];
  composed: ReadonlyMap<string, ComposedCloud>;
  tables: FallbackTables;
  metrics: Metrics;
  /** Undefined when requests are not authenticated (auth off, or mock mode without keys). */
  keyRing: KeyRing | undefined;
  rateLimits: InboundRateLimits;
  config: Config;
  readiness(): Readiness;
  idempotency: IdempotencyStore;
  /** Today, UTC (Cost Explorer's calendar). */
  today: () => string;
  now: () => Date;
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

export function createApp(services: AppServices): App {
  const app = createRouter();
  /** One renderer for every error: ours as problems, client HTTP errors as 400, the rest a logged 500. */
  const renderError = (error: Error, c: Context<AppEnv>): Response => {
    if (error instanceof ApiError) return problemJson(c, error);
    if (error instanceof HTTPException && error.status < 500) {
      return problemJson(c, new ApiError("invalid_request", error.message || "bad request"));
    }
    if (error instanceof UpstreamError) {
      services.logger.warn({ requestId: c.get("requestId"), api: error.api, kind: error.kind, code: error.code }, "upstream failure");
      return problemJson(c, fromUpstream(error));
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
      requestTimeoutMs: services.config.REQUEST_TIMEOUT_MS,
      maxUpstreamCallsPerRequest: services.config.MAX_UPSTREAM_CALLS_PER_REQUEST,
      onError: renderError,
    }),
  );
  if (services.config.CORS_ALLOWED_ORIGINS.length > 0) {
    app.use(
      "*",
      cors({
        origin: [...services.config.CORS_ALLOWED_ORIGINS],
        allowMethods: ["GET", "POST", "DELETE"],
        allowHeaders: ["authorization", "content-type", "idempotency-key", "x-request-id"],
        exposeHeaders: ["x-request-id", "retry-after", "ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"],
        maxAge: 600,
      }),
    );
  }
  app.use("/v1/*", authenticate({ keyRing: services.keyRing, rateLimits: services.rateLimits, logger: services.logger, onError: renderError }));
  const bodyLimits = { maxBytes: services.config.BODY_LIMIT_BYTES, timeoutMs: services.config.BODY_TIMEOUT_MS };
  app.use("/v1/*", async (c, next) => {
    c.set("bodyLimits", bodyLimits);
    await next();
  });

  const prices = (id: string) => {
    const composed = services.composed.get(id);
    if (!composed) throw new Error(`cloud ${id} is not composed`);
    return composed.prices;
  };
  const priceDeps = { clouds: services.clouds, prices, tables: services.tables };
  const estimateDeps = { clouds: services.clouds, prices, estimators: estimatorsOf(services.clouds, services.tables) };
  app
    .route("/", homeRoutes())
    .route(
      "/",
      operationsRoutes({
        mode: services.mode,
        modeReason: services.modeReason,
        version: services.version,
        metrics: services.metrics,
        metricsKeySha256: services.config.METRICS_KEY_SHA256,
        metricsPublic: services.config.METRICS_PUBLIC === "true",
        readiness: services.readiness,
        clouds: Object.fromEntries([...services.composed].map(([id, c]) => [id, c.status ?? { prices: c.origin }])),
      }),
    )
    .route("/", priceRoutes(priceDeps))
    .route("/", batchRoutes(priceDeps))
    .route("/", catalogRoutes(services.clouds, services.tables))
    .route("/", estimateRoutes(estimateDeps))
    .route("/", compareRoutes(estimateDeps))
    .route("/", instanceRoutes({ clouds: services.clouds, prices }));
  for (const cloud of services.clouds) {
    const composed = services.composed.get(cloud.id) as ComposedCloud;
    if (composed.costs) app.route("/", costRoutes(cloud, composed.costs, services.today));
    if (composed.budgets && composed.costs) {
      app.route(
        "/",
        budgetRoutes({ cloud: cloud.id, budgets: composed.budgets, costs: composed.costs, idempotency: services.idempotency, today: services.today, now: services.now }),
      );
    }
    for (const routes of composed.routes ?? []) app.route("/", routes);
  }
  app.route("/", docsRoutes());
  app.route("/", uiRoutes());

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

  // Routes are registered from the catalogues at run time; their types for the typed client come from
  // the service definitions and the route modules.
  return app as unknown as App;
}

type OperationsSchema = ReturnType<typeof operationsRoutes> extends OpenAPIHono<AppEnv, infer S> ? S : never;

/** The typed client's view of the app: the operations routes and the price routes made from the catalogues. */
export type App = OpenAPIHono<AppEnv, PriceRoutesSchema<"aws", typeof AWS_SERVICE_DEFS> & PriceRoutesSchema<"azure", typeof AZURE_SERVICE_DEFS> & PriceRoutesSchema<"gcp", typeof GCP_SERVICE_DEFS> & OperationsSchema>;
