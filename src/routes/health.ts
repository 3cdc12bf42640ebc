import { createRoute, z } from "@hono/zod-openapi";
import { createRouter } from "../http/router.ts";

const Health = z
  .object({
    status: z.literal("ok"),
    mode: z.enum(["live", "mock"]),
    version: z.string().openapi({ example: "0.1.0" }),
  })
  .openapi("Health");

const healthRoute = createRoute({
  method: "get",
  path: "/healthz",
  operationId: "getHealth",
  tags: ["operations"],
  summary: "Liveness: the process answers",
  responses: { 200: { description: "Alive", content: { "application/json": { schema: Health } } } },
});

export function healthRoutes(info: { mode: "live" | "mock"; version: string }) {
  return createRouter().openapi(healthRoute, (c) =>
    c.json({ status: "ok" as const, mode: info.mode, version: info.version }, 200),
  );
}
