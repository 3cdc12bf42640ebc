import { describe, expect, it } from "vitest";
import { EC2_TYPES } from "../fakes/pricelist-items.ts";
import { mockApp } from "../helpers/app.ts";
import { LIVE_REGIONS, type LiveHarness, withLivePricing } from "../helpers/live.ts";

type Result = {
  status: number;
  body: {
    items?: Array<{ id: string; source: string }>;
    unavailable?: Array<{ id: string }>;
    code?: string;
    errors?: Array<{ parameter: string }>;
  };
};

async function batch(
  app: { request: (path: string, init?: RequestInit) => Response | Promise<Response> },
  body: unknown,
  raw = false,
) {
  const res = await app.request("/v1/prices/batch", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: raw ? (body as string) : JSON.stringify(body),
  });
  return {
    res,
    json: (await res.json()) as {
      results: Result[];
      code?: string;
      errors?: Array<{ parameter: string; message: string }>;
    },
  };
}

describe("POST /v1/prices/batch (mock mode)", () => {
  const app = mockApp();

  it("answers every query in order, each with the status its GET would have", async () => {
    const { res, json } = await batch(app, {
      queries: [
        { service: "ec2", region: "us-east-1", instanceType: ["m5.large", "m5.96xlarge"] },
        { service: "eks", region: "us-east-1" },
        { service: "ec2", region: "us-east-1", instanceType: "m5.96xlarge" },
        { service: "lambda", region: "mars-1" },
        { service: "rds", region: "us-east-1" },
        { service: "sagemaker", region: "us-east-1", component: "hosting", instanceType: "ml.m5.xlarge" },
        { service: "ec2", region: "us-east-1", instanceType: "c5.xlarge,m5.large" },
      ],
    });
    expect(res.status).toBe(200);
    const r = json.results;
    expect(r.map((x) => x.status)).toEqual([200, 200, 404, 400, 400, 200, 200]);
    expect(r[0]?.body.items?.map((i) => i.id)).toEqual(["m5.large"]);
    expect(r[0]?.body.unavailable?.map((u) => u.id)).toEqual(["m5.96xlarge"]);
    expect(r[2]?.body.code).toBe("price_not_available");
    expect(r[3]?.body.errors?.[0]?.parameter).toBe("queries[3].region");
    expect(r[4]?.body.errors?.[0]?.parameter).toBe("queries[4].service");
    expect(r[5]?.body.items?.map((i) => i.id)).toEqual(["hosting.ml.m5.xlarge"]);
    expect(r[6]?.body.items?.map((i) => i.id)).toEqual(["c5.xlarge", "m5.large"]);
  });

  it("rejects more than 500 queries", async () => {
    const { res, json } = await batch(app, {
      queries: Array.from({ length: 501 }, () => ({ service: "eks", region: "us-east-1" })),
    });
    expect(res.status).toBe(400);
    expect(json.errors?.[0]).toMatchObject({
      parameter: "queries",
      message: expect.stringContaining("at most 500"),
    });
  });

  it.each([
    ["an empty batch", { queries: [] }],
    ["no queries field", { query: [] }],
    ["queries that is not an array", { queries: "eks" }],
  ])("rejects %s with a 400 problem", async (_label, body) => {
    const { res, json } = await batch(app, body);
    expect(res.status).toBe(400);
    expect(json.code).toBe("invalid_request");
  });

  it("rejects a body that is not JSON with a 400 problem", async () => {
    const { res, json } = await batch(app, "{not json", true);
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/problem+json");
    expect(json.code).toBe("invalid_request");
  });
});

describe("POST /v1/prices/batch (live mode)", () => {
  const { fake, live } = withLivePricing();
  let h: LiveHarness;

  it("500 EC2 queries across regions, cold: one upstream query sequence per region", async () => {
    h = live();
    const types = [...EC2_TYPES.map((t) => t.type), "m5.96xlarge"];
    const queries = Array.from({ length: 500 }, (_, i) => ({
      service: "ec2",
      region: LIVE_REGIONS[i % LIVE_REGIONS.length],
      instanceType: types[i % types.length],
    }));
    const { res, json } = await batch(h.app, { queries });
    expect(res.status).toBe(200);
    expect(json.results).toHaveLength(500);
    json.results.forEach((r, i) => {
      const type = types[i % types.length];
      if (type === "m5.96xlarge") expect(r.status).toBe(404);
      else expect(r.body.items?.map((x) => x.id)).toEqual([type]);
    });
    expect(fake.callsFor("AmazonEC2")).toHaveLength(LIVE_REGIONS.length);
  });

  it("asks identical questions once", async () => {
    h = live();
    const { json } = await batch(h.app, {
      queries: Array.from({ length: 50 }, () => ({ service: "eks", region: "eu-west-1" })),
    });
    expect(json.results.every((r) => r.status === 200)).toBe(true);
    expect(fake.callsFor("AmazonEKS")).toHaveLength(1);
  });
});

describe("batch limits (issue 10)", () => {
  it("names at most 2,000 distinct item ids: more is a 400 saying so", async () => {
    const app = mockApp();
    const queries = Array.from({ length: 21 }, (_, i) => ({ service: "ec2", region: "us-east-1", instanceType: Array.from({ length: 100 }, (_, j) => `zz${i}x${j}.large`) }));
    const { res, json } = await batch(app, { queries });
    expect(res.status).toBe(400);
    expect(json.errors?.[0]).toMatchObject({ parameter: "queries", message: expect.stringContaining("more than 2000 distinct item ids") });
  });

  it("charges every query to the key's rate limit", async () => {
    const app = mockApp(undefined, { RATE_LIMIT_PRICES_PER_MINUTE: "10" });
    const queries = Array.from({ length: 8 }, () => ({ service: "eks", region: "us-east-1" }));
    expect((await batch(app, { queries })).res.status).toBe(200);
    // 8 spent; 8 more do not fit in the remaining 2.
    expect((await batch(app, { queries })).res.status).toBe(429);
  });
});
