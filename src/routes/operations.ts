import { timingSafeEqual } from "node:crypto";
import { createRoute, z } from "@hono/zod-openapi";
import type { AccountProbe } from "../aws/account.ts";
import { ApiError } from "../errors.ts";
import { sha256Hex } from "../http/auth.ts";
import { createRouter } from "../http/router.ts";
import type { Metrics } from "../observability/metrics.ts";
import { authProblems, problemResponse } from "./schemas.ts";

export interface Readiness {
  ready: boolean;
  status: "ready" | "shutting-down";
  mode: "live" | "mock";
  redis: string;
  breakers: Record<string, Record<string, string>>;
  fallbackTables: { files: number; rows: number };
}

export interface OperationsDeps {
  mode: "live" | "mock";
  version: string;
  metrics: Metrics;
  metricsKeySha256: string | undefined;
  readiness(): Readiness;
  account: AccountProbe;
}

const Health = z
  .object({ status: z.literal("ok"), mode: z.enum(["live", "mock"]), version: z.string().openapi({ example: "0.1.0" }) })
  .openapi("Health");

const ReadinessSchema = z
  .object({
    ready: z.boolean(),
    status: z.enum(["ready", "shutting-down"]),
    mode: z.enum(["live", "mock"]),
    redis: z.string().openapi({ description: "disabled, ready, or the connection's state", example: "ready" }),
    breakers: z.record(z.string(), z.record(z.string(), z.string())).openapi({ example: { pricing: { "us-east-1": "closed" } } }),
    fallbackTables: z.object({ files: z.number().int(), rows: z.number().int() }),
  })
  .openapi("Readiness");

const AccountSchema = z
  .object({
    mock: z.boolean().openapi({ description: "true in mock mode: not a real account" }),
    mode: z.enum(["live", "mock"]),
    accountId: z.string().openapi({ example: "123456789012" }),
    arn: z.string(),
    apis: z.array(
      z.object({ api: z.string(), reachable: z.boolean(), latencyMs: z.number(), error: z.string().optional() }),
    ),
    checkedAt: z.string(),
  })
  .openapi("Account");

const healthRoute = createRoute({
  method: "get",
  path: "/healthz",
  operationId: "getHealth",
  tags: ["operations"],
  summary: "Liveness: the process answers",
  security: [],
  responses: { 200: { description: "Alive", content: { "application/json": { schema: Health } } } },
});

const readyRoute = createRoute({
  method: "get",
  path: "/readyz",
  operationId: "getReadiness",
  tags: ["operations"],
  summary: "Readiness: Redis, mode, breakers, fallback tables; 503 while shutting down",
  security: [],
  responses: {
    200: { description: "Ready", content: { "application/json": { schema: ReadinessSchema } } },
    503: { description: "Shutting down", content: { "application/json": { schema: ReadinessSchema } } },
  },
});

const accountRoute = createRoute({
  method: "get",
  path: "/v1/aws/account",
  operationId: "getAwsAccount",
  tags: ["account"],
  summary: "The AWS account Pricebook runs as (STS GetCallerIdentity) and each AWS API's reachability",
  description: "Needs the `costs:read` scope. In mock mode a clearly marked mock account (`mock: true`).",
  responses: {
    200: { description: "Account", content: { "application/json": { schema: AccountSchema } } },
    ...authProblems,
    400: problemResponse("Unknown query parameters are refused."),
    503: problemResponse("STS is unreachable."),
  },
});

export function operationsRoutes(deps: OperationsDeps) {
  const metricsKey = deps.metricsKeySha256 ? Buffer.from(deps.metricsKeySha256, "hex") : undefined;
  return createRouter()
    .openapi(healthRoute, (c) => c.json({ status: "ok" as const, mode: deps.mode, version: deps.version }, 200))
    .openapi(readyRoute, (c) => {
      const r = deps.readiness();
      return c.json(r, r.ready ? 200 : 503);
    })
    .openapi(accountRoute, async (c) => {
      try {
        return c.json(await deps.account.describe(c.get("signal")), 200);
      } catch (error) {
        if (error instanceof ApiError) throw error;
        throw new ApiError("upstream_unavailable", `AWS STS did not answer: ${(error as Error).name}`, {
          headers: { "retry-after": "30" },
          cause: error,
        });
      }
    })
    .get("/metrics", async (c) => {
      if (metricsKey) {
        const presented = /^Bearer\s+(\S+)$/i.exec(c.req.header("authorization") ?? "")?.[1];
        const ok = presented !== undefined && timingSafeEqual(Buffer.from(sha256Hex(presented), "hex"), metricsKey);
        if (!ok) {
          throw new ApiError("unauthorized", "/metrics needs the metrics key: Authorization: Bearer <key>", {
            headers: { "www-authenticate": 'Bearer realm="pricebook-metrics"' },
          });
        }
      }
      return c.body(await deps.metrics.registry.metrics(), 200, { "content-type": deps.metrics.registry.contentType });
    });
}
