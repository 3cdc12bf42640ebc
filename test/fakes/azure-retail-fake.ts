/**
 * A fake of the Azure Retail Prices API (`GET /api/retail/prices?$filter=…`), used by msw handlers and
 * by a real loopback server for process tests. It applies OData filters as Azure does (`eq`, `and`,
 * `or`, parentheses; values compared case-sensitively; an unknown field or function is a 400), pages
 * with `$skip` and absolute `NextPageLink`s on prices.azure.com:443 (as Azure sends them, whatever host
 * answered), counts calls, and can be switched into failure modes.
 */

export type AzureFakeMode =
  | "healthy"
  | "throttle"
  | "error500"
  | "hang"
  | "malformed"
  | "malformed-envelope"
  | "bad-request"
  | "bad-item"
  | "loop"
  | "empty-loop";

export type RetailItem = Record<string, unknown>;

export interface FakeResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const FIELDS = new Set(["serviceName", "serviceFamily", "armRegionName", "armSkuName", "priceType", "productName", "skuName", "meterName", "meterId", "location", "skuId", "productId", "reservationTerm", "currencyCode"]);

type Expr = { op: "eq"; field: string; value: string } | { op: "and" | "or"; left: Expr; right: Expr };

class FilterError extends Error {}

/** Parses the OData subset Azure's examples and Pricebook use. */
export function parseFilter(text: string): Expr {
  const tokens = text.match(/'(?:[^']|'')*'|\(|\)|[A-Za-z_][A-Za-z0-9_]*|\S/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++];
  const factor = (): Expr => {
    const t = next();
    if (t === "(") {
      const e = or();
      if (next() !== ")") throw new FilterError("expected )");
      return e;
    }
    if (!t || !FIELDS.has(t)) throw new FilterError(`Invalid OData parameter: ${t}`);
    if (next() !== "eq") throw new FilterError(`only eq is supported after ${t}`);
    const v = next();
    if (!v || !v.startsWith("'")) throw new FilterError("expected a quoted value");
    return { op: "eq", field: t, value: v.slice(1, -1).replaceAll("''", "'") };
  };
  const and = (): Expr => {
    let e = factor();
    while (peek() === "and") {
      next();
      e = { op: "and", left: e, right: factor() };
    }
    return e;
  };
  const or = (): Expr => {
    let e = and();
    while (peek() === "or") {
      next();
      e = { op: "or", left: e, right: and() };
    }
    return e;
  };
  const e = or();
  if (i !== tokens.length) throw new FilterError(`unexpected ${peek()}`);
  return e;
}

function matches(item: RetailItem, e: Expr): boolean {
  if (e.op !== "eq") return e.op === "and" ? matches(item, e.left) && matches(item, e.right) : matches(item, e.left) || matches(item, e.right);
  const field = e.field === "priceType" ? "type" : e.field;
  // Filter values are case-sensitive (api-version 2023-01-01-preview).
  return item[field] === e.value;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): FakeResponse {
  return { status, headers: { "content-type": "application/json; charset=utf-8", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) };
}

export class FakeRetailPricesApi {
  readonly #items: RetailItem[] = [];
  /** Every request, in order: its decoded filter, $skip, api-version, and when it came. */
  readonly calls: Array<{ filter: string; skip: number; apiVersion: string | null; at: number }> = [];
  mode: AzureFakeMode = "healthy";
  /** The next N requests are answered 429 with `retryAfter`, whatever the mode. */
  throttleNext = 0;
  retryAfter = "1";
  /** Items per page (Azure's documented 100; about 1,000 in 2026). */
  pageSize = 100;
  /** A listing that ends on a full page links to one more, empty, last page (as $skip paging can). */
  trailingEmptyPage = false;
  latencyMs = 0;
  aborted = 0;
  readonly #hung = new Set<() => void>();

  add(items: readonly RetailItem[]): this {
    this.#items.push(...items);
    return this;
  }

