import type { ApiKey } from "./auth.ts";

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
  };
}
