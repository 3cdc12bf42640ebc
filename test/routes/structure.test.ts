import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import type { AppServices } from "../../src/app.ts";
import { createApp } from "../../src/app.ts";
import { SCOPES, createKey } from "../../src/http/auth.ts";
import { openApiDocument } from "../../src/openapi.ts";
import { mockServices, realTables } from "../helpers/app.ts";
import { liveApp } from "../helpers/live.ts";

/** Every composed component that says it is a mock (what live composition must never contain). */
function mockComponents(services: AppServices): string[] {
  const found = new Set<string>();
  for (const [cloud, composed] of services.composed) {
    if (composed.origin === "mock") found.add(`${cloud}`);
    for (const [name, component] of Object.entries({ ...composed.components, prices: composed.prices, costs: composed.costs, budgets: composed.budgets })) {
      if (component?.origin === "mock") found.add(`${cloud}.${name}`);
    }
  }
  return [...found];
}

describe("composition: mock and live are complete sets", () => {
  it("live composition contains no mock implementation", async () => {
    const h = liveApp();
    try {
      expect(h.services.mode).toBe("live");
      expect(mockComponents(h.services)).toEqual([]);
      // Every component the live AWS cloud holds says where it comes from.
      const aws = h.services.composed.get("aws");
      expect(Object.keys(aws?.components ?? {}).sort()).toEqual(["account", "budgets", "costs", "prices", "resources"]);
      for (const c of Object.values(aws?.components ?? {})) expect(c?.origin).toBe("live");
    } finally {
      await h.close();
    }
  });

  it("mock composition is mock throughout, and the check would see a mock patched into live", async () => {
    const mock = mockServices();
    expect(mockComponents(mock).sort()).toEqual(["aws", "aws.account", "aws.budgets", "aws.costs", "aws.prices", "aws.resources", "azure", "azure.prices", "gcp", "gcp.prices"]);
    const h = liveApp();
    try {
      const aws = h.services.composed.get("aws");
      const patched = new Map(h.services.composed);
      patched.set("aws", { ...(aws as NonNullable<typeof aws>), costs: mock.composed.get("aws")?.costs, components: { ...aws?.components, costs: mock.composed.get("aws")?.costs } });
      expect(mockComponents({ ...h.services, composed: patched })).toEqual(["aws.costs"]);
    } finally {
      await h.close();
    }
  });
});

