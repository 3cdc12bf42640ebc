import { AsyncLocalStorage } from "node:async_hooks";

/**
 * What every upstream call made on behalf of one request can see of it, without threading it through
 * every layer: whose request it is (the limiter gives callers turns) and how many upstream calls it may
 * still make (one request cannot fan out into hundreds of upstream calls). Set by the HTTP layer for
 * the request's whole async chain; absent for work nobody asked for (start-up, background refreshes
 * outside any request).
 */
export interface RequestContext {
  /** The caller: an API key id, or the client address when auth is off. */
  tenant: string;
  /** Upstream attempts this request may still make. */
  upstreamCalls: number;
}

export const requestContext = new AsyncLocalStorage<RequestContext>();
