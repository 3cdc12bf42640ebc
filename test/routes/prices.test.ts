import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EKS_ITEMS, LAMBDA_ITEMS } from "../../src/clouds/aws/catalog.ts";
import { AWS_REGIONS } from "../../src/clouds/aws/regions.ts";
import { loadTables } from "../../src/clouds/registry.ts";
import { mockApp, realTables } from "../helpers/app.ts";

const tables = realTables();
const app = mockApp(tables);

async function get(path: string) {
  const res = await app.request(path);
  const body = (await res.json()) as Record<string, unknown> & { items: Array<Record<string, unknown>> };
  return { res, body };
}

async function problem(path: string, status: number) {
  const res = await app.request(path);
  expect(res.status).toBe(status);
  expect(res.headers.get("content-type")).toBe("application/problem+json");
  const body = (await res.json()) as {
    type: string;
    title: string;
    status: number;
    detail: string;
    code: string;
    errors?: Array<{ parameter: string; message: string }>;
  };
  expect(body).toMatchObject({ status, type: `/problems/${body.code}` });
  expect(body.title).toBeTruthy();
  expect(body.detail).toBeTruthy();
  return body;
}

const CATALOGUES: Partial<Record<string, readonly string[]>> = {
  eks: Object.keys(EKS_ITEMS),
  lambda: Object.keys(LAMBDA_ITEMS),
};

/** The raw rows of the shipped table files, read here without any of the server's code. */
type RawRow = Record<string, unknown> & { id: string; region?: string; source: string };
function rawRows(service: string): Array<RawRow & { region: string }> {
  const dir = join("fallback-pricing", "aws");
  const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter((f) => f.endsWith(".json"));
  const out: Array<RawRow & { region: string }> = [];
  for (const file of files) {
    const table = JSON.parse(readFileSync(join(dir, file), "utf8")) as { service: string; region?: string; purchaseOption?: string; rows: RawRow[] };
    // On-demand tables only: purchase-option tables have their own test (purchase-options.test.ts).
    if (table.service !== service || table.purchaseOption !== undefined) continue;
    for (const row of table.rows) out.push({ ...row, region: (row.region ?? table.region) as string });
  }
  return out;
}

const TITLES: Record<string, string> = { eks: "Amazon EKS", ec2: "Amazon EC2", lambda: "AWS Lambda", sagemaker: "Amazon SageMaker AI" };

/**
 * What the API must answer for a raw row: its fields as written, stamped `fallback`; a row without a
 * description is described by its service, id and region.
 */
function expectedItem(row: RawRow & { region: string }, service = "ec2"): Record<string, unknown> {
  const { region, source: _s, specSource: _ss, note: _n, ...served } = row;
  return { description: `${TITLES[service]} ${row.id} in ${region}`, ...served, source: "fallback" };
}

