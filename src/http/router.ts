import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./env.ts";
import { validationError } from "./problem.ts";

/**
 * Every router is made here so that every route validates the same way: a failed schema becomes
 * one 400 problem naming each bad parameter.
 */
export function createRouter() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw validationError(result.error, result.target);
    },
  });
}
