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
