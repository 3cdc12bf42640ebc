import { UpstreamError } from "./guard.ts";

export interface Page<T> {
  items: readonly T[];
  /** The next page's token, link or offset; undefined (or "") when this was the last page. */
  next: string | undefined;
}

export interface PaginateOptions<T> {
  /** The upstream API, for errors ("pricing", "azure-retail-prices", …). */
  api: string;
  region: string;
  /** Fetches one page: `token` undefined for the first. Each call is one guarded upstream call. */
  page(token: string | undefined): Promise<Page<T>>;
  /** A bound on pages: past it the listing fails loudly instead of returning a partial list. */
  maxPages: number;
}

/**
 * Every page of a paged upstream listing, in order. Fails with an `UpstreamError` of kind `malformed`
 * (never a partial list presented as complete) when the listing runs past `maxPages` or an upstream
 * hands back a token it already gave (a loop).
 */
export async function paginate<T>(options: PaginateOptions<T>): Promise<T[]> {
  const out: T[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (let n = 0; n < options.maxPages; n++) {
    const page = await options.page(token);
    out.push(...page.items);
    const next = page.next || undefined;
    if (next === undefined) return out;
    if (seen.has(next)) {
      throw new UpstreamError(options.api, options.region, "malformed", undefined, `${options.api} (${options.region}) returned the same page token twice: the listing loops`);
    }
    seen.add(next);
    token = next;
  }
  throw new UpstreamError(
    options.api,
    options.region,
    "malformed",
    undefined,
    `${options.api} (${options.region}) has more than ${options.maxPages} pages: stopped rather than answer a partial list as complete`,
  );
}

/**
 * A paged listing where every page is one call through `guard`: the SDK call gets the guard's
 * per-attempt signal, the token of the previous page, and answers the page's items and next token.
 */
export function guardedPages<T>(
  guard: { api: string; call<R>(region: string, fn: (signal: AbortSignal) => Promise<R>, caller?: AbortSignal): Promise<R> },
  region: string,
  caller: AbortSignal | undefined,
  fetch: (token: string | undefined, signal: AbortSignal) => Promise<{ items: readonly T[] | undefined; next: string | undefined }>,
  maxPages = 1000,
): Promise<T[]> {
  return paginate<T>({
    api: guard.api,
    region,
    maxPages,
    page: async (token) => {
      const page = await guard.call(region, (signal) => fetch(token, signal), caller);
      return { items: page.items ?? [], next: page.next };
    },
  });
}
