import { HttpResponse, http } from "msw";

/** One offering rate as the Savings Plans API sends it (`searchResults[]` of DescribeSavingsPlansOfferingRates). */
export interface OfferingRate {
  savingsPlanOffering: {
    offeringId: string;
    paymentOption: "No Upfront" | "Partial Upfront" | "All Upfront";
    planType: "Compute" | "EC2Instance" | "SageMaker";
    durationSeconds: number;
    currency: "USD";
    planDescription: string;
  };
  rate: string;
  unit: string;
  productType: string;
  serviceCode: string;
  usageType: string;
  operation: string;
  properties: Array<{ name: string; value: string }>;
}

interface RatesRequest {
  savingsPlanTypes?: string[];
  savingsPlanPaymentOptions?: string[];
  products?: string[];
  serviceCodes?: string[];
  usageTypes?: string[];
  operations?: string[];
  filters?: Array<{ name?: string; values?: string[] }>;
  maxResults?: number;
  nextToken?: string;
}

/**
 * The AWS Savings Plans API's DescribeSavingsPlansOfferingRates on the wire: restJson1, `POST
 * /DescribeSavingsPlansOfferingRates` with a JSON body, answered with `searchResults` and `nextToken`
 * (null on the last page). Applies the request's lists and filters as AWS does (a property filter
 * matches the rate's `properties`), pages by `min(maxResults, pageSize)`, and answers `failStatus` with
 * the restJson error shape (`x-amzn-errortype`).
 */
export class FakeSavingsPlans {
  rates: OfferingRate[] = [];
  pageSize = 1000;
  failStatus: number | undefined;
  readonly calls: Array<{ host: string; path: string; body: RatesRequest }> = [];

  reset(): void {
    this.rates = [];
    this.pageSize = 1000;
    this.failStatus = undefined;
    this.calls.length = 0;
  }

  handle(host: string, path: string, raw: string): { status: number; headers: Record<string, string>; body: string } {
    const body = JSON.parse(raw || "{}") as RatesRequest;
    this.calls.push({ host, path, body });
    if (this.failStatus !== undefined) return error(this.failStatus, "InternalServerException", "An internal error occurred");
    if (path !== "/DescribeSavingsPlansOfferingRates") return error(404, "UnknownOperationException", `no operation at ${path}`);
    const max = body.maxResults ?? 1000;
    if (max < 1 || max > 1000) return error(400, "ValidationException", "maxResults must be between 1 and 1000");
    const inList = (list: string[] | undefined, value: string) => !list || list.length === 0 || list.includes(value);
    const matching = this.rates.filter(
      (r) =>
        inList(body.savingsPlanTypes, r.savingsPlanOffering.planType) &&
        inList(body.savingsPlanPaymentOptions, r.savingsPlanOffering.paymentOption) &&
        inList(body.products, r.productType) &&
        inList(body.serviceCodes, r.serviceCode) &&
        inList(body.usageTypes, r.usageType) &&
        inList(body.operations, r.operation) &&
        (body.filters ?? []).every((f) => inList(f.values, r.properties.find((p) => p.name === f.name)?.value ?? "")),
    );
    const start = body.nextToken ? Number(Buffer.from(body.nextToken, "base64").toString("utf8")) : 0;
    const size = Math.min(max, this.pageSize);
    const page = matching.slice(start, start + size);
    const next = start + size < matching.length ? Buffer.from(String(start + size)).toString("base64") : null;
    return { status: 200, headers: { "content-type": "application/json", "x-amzn-requestid": crypto.randomUUID() }, body: JSON.stringify({ searchResults: page, nextToken: next }) };
  }
}

function error(status: number, type: string, message: string) {
  return { status, headers: { "content-type": "application/json", "x-amzn-errortype": type, "x-amzn-requestid": crypto.randomUUID() }, body: JSON.stringify({ message }) };
}

/** msw handler for the Savings Plans API at its global endpoint and at `extraHosts` (AWS_ENDPOINT_URL_SAVINGSPLANS). */
export function savingsPlansHandlers(fake: FakeSavingsPlans, extraHosts: readonly string[] = []) {
  const hosts = new Set(["savingsplans.amazonaws.com", ...extraHosts]);
  return http.post(
    ({ request }) => hosts.has(new URL(request.url).host),
    async ({ request }) => {
      const url = new URL(request.url);
      const res = fake.handle(url.host, url.pathname, await request.text());
      return new HttpResponse(res.body, { status: res.status, headers: res.headers });
    },
  );
}

/**
 * A us-east-1 EC2 offering rate in the API's shape: Linux/UNIX, shared tenancy, `BoxUsage:<type>`
 * (us-east-1 EC2 usage types carry no region prefix). The rates a test uses are its own, not AWS's.
 */
export function ec2Rate(type: string, planType: "Compute" | "EC2Instance", years: 1 | 3, paymentOption: OfferingRate["savingsPlanOffering"]["paymentOption"], rate: string): OfferingRate {
  const region = "us-east-1";
  return {
    savingsPlanOffering: {
      offeringId: `${planType}-${years}-${paymentOption.replace(" ", "")}-0000-0000-0000`.toLowerCase(),
      paymentOption,
      planType,
      durationSeconds: years === 1 ? 31536000 : 94608000,
      currency: "USD",
      planDescription: `${years} year ${paymentOption} ${planType} Savings Plan`,
    },
    rate,
    unit: "Hrs",
    productType: "EC2",
    serviceCode: "AmazonEC2",
    usageType: `BoxUsage:${type}`,
    operation: "RunInstances",
    properties: [
      { name: "region", value: region },
      { name: "instanceType", value: type },
      { name: "instanceFamily", value: type.split(".")[0] as string },
      { name: "productDescription", value: "Linux/UNIX" },
      { name: "tenancy", value: "shared" },
    ],
  };
}
