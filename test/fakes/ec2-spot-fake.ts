import { HttpResponse, http } from "msw";

/** One row of EC2's spot price history. */
export interface SpotRow {
  type: string;
  zone: string;
  /** As EC2 sends it ("0.034200"). */
  price: string;
  timestamp: string;
  product?: string;
}

/**
 * EC2's DescribeSpotPriceHistory on the wire: the query protocol (a POST of a form body, Version
 * 2016-11-15) answered with the XML EC2 sends. Serves the rows of the asked types and product in pages
 * of `pageSize`, with an opaque nextToken; `failStatus` answers every call with EC2's error XML.
 */
export class FakeEc2Spot {
  rows: SpotRow[] = [];
  pageSize = 1000;
  failStatus: number | undefined;
  /** Every call's form parameters, and the host it was sent to. */
  readonly calls: Array<{ host: string; params: URLSearchParams }> = [];

  reset(): void {
    this.rows = [];
    this.pageSize = 1000;
    this.failStatus = undefined;
    this.calls.length = 0;
  }

  handle(host: string, body: string): { status: number; body: string } {
    const params = new URLSearchParams(body);
    this.calls.push({ host, params });
    if (this.failStatus !== undefined) return { status: this.failStatus, body: errorXml("InternalError", "An internal error has occurred") };
    if (params.get("Action") !== "DescribeSpotPriceHistory" || params.get("Version") !== "2016-11-15") {
      return { status: 400, body: errorXml("InvalidAction", `unexpected ${params.get("Action")} ${params.get("Version")}`) };
    }
    const types = listParam(params, "InstanceType");
    const products = listParam(params, "ProductDescription");
    const matching = this.rows.filter((r) => (types.length === 0 || types.includes(r.type)) && (products.length === 0 || products.includes(r.product ?? "Linux/UNIX")));
    const start = Number((params.get("NextToken") ?? "page-0").slice("page-".length));
    const page = matching.slice(start, start + this.pageSize);
    const next = start + this.pageSize < matching.length ? `page-${start + this.pageSize}` : undefined;
    return { status: 200, body: responseXml(page, next) };
  }
}

function listParam(params: URLSearchParams, name: string): string[] {
  const out: string[] = [];
  for (let n = 1; params.has(`${name}.${n}`); n++) out.push(params.get(`${name}.${n}`) as string);
  return out;
}

function responseXml(rows: readonly SpotRow[], next: string | undefined): string {
  const items = rows
    .map(
      (r) =>
        `<item><instanceType>${r.type}</instanceType><productDescription>${r.product ?? "Linux/UNIX"}</productDescription><spotPrice>${r.price}</spotPrice><timestamp>${r.timestamp}</timestamp><availabilityZone>${r.zone}</availabilityZone></item>`,
    )
    .join("");
  return `<?xml version="1.0" encoding="UTF-8"?>
<DescribeSpotPriceHistoryResponse xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>59dbff89-35bd-4eac-99ed-be587EXAMPLE</requestId><spotPriceHistorySet>${items}</spotPriceHistorySet>${next ? `<nextToken>${next}</nextToken>` : "<nextToken/>"}</DescribeSpotPriceHistoryResponse>`;
}

function errorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<Response><Errors><Error><Code>${code}</Code><Message>${message}</Message></Error></Errors><RequestID>ea966190-f9aa-478e-9ede-example</RequestID></Response>`;
}

/** msw handlers for EC2 at its standard regional endpoints and at `extraHosts` (AWS_ENDPOINT_URL_EC2). */
export function ec2SpotHandlers(fake: FakeEc2Spot, extraHosts: readonly string[] = []) {
  const hosts = [/^ec2\.[a-z0-9-]+\.amazonaws\.com$/, ...extraHosts.map((h) => new RegExp(`^${h.replace(/\./g, "\\.")}$`))];
  return http.post(
    ({ request }) => {
      const url = new URL(request.url);
      return url.pathname === "/" && hosts.some((h) => h.test(url.host));
    },
    async ({ request }) => {
      const res = fake.handle(new URL(request.url).host, await request.text());
      return new HttpResponse(res.body, { status: res.status, headers: { "content-type": "text/xml;charset=UTF-8" } });
    },
  );
}
