import type { OpenAPIHono } from "@hono/zod-openapi";
import { HTTPException } from "hono/http-exception";
import type { Logger } from "pino";
import type { Mode } from "./aws/mode.ts";
import { ApiError } from "./errors.ts";
import { problemJson } from "./http/problem.ts";
import { createRouter } from "./http/router.ts";
import { openApiDocument } from "./openapi.ts";
import type { PriceProvider } from "./pricing/provider.ts";
import { batchRoutes } from "./routes/batch.ts";
import { healthRoutes } from "./routes/health.ts";
import { priceRoutes } from "./routes/prices.ts";

/** Everything a request may use, built once at the composition root (`services.ts`) and passed in. */
export interface AppServices {
  mode: Mode;
  version: string;
  logger: Logger;
  prices: PriceProvider;
}

export function createApp(services: AppServices) {
  const app = createRouter()
    .route("/", healthRoutes({ mode: services.mode, version: services.version }))
    .route("/", priceRoutes(services.prices))
    .route("/", batchRoutes(services.prices));

  const spec = JSON.stringify(openApiDocument(app));
  app.get("/openapi.json", (c) => c.body(spec, 200, { "content-type": "application/json" }));

  app.notFound((c) =>
    problemJson(c, new ApiError("not_found", `no route for ${c.req.method} ${c.req.path}`)),
  );

  app.onError((error, c) => {
    if (error instanceof ApiError) return problemJson(c, error);
    if (error instanceof HTTPException && error.status < 500) {
      return problemJson(c, new ApiError("invalid_request", error.message || "bad request"));
    }
    services.logger.error({ err: error, method: c.req.method, path: c.req.path }, "unhandled error");
    return problemJson(c, new ApiError("internal_error", "an unexpected error occurred"));
  });

  return app;
}

export type App = ReturnType<typeof createApp>;
export type { OpenAPIHono };
