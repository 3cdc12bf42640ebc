import type { ApiKey, Scope } from "./auth.ts";
import type { BodyLimits } from "./json-body.ts";

/** What middleware leaves on the context for handlers and for the request log. */
export interface AppEnv {
  Variables: {
    requestId: string;
    /** The verified API key, when auth is on. */
    apiKey: ApiKey | undefined;
    /** Aborted when the client goes away or the request's deadline passes: passed to upstream calls. */
    signal: AbortSignal;
    /** Where the answer came from (live, cache, stale, fallback, mock), for the request log. */
    source: string | undefined;
    /** Set by authentication on /v1: checks a scope and charges its rate limit (routes call it). */
    authorize: ((scope: Scope, points?: number) => Promise<void>) | undefined;
    /** Whether a route checked its scope (a backstop for routes that declare none). */
    authorized: boolean | undefined;
    /** How large and how slow a request body may be (the settings). */
    bodyLimits: BodyLimits;
  };
}
