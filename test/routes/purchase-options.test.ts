import { describe, expect, it } from "vitest";
import { mockApp, realTables } from "../helpers/app.ts";

const app = mockApp(realTables());

interface Item {
  id: string;
  price: string;
  source: string;
  asOf: string;
  architecture?: string;
  purchase?: Record<string, unknown>;
}
interface Body {
  items: Item[];
  unavailable: Array<{ id: string; reason: string }>;
  detail?: string;
  errors?: Array<{ parameter: string; message: string }>;
}

async function get(path: string): Promise<{ status: number; body: Body }> {
  const res = await app.request(path);
  return { status: res.status, body: (await res.json()) as Body };
}

describe("GET /v1/prices with a purchase option (mock mode: the shipped tables)", () => {
  it("on-demand is the default and carries no purchase block", async () => {
    const { status, body } = await get("/v1/prices/aws/ec2?region=us-east-1&instanceType=m5.large");
    expect(status).toBe(200);
    expect(body.items[0]?.price).toBe("0.096");
    expect(body.items[0]?.purchase).toBeUndefined();
  });

  it("AWS reserved: defaults to 1yr No Upfront standard, compared with on-demand", async () => {
    const { status, body } = await get("/v1/prices/aws/ec2?region=us-east-1&instanceType=m5.large&purchaseOption=reserved");
    expect(status).toBe(200);
    expect(body.items[0]).toMatchObject({
      id: "m5.large",
      price: "0.06",
      source: "fallback",
      purchase: { option: "reserved", term: "1yr", payment: "no-upfront", offeringClass: "standard", recurring: "0.06", upfront: "0", onDemandPrice: "0.096", savingPercent: "37.5", breakEvenUtilisation: "0.625" },
    });
  });

  it("AWS reserved with an upfront fee: the effective rate is the item's price", async () => {
    const { body } = await get("/v1/prices/aws/ec2?region=us-east-1&instanceType=m5.large&purchaseOption=reserved&term=3yr&payment=all-upfront");
    expect(body.items[0]).toMatchObject({ price: "0.0361111111", purchase: { recurring: "0", upfront: "949", effectiveHourlyExact: false, breakEvenUtilisation: "0.376157" } });
  });

  it("an id without the asked terms is unavailable, never 0", async () => {
    const { status, body } = await get("/v1/prices/aws/ec2?region=us-east-1&instanceType=m5.large,m7g.large&purchaseOption=reserved&payment=partial-upfront");
    expect(status).toBe(200);
    expect(body.items.map((i) => i.id)).toEqual(["m5.large"]);
    expect(body.unavailable).toEqual([{ id: "m7g.large", reason: "no published reserved 1yr partial-upfront standard price for it" }]);
  });

  it("a spec search sorts by the effective rate", async () => {
    const { status, body } = await get("/v1/prices/aws/ec2?region=eu-west-1&purchaseOption=reserved&term=3yr&minVcpu=2&maxVcpu=2&minMemoryGiB=8&maxMemoryGiB=8&sort=price&limit=3");
    expect(status).toBe(200);
    expect(body.items).toHaveLength(3);
    const prices = body.items.map((i) => Number(i.price));
    expect([...prices].sort((a, b) => a - b)).toEqual(prices);
    for (const item of body.items) expect(item.purchase).toMatchObject({ option: "reserved", term: "3yr" });
  });

  it("GCP commitment (alias of reserved): monthly, nothing up front, and the row says how its price was read", async () => {
    const { status, body } = await get("/v1/prices/gcp/compute?region=us-central1&machineType=n2-standard-4&purchaseOption=commitment");
    expect(status).toBe(200);
    // pricing.yml: month_1y 89.32572 ÷ 730 = 0.122364; on-demand hour 0.194236 (4 × 0.031611 + 16 × 0.004237).
    expect(body.items[0]).toMatchObject({ price: "0.122364", purchase: { option: "reserved", term: "1yr", payment: "no-upfront", recurring: "0.122364" } });
    expect(String(body.items[0]?.purchase?.note)).toMatch(/month_1y ÷ 730/);
  });

  it("GCP spot is a published price with a saving against on-demand", async () => {
    const { status, body } = await get("/v1/prices/gcp/compute?region=us-central1&machineType=n2-standard-4&purchaseOption=spot");
    expect(status).toBe(200);
    expect(body.items[0]).toMatchObject({ price: "0.09212", purchase: { option: "spot", recurring: "0.09212" } });
    expect(body.items[0]?.purchase?.savingPercent).toBeDefined();
  });

  it("AWS spot in mock mode is not available (live only), never a guess", async () => {
    const { status, body } = await get("/v1/prices/aws/ec2?region=us-east-1&instanceType=m5.large&purchaseOption=spot");
    expect(status).toBe(404);
    expect(body.detail).toMatch(/spot/);
  });

  it("a service without purchase-option prices answers 404 naming where there are some", async () => {
    const { status, body } = await get("/v1/prices/aws/lambda?region=us-east-1&purchaseOption=reserved");
    expect(status).toBe(404);
    expect(body.detail).toMatch(/no reserved prices for AWS Lambda in us-east-1/);
  });

  it("terms that are not sold there are a 404 listing what is", async () => {
    const { status, body } = await get("/v1/prices/aws/ec2?region=eu-west-1&instanceType=m5.large&purchaseOption=reserved&payment=partial-upfront");
    expect(status).toBe(404);
    expect(body.detail).toMatch(/sold there: .*reserved 1yr no-upfront standard/);
  });

  it.each([
    ["purchaseOption=reserverd", "purchaseOption", /not one of on-demand, reserved, savings-plan, spot; did you mean reserved/],
    ["purchaseOption=reserved&term=2yr", "term", /not one of 1yr, 3yr/],
    ["purchaseOption=reserved&payment=upfront", "payment", /not one of no-upfront, partial-upfront, all-upfront/],
    ["term=1yr", "term", /applies to purchaseOption reserved or savings-plan only; on-demand takes none/],
    ["purchaseOption=spot&payment=no-upfront", "payment", /spot takes none/],
    ["purchaseOption=reserved&planType=compute", "planType", /applies to purchaseOption savings-plan only; reserved takes term, payment, offeringClass/],
  ])("400 for %s, naming %s", async (query, parameter, message) => {
    const { status, body } = await get(`/v1/prices/aws/ec2?region=us-east-1&instanceType=m5.large&${query}`);
    expect(status).toBe(400);
    const error = body.errors?.find((e) => e.parameter === parameter);
    expect(error?.message).toMatch(message);
  });
});