describe("scopes are declared with each route", () => {
  const services = mockServices();
  const app = createApp(services);
  const doc = openApiDocument(app) as unknown as { paths: Record<string, Record<string, { security?: Array<Record<string, string[]>> }>> };

  it("every /v1 operation in the document declares exactly one scope; the others are public", () => {
    const seen: string[] = [];
    for (const [path, operations] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(operations)) {
        seen.push(`${method.toUpperCase()} ${path}`);
        if (path.startsWith("/v1/")) {
          expect(op.security, `${method} ${path}`).toHaveLength(1);
          const scopes = op.security?.[0]?.apiKey ?? [];
          expect(scopes, `${method} ${path}`).toHaveLength(1);
          expect(SCOPES, `${method} ${path}`).toContain(scopes[0]);
        } else {
          expect(op.security, `${method} ${path}`).toEqual([]);
        }
      }
    }
    expect(seen.length).toBeGreaterThan(15);
  });

  it("every /v1 route of the app is in the document (none registered around the contracts)", () => {
    const documented = new Set(Object.entries(doc.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path.replace(/\{([^}]+)\}/g, ":$1")}`)));
    const routes = app.routes.filter((r) => r.path.startsWith("/v1/") && !r.path.includes("*") && r.method !== "ALL");
    for (const r of routes) expect(documented, `${r.method} ${r.path}`).toContain(`${r.method} ${r.path}`);
  });

  it("a /v1 route that checks no scope is answered 500, never its data", async () => {
    const key = createKey("reader", ["prices:read"]);
    const open = createApp(mockServices(realTables(), { PRICEBOOK_API_KEYS: JSON.stringify([key.entry]) }));
    open.get("/v1/unscoped-test-route", (c) => c.json({ secret: "data" }));
    const res = await open.request("/v1/unscoped-test-route", { headers: { authorization: `Bearer ${key.key}` } });
    expect(res.status).toBe(500);
    expect(await res.text()).not.toContain("secret");
  });

  it("each route enforces the scope it declares", async () => {
    const pricesOnly = createKey("p", ["prices:read"]);
    const costsOnly = createKey("c", ["costs:read"]);
    const app2 = createApp(mockServices(realTables(), { PRICEBOOK_API_KEYS: JSON.stringify([pricesOnly.entry, costsOnly.entry]) }));
    const as = (k: { key: string }) => ({ headers: { authorization: `Bearer ${k.key}` } });
    for (const path of ["/v1/catalog", "/v1/prices/aws/eks?region=us-east-1"]) {
      expect((await app2.request(path, as(pricesOnly))).status, path).toBe(200);
      expect((await app2.request(path, as(costsOnly))).status, path).toBe(403);
    }
    for (const path of ["/v1/costs/aws/summary", "/v1/aws/account", "/v1/costs/aws/dimensions/SERVICE"]) {
      expect((await app2.request(path, as(costsOnly))).status, path).toBe(200);
      expect((await app2.request(path, as(pricesOnly))).status, path).toBe(403);
    }
  });
});

describe("GET /v1/catalog", () => {
  const tables = realTables();
  const app = createApp(mockServices(tables));

  it("lists clouds → services → regions, ids or id patterns, units, parameters and fallback counts", async () => {
    const res = await app.request("/v1/catalog");
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      clouds: Array<{ id: string; regions: string[]; services: Array<{ id: string; path: string; parameters: string[]; items: Array<{ id: string; unit: string }>; idPatterns: Array<{ pattern: string; example: string }>; fallback: { prices: number; regions: Record<string, number> } }> }>;
      source: string;
      asOf: string;
    };
    const aws = body.clouds.find((c) => c.id === "aws");
    expect(aws?.regions).toContain("us-east-1");
    expect(aws?.services.map((s) => s.id)).toEqual(["eks", "ec2", "lambda", "sagemaker"]);
    const eks = aws?.services.find((s) => s.id === "eks");
    expect(eks?.items).toContainEqual({ id: "control-plane.standard", unit: "hour" });
    const ec2 = aws?.services.find((s) => s.id === "ec2");
    expect(ec2?.parameters).toEqual(["region", "instanceType", "minVcpu", "maxVcpu", "minMemoryGiB", "maxMemoryGiB", "architecture", "gpu", "family", "sort", "limit", "purchaseOption", "term", "payment", "offeringClass", "planType"]);
    // The purchase options the tables hold, with their regions (AWS spot is live only: not listed).
    const ec2Options = (ec2?.fallback as { purchaseOptions?: Record<string, { regions: string[] }> } | undefined)?.purchaseOptions;
    expect(Object.keys(ec2Options ?? {})).toEqual(["reserved"]);
    expect(ec2Options?.reserved?.regions).toEqual(tables.optionRegions("aws", "ec2", "reserved"));
    expect(ec2Options?.reserved?.regions).toContain("eu-west-1");
    expect(new RegExp(ec2?.idPatterns[0]?.pattern ?? "^$").test("m5.large")).toBe(true);
    for (const service of aws?.services ?? []) {
      let total = 0;
      for (const [region, n] of Object.entries(service.fallback.regions)) {
        expect(n, `${service.id} ${region}`).toBe(tables.rows("aws", service.id, region).length);
        total += n;
      }
      expect(service.fallback.prices).toBe(total);
      expect(service.path).toBe(`/v1/prices/aws/${service.id}`);
    }
    expect(body.source).toBe("fallback");
    expect(body.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
  });

  it("reports coverage per region: the share of the types each region offers that has a price, and rows with specs", async () => {
    const body = (await (await app.request("/v1/catalog")).json()) as {
      clouds: Array<{ id: string; services: Array<{ id: string; fallback: { coverage: Record<string, Record<string, number | string>>; offeredSource?: { citation: string } } }> }>;
    };
    const ec2 = body.clouds.find((c) => c.id === "aws")?.services.find((s) => s.id === "ec2");
    // Computed here from the raw files, without the server's code.
    const offered = (JSON.parse(readFileSync("fallback-pricing/offered/aws/ec2.json", "utf8")) as { regions: Record<string, string[]> }).regions;
    const raw = JSON.parse(readFileSync("fallback-pricing/aws/ec2/eu-west-1.json", "utf8")) as { rows: Array<{ id: string; vcpu?: number; memoryGiB?: number; architecture?: string; asOf: string }> };
    const list = new Set(offered["eu-west-1"]);
    const priced = raw.rows.filter((r) => list.has(r.id)).length;
    expect(ec2?.fallback.offeredSource?.citation).toContain("getmoto/moto");
    expect(ec2?.fallback.coverage["eu-west-1"]).toEqual({
      prices: raw.rows.length,
      oldestAsOf: raw.rows.map((r) => r.asOf).sort()[0],
      newestAsOf: raw.rows.map((r) => r.asOf).sort().at(-1),
      withSpecs: raw.rows.filter((r) => r.vcpu && r.memoryGiB && r.architecture).length,
      offered: list.size,
      offeredPriced: priced,
      percentOfOffered: Math.floor((priced / list.size) * 1000) / 10,
    });
    // A region without an offered list has no share; a service without instances has no spec count.
    expect(ec2?.fallback.coverage["mx-central-1"]?.offered).toBeUndefined();
    const eks = body.clouds.find((c) => c.id === "aws")?.services.find((s) => s.id === "eks");
    expect(eks?.fallback.coverage["us-east-1"]?.withSpecs).toBeUndefined();
  });
});

describe("errors a person will make", () => {
  const app = createApp(mockServices(realTables(), {}, undefined, () => new Date("2026-11-22T09:00:00Z")));

  it("GET / is a short page pointing at the docs and a first price", async () => {
    const res = await app.request("/");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("text/html");
    const html = await res.text();
    expect(html).toContain('href="/docs"');
    expect(html).toContain("/v1/prices/aws/ec2?region=us-east-1");
  });

  it("a cost filter on a service name that does not exist is a 400 with the closest names, not silent zeros", async () => {
    const res = await app.request("/v1/costs/aws?start=2026-11-01&end=2026-11-22&service=EC2");
    expect(res.status).toBe(400);
    const body = (await res.json()) as { errors: Array<{ parameter: string; message: string }> };
    expect(body.errors[0]?.parameter).toBe("service");
    expect(body.errors[0]?.message).toContain('did you mean "Amazon Elastic Compute Cloud - Compute"');
  });

  it("GET /v1/costs/aws/dimensions/{dimension} lists the values a filter can take", async () => {
    const res = await app.request("/v1/costs/aws/dimensions/SERVICE");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { values: string[]; source: string };
    expect(body.values).toContain("Amazon Elastic Compute Cloud - Compute");
    expect(body.source).toBe("mock");
    const bad = await app.request("/v1/costs/aws/dimensions/COLOUR");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { errors: Array<{ message: string }> }).errors[0]?.message).toContain("SERVICE, REGION");
  });

  it("cost regions in any case are accepted; unknown ones get the closest codes", async () => {
    expect((await app.request("/v1/costs/aws?start=2026-11-01&end=2026-11-22&region=US-EAST-1")).status).toBe(200);
    const res = await app.request("/v1/costs/aws?start=2026-11-01&end=2026-11-22&region=us-esat-1");
    expect(((await res.json()) as { errors: Array<{ message: string }> }).errors[0]?.message).toContain("did you mean us-east-1");
  });

  it("problems inside a batch carry the request id; an unknown field gets the GET routes' message", async () => {
    const res = await app.request("/v1/prices/batch", {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "batch-req-1" },
      body: JSON.stringify({
        queries: [
          { service: "eks", region: "us-east-1", regoin: "x" },
          { service: "ec2", region: "us-east-1", instanceType: "m5.lrge" },
          { service: "rds", region: "us-east-1" },
          { cloud: "awz", service: "ec2", region: "us-east-1" },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const requestId = res.headers.get("x-request-id");
    expect(requestId).toMatch(/^[0-9a-f]{32}$/);
    const { results } = (await res.json()) as { results: Array<{ status: number; body: { requestId?: string; errors?: Array<{ parameter: string; message: string }> } }> };
    for (const r of results) {
      expect(r.status).toBe(400);
      expect(r.body.requestId).toBe(requestId);
    }
    expect(results[0]?.body.errors).toEqual([{ parameter: "queries[0].regoin", message: "unknown parameter; allowed parameters: cloud, service, region, purchaseOption, term, payment, offeringClass, planType" }]);
    expect(results[1]?.body.errors?.[0]?.message).toContain("did you mean m5.large");
    expect(results[2]?.body.errors?.[0]).toMatchObject({ parameter: "queries[2].service", message: expect.stringContaining("must be one of eks, ec2, lambda, sagemaker") });
    expect(results[3]?.body.errors?.[0]).toMatchObject({ parameter: "queries[3].cloud", message: expect.stringContaining("did you mean aws") });
  });
});
