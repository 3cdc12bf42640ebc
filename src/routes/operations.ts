import { timingSafeEqual } from "node:crypto";
import { z } from "@hono/zod-openapi";
import { ApiError } from "../errors.ts";
import { sha256Hex } from "../http/auth.ts";
import { defineRoute } from "../http/route.ts";
import { createRouter } from "../http/router.ts";
import type { Metrics } from "../observability/metrics.ts";

export interface Readiness {
  ready: boolean;
  status: "ready" | "shutting-down";
  mode: "live" | "mock";
  redis: string;
  breakers: Record<string, Record<string, string>>;
  fallbackTables: { files: number; loaded: number };
}

export interface OperationsDeps {
  mode: "live" | "mock";
  /** Why this mode: the credential probe's finding, or the setting. */
  modeReason: string;
  version: string;
  metrics: Metrics;
  metricsKeySha256: string | undefined;
  /** Whether /metrics and /readyz's details are open to anyone (METRICS_PUBLIC=true). */
  metricsPublic: boolean;
  readiness(): Readiness;
  /** Where each cloud's prices come from, and why when that is not the mode's source. */
  clouds?: Readonly<Record<string, { prices: "live" | "mock" | "fallback"; reason?: string | undefined }>>;
}

const Health = z
  .object({
    status: z.literal("ok"),
    mode: z.enum(["live", "mock"]),
    modeReason: z.string().openapi({ description: "Why this mode was chosen.", example: "PRICEBOOK_MODE=mock" }),
    version: z.string().openapi({ example: "0.1.0" }),
    clouds: z
      .record(
        z.string(),
        z.object({
          prices: z.enum(["live", "mock", "fallback"]).openapi({ description: "Where the cloud's prices come from: its live API, mock mode's tables, or the fallback tables because live mode cannot reach it" }),
          reason: z.string().optional().openapi({ description: "Why, when it is not the mode's own source" }),
        }),
      )
      .optional()
      .openapi({ description: "Each cloud's price source", example: { aws: { prices: "live" }, gcp: { prices: "fallback", reason: "GCP_API_KEY is not set: Google Cloud prices come from the fallback tables" } } }),
  })
  .openapi("Health");

const ReadinessSchema = z
  .object({
    ready: z.boolean(),
    status: z.enum(["ready", "shutting-down"]),
    mode: z.enum(["live", "mock"]).optional(),
    redis: z.string().optional().openapi({ description: "disabled, ready, or the connection's state", example: "ready" }),
    breakers: z.record(z.string(), z.record(z.string(), z.string())).optional().openapi({ example: { pricing: { "us-east-1": "closed" } } }),
    fallbackTables: z.object({ files: z.number().int(), loaded: z.number().int().openapi({ description: "Region tables read so far (the rest are read on first use)" }) }).optional(),
  })
  .openapi("Readiness", { description: "`ready` and `status` for anyone; the rest with the metrics key (or METRICS_PUBLIC=true)." });

const healthRoute = defineRoute({
  scope: "public",
  method: "get",
  path: "/healthz",
  operationId: "getHealth",
  tags: ["operations"],
  summary: "Liveness: the process answers, in which mode and why",
  responses: { 200: { description: "Alive", content: { "application/json": { schema: Health } } } },
});

const readyRoute = defineRoute({
  scope: "public",
  method: "get",
  path: "/readyz",
  operationId: "getReadiness",
  tags: ["operations"],
  summary: "Readiness: Redis, mode, breakers, fallback tables; 503 while shutting down",
  responses: {
    200: { description: "Ready", content: { "application/json": { schema: ReadinessSchema } } },
    503: { description: "Shutting down", content: { "application/json": { schema: ReadinessSchema } } },
  },
});

export function operationsRoutes(deps: OperationsDeps) {
  const metricsKey = deps.metricsKeySha256 ? Buffer.from(deps.metricsKeySha256, "hex") : undefined;
  /** The operator's view: with the metrics key, or when opened on purpose. */
  const operator = (authorization: string | undefined): boolean => {
    if (metricsKey) {
      const presented = /^Bearer\s+(\S{1,512})$/i.exec(authorization ?? "")?.[1];
      return presented !== undefined && timingSafeEqual(Buffer.from(sha256Hex(presented), "hex"), metricsKey);
    }
    return deps.metricsPublic;
  };
  const router = createRouter()
    .openapi(healthRoute, (c) =>
      c.json({ status: "ok" as const, mode: deps.mode, modeReason: deps.modeReason, version: deps.version, ...(deps.clouds ? { clouds: deps.clouds } : {}) }, 200),
    )
    .openapi(readyRoute, (c) => {
      const r = deps.readiness();
      // A load balancer needs only ready/status; breaker states and the rest are for the operator.
      const body = operator(c.req.header("authorization")) ? r : { ready: r.ready, status: r.status };
      return c.json(body, r.ready ? 200 : 503);
    });
  // Prometheus text, outside the OpenAPI document.
  // Prometheus text, outside the OpenAPI document. Closed by default: it shows the runtime's version
  // and every route's traffic.
  router.get("/metrics", async (c) => {
    if (!operator(c.req.header("authorization"))) {
      const how = metricsKey ? "send the metrics key: Authorization: Bearer <key>" : "set METRICS_KEY_SHA256 (npm run key:create prints one) or METRICS_PUBLIC=true";
      throw new ApiError("unauthorized", `/metrics needs the metrics key: ${how}`, { headers: { "www-authenticate": 'Bearer realm="pricebook-metrics"' } });
    }
    return c.body(await deps.metrics.registry.metrics(), 200, { "content-type": deps.metrics.registry.contentType });
  });
  return router;
}