describe("every price served equals its table row exactly", () => {
  for (const service of ["eks", "ec2", "lambda", "sagemaker"] as const) {
    const raw = rawRows(service);
    const regions = [...new Set(raw.map((r) => r.region))].sort();
    it(`${service}: has regions`, () => {
      expect(regions.length).toBeGreaterThan(0);
    });
    for (const region of regions) {
      it(`${service} ${region}`, async () => {
        const { res, body } = await get(`/v1/prices/aws/${service}?region=${region}`);
        expect(res.status).toBe(200);
        expect(body).toMatchObject({ cloud: "aws", service, region, currency: "USD" });
        const rows = raw.filter((r) => r.region === region);
        const expected = rows.map((r) => expectedItem(r, service));
        // Catalogue services answer in catalogue order; the others in table order.
        const catalogue = CATALOGUES[service];
        const ordered = catalogue
          ? catalogue.flatMap((id) => expected.filter((item) => item.id === id))
          : expected;
        expect(body.items).toEqual(ordered);
        if (catalogue) {
          const missing = catalogue.filter((id) => !rows.some((r) => r.id === id));
          expect((body.unavailable as Array<{ id: string }>).map((u) => u.id)).toEqual(missing);
        }
        for (const item of body.items) {
          expect(typeof item.price).toBe("string");
          expect(item.price).not.toMatch(/^0(\.0+)?$/);
          expect(item.source).toBe("fallback");
          expect(item.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        }
      });
    }
  }
});

describe("GET /v1/prices/aws/ec2", () => {
  const region = "us-east-1";
  const known = tables.rows("aws", "ec2", region).map((r) => r.id);
  // A well-formed instance type without a price here (priced in another region when the tables have
  // one such; else a size AWS does not sell): valid, so unavailable rather than a 400.
  const elsewhere = tables.regions("aws", "ec2").flatMap((r) => [...tables.ids("aws", "ec2", r)]).find((id) => !known.includes(id)) ?? "m5.96xlarge";

  it("accepts repeated and comma-separated instance types, deduped and lower-cased", async () => {
    const [a, b] = known as [string, string];
    const { res, body } = await get(
      `/v1/prices/aws/ec2?region=${region}&instanceType=${a}&instanceType=${b.toUpperCase()},${a}`,
    );
    expect(res.status).toBe(200);
    expect(body.items.map((i) => i.id)).toEqual([a, b]);
    expect(body.items[0]).toEqual(expectedItem(rawRows("ec2").find((r) => r.region === region && r.id === a) as RawRow & { region: string }));
    expect(body.unavailable).toEqual([]);
  });

  it("carries vcpu and memory for node-group pricing", async () => {
    const { body } = await get(`/v1/prices/aws/ec2?region=${region}&instanceType=m5.large`);
    expect(body.items[0]).toMatchObject({ id: "m5.large", unit: "hour", vcpu: 2, memoryGiB: 8 });
  });

  it("lists an instance type without a price as unavailable, never as 0", async () => {
    const { res, body } = await get(`/v1/prices/aws/ec2?region=${region}&instanceType=${known[0]},${elsewhere}`);
    expect(res.status).toBe(200);
    expect(body.items.map((i) => i.id)).toEqual([known[0]]);
    expect(body.unavailable).toEqual([{ id: elsewhere, reason: expect.stringContaining("no published price") }]);
  });

  it("answers 404 naming the instance type when nothing can be priced", async () => {
    const body = await problem(`/v1/prices/aws/ec2?region=${region}&instanceType=${elsewhere}`, 404);
    expect(body.code).toBe("price_not_available");
    expect(body.detail).toContain(elsewhere);
    expect(body.detail).toContain(known[0]);
  });

  it("answers a misspelt instance type with a 400 and the closest names, not a 404", async () => {
    const body = await problem(`/v1/prices/aws/ec2?region=${region}&instanceType=m5.lrge`, 400);
    expect(body.errors).toEqual([
      { parameter: "instanceType", message: expect.stringMatching(/"m5\.lrge" is not an EC2 instance type.*did you mean m5\.large/) },
    ]);
  });

  it.each([
    ["not-a-type", "is not an EC2 instance type"],
    ["m5.large;DROP", "is not an EC2 instance type"],
    ["zz9.mega", "is not an EC2 instance type"],
    ["m5.lrge", "did you mean m5.large"],
    [",,,", "at least one value"],
  ])("rejects instanceType=%s with a 400 naming it", async (value, message) => {
    const body = await problem(
      `/v1/prices/aws/ec2?region=${region}&instanceType=${encodeURIComponent(value)}`,
      400,
    );
    expect(body.errors?.[0]).toMatchObject({
      parameter: "instanceType",
      message: expect.stringContaining(message),
    });
  });

  it("rejects more than 100 instance types", async () => {
    const many = Array.from({ length: 101 }, (_, i) => `m5.${i + 2}xlarge`).join(",");
    const body = await problem(`/v1/prices/aws/ec2?region=${region}&instanceType=${many}`, 400);
    expect(body.errors?.[0]?.message).toContain("at most 100");
  });
});

describe("tiers, free tier and partial catalogues (fixture tables)", () => {
  const fixtures = loadTables("test/fixtures/fallback-pricing");
  const fixtureApp = mockApp(fixtures);

  it("serves tiered duration exactly, the last tier open-ended, and the free tier", async () => {
    const res = await fixtureApp.request("/v1/prices/aws/lambda?region=us-east-1");
    const body = (await res.json()) as { items: Array<{ id: string; tiers?: unknown }>; freeTier: unknown };
    const duration = body.items.find((i) => i.id === "duration.x86_64");
    expect(duration?.tiers).toEqual([
      { from: "0", to: "6000000000", price: "0.0000166667" },
      { from: "6000000000", to: "15000000000", price: "0.0000150000" },
      { from: "15000000000", to: null, price: "0.0000133334" },
    ]);
    expect(body.freeTier).toEqual({
      requests: "1000000",
      gbSeconds: "400000",
      source: "https://aws.amazon.com/lambda/pricing/",
      asOf: "2025-01-01",
    });
  });

  it("lists every catalogue item without a price as unavailable", async () => {
    const res = await fixtureApp.request("/v1/prices/aws/eks?region=ap-southeast-2");
    const body = (await res.json()) as {
      items: Array<{ id: string; price: string }>;
      unavailable: Array<{ id: string }>;
    };
    expect(body.items).toEqual([
      expect.objectContaining({ id: "control-plane.standard", price: "0.1000000000" }),
    ]);
    expect(body.unavailable.map((u) => u.id)).toEqual(Object.keys(EKS_ITEMS).slice(1));
  });
});

describe("GET /v1/prices/aws/sagemaker", () => {
  // The region with the most SageMaker rows: coverage differs by region (see fallback-pricing/README.md).
  const region = [...tables.regions("aws", "sagemaker")].sort(
    (a, b) => tables.rows("aws", "sagemaker", b).length - tables.rows("aws", "sagemaker", a).length,
  )[0] as string;

  it("filters by component", async () => {
    const { res, body } = await get(`/v1/prices/aws/sagemaker?region=${region}&component=training`);
    expect(res.status).toBe(200);
    expect(body.items.length).toBeGreaterThan(0);
    for (const item of body.items) expect(item.id).toMatch(/^training\.ml\./);
  });

  it("filters by instance type across components", async () => {
    const first = tables.rows("aws", "sagemaker", region).find((r) => r.id.includes(".ml."))!;
    const instanceType = first.id.slice(first.id.indexOf(".ml.") + 1);
    const { body } = await get(`/v1/prices/aws/sagemaker?region=${region}&instanceType=${instanceType}`);
    expect(body.items.length).toBeGreaterThan(0);
    for (const item of body.items) expect(String(item.id).endsWith(`.${instanceType}`)).toBe(true);
  });

  it("rejects an unknown component, listing the allowed ones", async () => {
    const body = await problem(`/v1/prices/aws/sagemaker?region=${region}&component=gaming`, 400);
    expect(body.errors?.[0]).toMatchObject({ parameter: "component" });
    expect(body.errors?.[0]?.message).toContain("training, hosting, notebook");
  });

  it("rejects an instance type without the ml. prefix", async () => {
    const body = await problem(`/v1/prices/aws/sagemaker?region=${region}&instanceType=m5.xlarge`, 400);
    expect(body.errors?.[0]).toMatchObject({
      parameter: "instanceType",
      message: expect.stringContaining("ml.m5.xlarge"),
    });
  });

  it("answers 404 for a combination without a price", async () => {
    const body = await problem(
      `/v1/prices/aws/sagemaker?region=${region}&component=training&instanceType=ml.m5.96xlarge`,
      404,
    );
    expect(body.detail).toContain("ml.m5.96xlarge");
  });
});

describe("region and parameter validation", () => {
  it.each(["eks", "ec2", "lambda", "sagemaker"])("%s requires a region", async (service) => {
    const body = await problem(`/v1/prices/aws/${service}`, 400);
    expect(body.code).toBe("invalid_request");
    expect(body.errors).toEqual([{ parameter: "region", message: "is required" }]);
  });

  it("rejects an unknown region code with the closest ones", async () => {
    const body = await problem("/v1/prices/aws/eks?region=us-east-9", 400);
    expect(body.errors?.[0]).toMatchObject({
      parameter: "region",
      message: expect.stringContaining("did you mean us-east-1"),
    });
  });

  it("accepts a region in any case and answers in AWS's casing", async () => {
    const { res, body } = await get("/v1/prices/aws/eks?region=US-EAST-1");
    expect(res.status).toBe(200);
    expect(body.region).toBe("us-east-1");
  });

  it("answers 404 for a real region without prices, listing the regions that have them", async () => {
    const uncovered = AWS_REGIONS.find((r) => tables.rows("aws", "eks", r).length === 0);
    expect(uncovered).toBeDefined();
    const body = await problem(`/v1/prices/aws/eks?region=${uncovered}`, 404);
    expect(body.code).toBe("price_not_available");
    expect(body.detail).toContain(uncovered);
    expect(body.detail).toContain("us-east-1");
  });

  it("rejects unknown parameters, naming them and the allowed ones", async () => {
    const body = await problem("/v1/prices/aws/eks?region=us-east-1&regoin=eu-west-1", 400);
    expect(body.errors).toEqual([
      { parameter: "regoin", message: "unknown parameter; allowed parameters: region, purchaseOption, term, payment, offeringClass, planType" },
    ]);
  });

  it("rejects a repeated region", async () => {
    const body = await problem("/v1/prices/aws/eks?region=us-east-1&region=eu-west-1", 400);
    expect(body.errors?.[0]?.parameter).toBe("region");
  });

  it("answers an unknown route with a 404 problem", async () => {
    const body = await problem("/v1/prices/aws/rds?region=us-east-1", 404);
    expect(body.code).toBe("not_found");
  });
});

describe("GET /healthz", () => {
  it("reports status, mode, version and each cloud's price source", async () => {
    const { res, body } = await get("/healthz");
    expect(res.status).toBe(200);
    expect(body).toEqual({ status: "ok", mode: "mock", modeReason: "test", version: "test", clouds: { aws: { prices: "mock" }, azure: { prices: "mock" }, gcp: { prices: "mock" } } });
  });
});