  reset(): void {
    this.calls.length = 0;
    this.mode = "healthy";
    this.throttleNext = 0;
    this.retryAfter = "1";
    this.pageSize = 100;
    this.trailingEmptyPage = false;
    this.latencyMs = 0;
    this.aborted = 0;
    this.releaseHung();
  }

  releaseHung(): void {
    for (const release of this.#hung) release();
    this.#hung.clear();
  }

  /** Calls whose filter names this service (`serviceName eq '…'`). */
  callsFor(serviceName: string): FakeRetailPricesApi["calls"] {
    return this.calls.filter((c) => c.filter.includes(`serviceName eq '${serviceName}'`));
  }

  async handle(url: URL, signal?: AbortSignal): Promise<FakeResponse> {
    if (url.pathname !== "/api/retail/prices") return json(404, { error: "not found" });
    const filter = url.searchParams.get("$filter") ?? "";
    const skip = Number(url.searchParams.get("$skip") ?? "0");
    this.calls.push({ filter, skip, apiVersion: url.searchParams.get("api-version"), at: Date.now() });
    if (this.latencyMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.latencyMs);
        signal?.addEventListener("abort", () => (clearTimeout(timer), this.aborted++, resolve()), { once: true });
      });
    }
    if (this.throttleNext > 0) {
      this.throttleNext--;
      return json(429, { error: { code: "TooManyRequests", message: "Too many requests. Please retry." } }, { "retry-after": this.retryAfter });
    }
    switch (this.mode) {
      case "throttle":
        return json(429, { error: { code: "TooManyRequests", message: "Too many requests. Please retry." } }, { "retry-after": this.retryAfter });
      case "error500":
        return json(500, { error: { code: "InternalServerError", message: "An error has occurred." } });
      case "hang":
        await new Promise<void>((resolve) => {
          this.#hung.add(resolve);
          signal?.addEventListener("abort", () => resolve(), { once: true });
        });
        return json(500, { error: "connection dropped" });
      case "malformed":
        return json(200, '{"BillingCurrency":"USD","Items":[{"currencyCode":"USD","retailPr');
      case "bad-request":
        return json(400, { error: { code: "BadRequest", message: "Invalid OData parameter" } });
      case "malformed-envelope":
        return json(200, { BillingCurrency: "USD", Items: { not: "an array" }, NextPageLink: null });
      default:
        break;
    }
    let expr: Expr | undefined;
    try {
      expr = filter ? parseFilter(filter) : undefined;
    } catch (error) {
      return json(400, { error: { code: "BadRequest", message: (error as Error).message } });
    }
    const matching = this.#items.filter((item) => !expr || matches(item, expr));
    const link = (at: number) => {
      const next = new URL("https://prices.azure.com:443/api/retail/prices");
      for (const [k, v] of url.searchParams) if (k !== "$skip") next.searchParams.set(k, v);
      next.searchParams.set("$skip", String(at));
      return next.toString();
    };
    if (this.mode === "loop") {
      // The NextPageLink names the page that was just served: a self-repeating link.
      return json(200, { BillingCurrency: "USD", CustomerEntityId: "Default", CustomerEntityType: "Retail", Items: matching.slice(skip, skip + this.pageSize), NextPageLink: link(skip), Count: Math.min(this.pageSize, matching.length) });
    }
    if (this.mode === "empty-loop") {
      // Empty pages that keep promising more, each with a new $skip.
      return json(200, { BillingCurrency: "USD", CustomerEntityId: "Default", CustomerEntityType: "Retail", Items: [], NextPageLink: link(skip + this.pageSize), Count: 0 });
    }
    const page = matching.slice(skip, skip + this.pageSize);
    const more = skip + this.pageSize < matching.length || (this.trailingEmptyPage && page.length === this.pageSize);
    const items = this.mode === "bad-item" && page.length > 0 ? [{ ...page[0], meterName: undefined, retailPrice: "not a number" }, ...page.slice(1)] : page;
    return json(200, {
      BillingCurrency: "USD",
      CustomerEntityId: "Default",
      CustomerEntityType: "Retail",
      Items: items,
      NextPageLink: more ? link(skip + this.pageSize) : null,
      Count: items.length,
    });
  }
}
