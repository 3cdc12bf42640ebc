import { fakeCatalogue, fakeServices } from "./gcp-skus.ts";

/**
 * A fake of the Cloud Billing Catalog API v1 (`GET /v1/services`, `GET /v1/services/{id}/skus`), used by
 * the msw handlers and by a loopback HTTP server for process tests. It checks the API key as Google
 * does (header or `key=` parameter; 403 PERMISSION_DENIED otherwise), pages with opaque
 * `nextPageToken`s (`pageSize` at most 5,000, capped further by `pageSize` here to exercise paging),
 * answers errors in Google's JSON shape, and can be switched into failure modes.
 */
export type GcpFakeMode = "healthy" | "throttle" | "error500" | "hang" | "malformed" | "malformed-page" | "token-loop";

export interface FakeResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface CatalogCall {
  path: string;
  serviceId: string | undefined;
  pageToken: string | undefined;
  pageSize: string | undefined;
  currencyCode: string | undefined;
  keyInUrl: boolean;
}

function googleError(status: number, code: string, message: string, headers: Record<string, string> = {}): FakeResponse {
  return { status, headers: { "content-type": "application/json; charset=UTF-8", ...headers }, body: JSON.stringify({ error: { code: status, message, status: code } }) };
}

export class FakeBillingCatalog {
  readonly apiKey: string;
  services = fakeServices();
  readonly skus: Record<string, unknown[]> = fakeCatalogue();
  readonly calls: CatalogCall[] = [];
  mode: GcpFakeMode = "healthy";
  /** Only the next N requests fail in `mode` (then healthy); undefined = every request. */
  failures: number | undefined;
  /** Only requests to these paths fail in `mode` (`"skus"`: SKU pages only); undefined = every path. */
  failOnly: "skus" | "services" | undefined;
  /** Retry-After (seconds) on 429. */
  retryAfterSeconds = 1;
  latencyMs = 0;
  /** Upper bound on page size, below the caller's pageSize, to exercise paging. */
  pageSize = 5000;
  aborted = 0;
  #epoch = 0;
  readonly #hung = new Set<() => void>();

  constructor(apiKey = "AIzaSyFakeKeyForPricebookTests_0123") {
    this.apiKey = apiKey;
  }

  reset(): void {
    this.calls.length = 0;
    this.mode = "healthy";
    this.failures = undefined;
    this.failOnly = undefined;
    this.retryAfterSeconds = 1;
    this.latencyMs = 0;
    this.pageSize = 5000;
    this.aborted = 0;
    this.services = fakeServices();
    this.#epoch++;
    this.releaseHung();
  }

  releaseHung(): void {
    for (const release of this.#hung) release();
    this.#hung.clear();
  }

  /** Calls for one service's SKUs. */
  skuCalls(serviceId: string): CatalogCall[] {
    return this.calls.filter((c) => c.serviceId === serviceId);
  }

  async #wait(signal: AbortSignal | undefined): Promise<void> {
    if (this.latencyMs <= 0) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, this.latencyMs);
      signal?.addEventListener(
        "abort",
        () => {
          clearTimeout(timer);
          this.aborted++;
          resolve();
        },
        { once: true },
      );
    });
  }

  #page<T>(items: readonly T[], params: URLSearchParams, max: number, loop: boolean): { page: T[]; next: string | undefined } | FakeResponse {
    const asked = Number(params.get("pageSize") ?? "5000");
    if (!Number.isInteger(asked) || asked < 1 || asked > 5000) return googleError(400, "INVALID_ARGUMENT", "page_size must be between 1 and 5000");
    const size = Math.min(asked, max);
    let offset = 0;
    const token = params.get("pageToken");
    if (token) {
      try {
        const t = JSON.parse(Buffer.from(token, "base64url").toString("utf8")) as { o: number; e: number };
        if (t.e !== this.#epoch) return googleError(400, "INVALID_ARGUMENT", "Invalid page token.");
        offset = t.o;
      } catch {
        return googleError(400, "INVALID_ARGUMENT", "Invalid page token.");
      }
    }
    const page = items.slice(offset, offset + size);
    const nextOffset = loop ? size : offset + size;
    const next = nextOffset < items.length || loop ? Buffer.from(JSON.stringify({ o: nextOffset, e: this.#epoch })).toString("base64url") : undefined;
    return { page, next };
  }

  async handle(url: URL, headers: { get(name: string): string | null }, signal?: AbortSignal): Promise<FakeResponse> {
    const params = url.searchParams;
    const skusPath = /^\/v1\/services\/([^/]+)\/skus$/.exec(url.pathname);
    const call: CatalogCall = {
      path: url.pathname,
      serviceId: skusPath ? decodeURIComponent(skusPath[1] as string) : undefined,
      pageToken: params.get("pageToken") ?? undefined,
      pageSize: params.get("pageSize") ?? undefined,
      currencyCode: params.get("currencyCode") ?? undefined,
      keyInUrl: params.has("key"),
    };
    this.calls.push(call);
    const key = headers.get("x-goog-api-key") ?? params.get("key");
    if (key !== this.apiKey) return googleError(403, "PERMISSION_DENIED", "The request is missing a valid API key.");
    await this.#wait(signal);
    const targeted = this.failOnly === undefined || (this.failOnly === "skus") === (skusPath !== null);
    const failing = targeted && this.mode !== "healthy" && this.mode !== "token-loop" && (this.failures === undefined || this.failures > 0);
    if (failing && this.failures !== undefined) this.failures--;
    if (failing) {
      switch (this.mode) {
        case "throttle":
          return googleError(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Read requests' of service 'cloudbilling.googleapis.com'.", { "retry-after": String(this.retryAfterSeconds) });
        case "error500":
          return googleError(500, "INTERNAL", "Internal error encountered.");
        case "hang":
          await new Promise<void>((resolve) => {
            this.#hung.add(resolve);
            signal?.addEventListener("abort", () => resolve(), { once: true });
          });
          return googleError(503, "UNAVAILABLE", "connection dropped");
        case "malformed":
          return { status: 200, headers: { "content-type": "application/json" }, body: '{"skus": [{"name": "services/6F81' };
        case "malformed-page":
          return { status: 200, headers: { "content-type": "application/json" }, body: JSON.stringify({ skus: "not a list", nextPageToken: 7 }) };
        default:
          break;
      }
    }
    if (url.pathname === "/v1/services") {
      const paged = this.#page(this.services, params, this.pageSize, targeted && this.mode === "token-loop");
      if ("status" in paged) return paged;
      return this.#json({ services: paged.page, ...(paged.next ? { nextPageToken: paged.next } : {}) });
    }
    if (skusPath) {
      if (params.get("currencyCode") && params.get("currencyCode") !== "USD") return googleError(400, "INVALID_ARGUMENT", "only USD in this fake");
      const skus = this.skus[call.serviceId as string];
      if (!skus) return googleError(404, "NOT_FOUND", `Service ${call.serviceId} not found.`);
      const paged = this.#page(skus, params, this.pageSize, targeted && this.mode === "token-loop");
      if ("status" in paged) return paged;
      // Google always sends nextPageToken, empty on the last page.
      return this.#json({ skus: paged.page, nextPageToken: paged.next ?? "" });
    }
    return googleError(404, "NOT_FOUND", `no route ${url.pathname}`);
  }

  #json(body: unknown): FakeResponse {
    return { status: 200, headers: { "content-type": "application/json; charset=UTF-8" }, body: JSON.stringify(body) };
  }
}
