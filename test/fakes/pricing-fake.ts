/**
 * A fake of the AWS Price List Query API (`AWSPriceListService.GetProducts`, JSON 1.1), used by the
 * msw handlers and by a real HTTP server for process-level tests. It applies filters as AWS does,
 * pages with opaque NextTokens, answers errors with `x-amzn-errortype`, and can be switched into
 * failure modes. Items are stored in parsed form and sent as JSON strings, as AWS sends them.
 */

export type FakeMode = "healthy" | "throttle" | "error500" | "hang" | "malformed" | "malformed-item";

export interface FakeResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

export interface GetProductsBody {
  ServiceCode?: string;
  Filters?: Array<{ Type?: string; Field?: string; Value?: string }>;
  FormatVersion?: string;
  MaxResults?: number;
  NextToken?: string;
}

interface Item {
  product: { sku: string; productFamily?: string; attributes: Record<string, string> };
  serviceCode: string;
}

function matches(item: Item, filter: { Type?: string; Field?: string; Value?: string }): boolean {
  const field = filter.Field ?? "";
  const wanted = filter.Value ?? "";
  const actual =
    field === "ServiceCode"
      ? item.serviceCode
      : field === "productFamily"
        ? item.product.productFamily
        : item.product.attributes[field];
  if (actual === undefined) return filter.Type === "NONE_OF";
  // The Price List API compares attribute values without regard to case.
  const a = actual.toLowerCase();
  switch (filter.Type ?? "TERM_MATCH") {
    case "TERM_MATCH":
    case "EQUALS":
      return a === wanted.toLowerCase();
    case "CONTAINS":
      return a.includes(wanted.toLowerCase());
    case "ANY_OF":
      return wanted.toLowerCase().split(",").includes(a);
    case "NONE_OF":
      return !wanted.toLowerCase().split(",").includes(a);
    default:
      return false;
  }
}

function awsError(status: number, type: string, message: string): FakeResponse {
  return {
    status,
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amzn-errortype": `${type}:http://internal.amazon.com/coral/com.amazonaws.awspricelistservice/`,
      "x-amzn-requestid": crypto.randomUUID(),
    },
    body: JSON.stringify({ __type: `com.amazonaws.awspricelistservice#${type}`, Message: message }),
  };
}

export class FakePricingApi {
  readonly #items = new Map<string, Item[]>();
  /** Every GetProducts request received, in order, and when (ms since the epoch). */
  readonly calls: GetProductsBody[] = [];
  readonly callTimes: number[] = [];
  mode: FakeMode = "healthy";
  /** Requests whose caller went away while they were in flight. */
  aborted = 0;
  /** Added to every answer, like a real round trip. */
  latencyMs = 0;
  /** Upper bound on page size, below the caller's MaxResults, to exercise paging. */
  pageSize = 100;
  /** AWS's account quota as a token bucket (burst, refill per second); undefined = unlimited. */
  quota: { burst: number; perSecond: number } | undefined;
  #tokens = 0;
  #refilledAt = 0;
  /** Requests answered ThrottlingException because they exceeded the quota. */
  throttled = 0;
  /** The next N requests that carry a NextToken are answered ExpiredNextTokenException. */
  expireNextTokens = 0;
  #epoch = 0;
  readonly #hung = new Set<() => void>();

  add(serviceCode: string, items: Item[]): this {
    const list = this.#items.get(serviceCode) ?? [];
    list.push(...items);
    this.#items.set(serviceCode, list);
    return this;
  }

  reset(): void {
    this.calls.length = 0;
    this.callTimes.length = 0;
    this.mode = "healthy";
    this.latencyMs = 0;
    this.aborted = 0;
    this.pageSize = 100;
    this.expireNextTokens = 0;
    this.releaseHung();
  }

  /** Ends every request held open by `hang` mode (as a dropped connection would). */
  releaseHung(): void {
    for (const release of this.#hung) release();
    this.#hung.clear();
  }

  #take(quota: { burst: number; perSecond: number }): boolean {
    const now = Date.now();
    if (this.#refilledAt === 0) {
      this.#tokens = quota.burst;
      this.#refilledAt = now;
    }
    this.#tokens = Math.min(quota.burst, this.#tokens + ((now - this.#refilledAt) / 1000) * quota.perSecond);
    this.#refilledAt = now;
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  callsFor(serviceCode: string): GetProductsBody[] {
    return this.calls.filter((c) => c.ServiceCode === serviceCode);
  }

  async handle(target: string | null, rawBody: string, signal?: AbortSignal): Promise<FakeResponse> {
    if (target !== "AWSPriceListService.GetProducts") {
      return awsError(400, "UnknownOperationException", `unknown operation ${target}`);
    }
    const body = JSON.parse(rawBody) as GetProductsBody;
    this.calls.push(body);
    this.callTimes.push(Date.now());
    if (this.quota && !this.#take(this.quota)) {
      this.throttled++;
      return awsError(400, "ThrottlingException", "Rate exceeded");
    }
    if (this.latencyMs > 0) {
      // A caller that gives up mid-flight is seen here, as AWS sees a closed connection.
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
    switch (this.mode) {
      case "throttle":
        return awsError(400, "ThrottlingException", "Rate exceeded");
      case "error500":
        return awsError(500, "InternalErrorException", "An internal error occurred");
      case "hang":
        await new Promise<void>((resolve) => {
          this.#hung.add(resolve);
          signal?.addEventListener("abort", () => resolve(), { once: true });
        });
        return awsError(500, "InternalErrorException", "connection dropped");
      case "malformed":
        return {
          status: 200,
          headers: { "content-type": "application/x-amz-json-1.1" },
          body: '{"FormatVersion":"aws_v1","PriceList":["{\\"product',
        };
      default:
        break;
    }
    if (!body.ServiceCode) return awsError(400, "InvalidParameterException", "ServiceCode is required");
    const max = Math.min(body.MaxResults ?? 100, this.pageSize);
    if (max < 1 || max > 100) return awsError(400, "InvalidParameterException", "MaxResults must be 1..100");
    let offset = 0;
    if (body.NextToken) {
      if (this.expireNextTokens > 0) {
        this.expireNextTokens--;
        this.#epoch++;
        return awsError(400, "ExpiredNextTokenException", "The pagination token expired.");
      }
      const token = JSON.parse(Buffer.from(body.NextToken, "base64").toString("utf8")) as {
        o: number;
        e: number;
      };
      if (token.e !== this.#epoch)
        return awsError(400, "ExpiredNextTokenException", "The pagination token expired.");
      offset = token.o;
    }
    const matching = (this.#items.get(body.ServiceCode) ?? []).filter((item) =>
      (body.Filters ?? []).every((f) => matches(item, f)),
    );
    const page = matching.slice(offset, offset + max);
    const next =
      offset + max < matching.length
        ? Buffer.from(JSON.stringify({ o: offset + max, e: this.#epoch })).toString("base64")
        : undefined;
    const priceList = page.map((item, i) =>
      this.mode === "malformed-item" && i === 0
        ? JSON.stringify({ product: { attributes: "not an object" } })
        : JSON.stringify(item),
    );
    return {
      status: 200,
      headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-requestid": crypto.randomUUID() },
      body: JSON.stringify({
        FormatVersion: "aws_v1",
        PriceList: priceList,
        ...(next ? { NextToken: next } : {}),
      }),
    };
  }
}
