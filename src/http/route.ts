import { createRoute, type RouteConfig } from "@hono/zod-openapi";
import type { MiddlewareHandler } from "hono";
import { ApiError } from "../errors.ts";
import type { Scope } from "./auth.ts";
import type { AppEnv } from "./env.ts";
import { jsonBody } from "./json-body.ts";

/** What a route needs: a scope of the caller's API key, or nothing (public). */
export type Access = Scope | "public";

/** Checks the route's scope (403) and charges the key's rate limit for it (429), before validation. */
function requireScope(scope: Scope): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const authorize = c.get("authorize");
    if (!authorize) throw new ApiError("internal_error", `a ${scope} route is mounted outside the authenticated /v1 tree`);
    await authorize(scope);
    await next();
  };
}

/**
 * A route's contract with its access declared: `scope` is required, so no route can be defined
 * without saying who may call it. The scope becomes the operation's OpenAPI `security` (OpenAPI 3.1
 * allows role names for non-OAuth schemes) and a middleware that enforces it before validation.
 */
export function defineRoute<P extends string, R extends Omit<RouteConfig, "security" | "middleware" | "path"> & { path: P; scope: Access }>(config: R) {
  const { scope, ...route } = config;
  const security = scope === "public" ? [] : [{ apiKey: [scope] }];
  const middleware: MiddlewareHandler<AppEnv>[] = scope === "public" ? [] : [requireScope(scope)];
  // A declared body is read and checked here, after routing: a wrong method is a 405 before any 415.
  if (config.request?.body) middleware.push(jsonBody());
  return createRoute({ ...(route as Omit<R, "scope">), security, middleware });
}

/** A cloud's operation id: AWS keeps the historical names (getCosts), others are suffixed (getCostsAzure). */
export function cloudOperationId(cloud: string, name: string): string {
  return cloud === "aws" ? name : `${name}${cloud.charAt(0).toUpperCase()}${cloud.slice(1)}`;
}