describe("POST /v1/prices/batch with purchase options", () => {
  it("keeps each query's option apart when the same ids are asked several ways", async () => {
    const res = await app.request("/v1/prices/batch", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        queries: [
          { service: "ec2", region: "us-east-1", instanceType: "m5.large" },
          { service: "ec2", region: "us-east-1", instanceType: "m5.large", purchaseOption: "reserved" },
          { service: "ec2", region: "us-east-1", instanceType: "m5.large", purchaseOption: "reserved", term: "3yr", offeringClass: "convertible" },
          { service: "ec2", region: "us-east-1", instanceType: "m5.large", purchaseOption: "reserved", term: "5yr" },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: Array<{ status: number; body: Body }> };
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 400]);
    expect(results.slice(0, 3).map((r) => r.body.items[0]?.price)).toEqual(["0.096", "0.06", "0.049"]);
    expect(results[3]?.body.errors?.[0]?.parameter).toBe("queries[3].term");
  });
});

async function post(path: string, body: unknown) {
  const res = await app.request(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("estimates and comparisons with purchase options", () => {
  it("an EKS line with reserved nodes: the control plane on demand, the nodes at the term's exact cost", async () => {
    const { status, body } = await post("/v1/estimates", {
      lines: [{ cloud: "aws", service: "eks", region: "us-east-1", clusters: 1, nodes: [{ instanceType: "m5.large", count: 3 }], purchaseOption: "reserved", payment: "all-upfront" }],
    });
    expect(status).toBe(200);
    const line = (body.lines as Array<{ monthly: { amount: string }; items: Array<{ item: string; amount: { amount: string }; purchase?: unknown }>; notes: string[] }>)[0];
    // 730 × $0.10 = 73 for the cluster; 3 × $494 a year × 730 h ÷ 8,760 h = 123.5 for the nodes (not 3 × 730 × the rounded 0.0563926941).
    expect(line?.items.map((i) => [i.item, i.amount.amount])).toEqual([
      ["control-plane.standard", "73"],
      ["m5.large", "123.5"],
    ]);
    expect(line?.monthly.amount).toBe("196.5");
    expect(line?.items[1]?.purchase).toMatchObject({ option: "reserved", term: "1yr", payment: "all-upfront", upfront: "494" });
    expect(line?.notes.join(" ")).toMatch(/paid for every hour of its term/);
  });

  it("a commitment is charged for the whole month even when the line runs fewer hours", async () => {
    const { body } = await post("/v1/estimates", { lines: [{ cloud: "aws", service: "ec2", region: "us-east-1", type: "m5.large", count: 2, hoursPerMonth: 100, purchaseOption: "reserved", term: "3yr" }] });
    // 2 × $0.041 (3yr standard No Upfront) × 730 h.
    expect((body.total as { monthly: { amount: string } }).monthly.amount).toBe("59.86");
  });

  it("a bad purchase option on a line is a 400 naming the line and the field", async () => {
    const { status, body } = await post("/v1/estimates", { lines: [{ cloud: "aws", service: "ec2", region: "us-east-1", type: "m5.large", count: 1, purchaseOption: "reserved", term: "10yr" }] });
    expect(status).toBe(400);
    expect((body.errors as Array<{ parameter: string; message: string }>)[0]).toMatchObject({ parameter: "lines[0].term", message: expect.stringMatching(/not one of 1yr, 3yr/) });
  });

  it("POST /v1/compare ranks every (cloud, purchase option) in `cheapest`, hand-checked on AWS", async () => {
    const { status, body } = await post("/v1/compare", {
      regions: { aws: "us-east-1" },
      kubernetes: { nodes: 3, minVcpu: 4, minMemoryGiB: 16 },
      vms: [{ count: 2, minVcpu: 2, minMemoryGiB: 8 }],
      purchaseOptions: [{ purchaseOption: "reserved" }, { purchaseOption: "spot" }],
    });
    expect(status).toBe(200);
    const aws = (body.clouds as Array<{ choices: Array<{ type: string }>; monthly: { amount: string }; options: Array<{ purchase: string; monthly: { amount: string } | null; complete: boolean }> }>)[0];
    expect(aws?.choices.map((c) => c.type)).toEqual(["m5a.xlarge", "m5a.large"]);
    // On demand: 73 + 730 × (3 × 0.172 + 2 × 0.086) = 575.24. Reserved 1yr No Upfront standard: 73 + 730 × (3 × 0.108 + 2 × 0.054) = 388.36.
    expect(aws?.monthly.amount).toBe("575.24");
    expect(aws?.options[0]).toMatchObject({ purchase: "reserved", monthly: { amount: "388.36" }, complete: true });
    // AWS spot is live only: incomplete in mock mode, so not ranked.
    expect(aws?.options[1]).toMatchObject({ purchase: "spot", complete: false });
    expect(body.cheapest).toEqual([
      { rank: 1, cloud: "aws", purchase: "reserved", monthly: { amount: "388.36", unit: "USD" } },
      { rank: 2, cloud: "aws", purchase: "on-demand", monthly: { amount: "575.24", unit: "USD" } },
    ]);
  });
});
