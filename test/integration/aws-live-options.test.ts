import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { createApp } from "../../src/app.ts";
import { loadTables } from "../../src/clouds/registry.ts";
import type { FallbackTables } from "../../src/fallback/tables.ts";
import { createServices } from "../../src/services.ts";
import { ec2Items } from "../fakes/pricelist-items.ts";
import { FakePricingApi } from "../fakes/pricing-fake.ts";
import { ec2Rate, FakeSavingsPlans, savingsPlansHandlers } from "../fakes/savingsplans-fake.ts";
import { mockServices } from "../helpers/app.ts";
import { pricingMsw } from "../helpers/aws-msw.ts";
import { FAKE_CREDENTIALS, liveConfig } from "../helpers/live.ts";

/**
 * AWS reserved instances and Savings Plans in live mode. Reserved: the Price List fake serves the real
 * m5.large us-east-1 GetProducts item (aws/amazon-ec2-instance-selector, copied in
 * test/fixtures/pricelist/real/) with its 12 Reserved terms; Savings Plans: a fake of the Savings Plans
 * API's DescribeSavingsPlansOfferingRates (restJson1). The tables are the shipped us-east-1 EC2 tables
 * only (on-demand and reserved, no savings-plan), copied to a temporary directory so that what the
 * tables can answer is fixed here.
 */
const ENDPOINT_HOST = "savingsplans.endpoint.test";

/** The real item; `regionCode` added, as every current GetProducts item carries it (the fake filters on it). */
const realM5 = JSON.parse(readFileSync("test/fixtures/pricelist/real/pricelist-item-ec2-m5.large-us-east-1.json", "utf8"));
realM5.product.attributes.regionCode = "us-east-1";
/** c5.xlarge with on-demand terms only: the Price List has no Reserved term for it here. */
const c5 = ec2Items("us-east-1", [{ type: "c5.xlarge", usd: "0.1700000000", vcpu: "4", memory: "8 GiB" }]);

const pricing = new FakePricingApi().add("AmazonEC2", [realM5, ...c5]);
const sp = new FakeSavingsPlans();
const server = pricingMsw(pricing, savingsPlansHandlers(sp, [ENDPOINT_HOST]));
let dir: string;
let tables: FallbackTables;
const open: Array<{ close(): Promise<void> }> = [];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "pricebook-aws-options-"));
  mkdirSync(join(dir, "aws/ec2/reserved"), { recursive: true });
  copyFileSync("fallback-pricing/aws/ec2/us-east-1.json", join(dir, "aws/ec2/us-east-1.json"));
  copyFileSync("fallback-pricing/aws/ec2/reserved/us-east-1.json", join(dir, "aws/ec2/reserved/us-east-1.json"));
  for (const d of ["specs", "spot-advisor"]) symlinkSync(resolve("fallback-pricing", d), join(dir, d));
  tables = loadTables(dir);
  server.listen({ onUnhandledFrame: "error" });
});
afterAll(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(async () => {
  for (const h of open.splice(0)) await h.close();
  pricing.reset();
  sp.reset();
  vi.useRealTimers();
  vi.unstubAllEnvs();
});

/** What the services logged (warn and above), as parsed lines. */
const logged: Array<Record<string, unknown>> = [];
const sink = { write: (line: string) => void logged.push(JSON.parse(line) as Record<string, unknown>) };

function live(env: Record<string, string> = {}) {
  const config = liveConfig({ UPSTREAM_RETRIES: "1", SAVINGS_PLANS_RATE_PER_SECOND: "1000", SAVINGS_PLANS_BURST: "1000", ...env });
  const services = createServices({ config, logger: pino({ level: "warn" }, sink), mode: { mode: "live", reason: "test" }, tables, version: "test", credentials: FAKE_CREDENTIALS });
  open.push(services);
  return createApp(services);
}

interface Item {
  id: string;
  price: string;
  source: string;
  asOf: string;
  purchase: Record<string, unknown>;
}
type Body = { items?: Item[]; unavailable?: Array<{ id: string; reason: string }>; code?: string; detail?: string };

async function ask(app: ReturnType<typeof createApp>, query: string) {
  const res = await app.request(`/v1/prices/aws/ec2?region=us-east-1&${query}`);
  return { status: res.status, body: (await res.json()) as Body };
}

const PARTIAL = "purchaseOption=reserved&term=1yr&payment=partial-upfront&offeringClass=standard";

describe("AWS reserved instances in live mode (the Price List's Reserved terms)", () => {
  it("answers the published Hrs rate and upfront fee of the asked term, from the one query that also prices on demand", async () => {
    const app = live();
    const { status, body } = await ask(app, `instanceType=m5.large&${PARTIAL}`);
    expect(status).toBe(200);
    const item = body.items?.[0];
    // Published: HU7G6KETJZ, Hrs 0.0290000000 and Quantity 252. By hand: 0.029 × 8,760 + 252 = 506.04;
    // 506.04 ÷ 8,760 = 0.05776712328… → 0.0577671233; ÷ (0.096 × 8,760 = 840.96) = 0.601741…; saving 39.8259 %.
    expect(item).toMatchObject({ id: "m5.large", price: "0.0577671233", source: "live", sku: "6C86BEPQVG73ZGGR" });
    expect(item?.purchase).toMatchObject({
      option: "reserved",
      term: "1yr",
      payment: "partial-upfront",
      offeringClass: "standard",
      recurring: "0.029",
      upfront: "252",
      effectiveHourly: "0.0577671233",
      effectiveHourlyExact: false,
      termCost: "506.04",
      onDemandPrice: "0.0960000000",
      onDemandSource: "cache",
      savingPercent: "39.8259",
      breakEvenUtilisation: "0.601741",
    });
    expect(item?.purchase.note).toContain("HU7G6KETJZ");
    // One GetProducts call answered the reserved terms and the on-demand comparison.
    expect(pricing.callsFor("AmazonEC2")).toHaveLength(1);
    const filters = Object.fromEntries((pricing.calls[0]?.Filters ?? []).map((f) => [f.Field, f.Value]));
    expect(filters).toMatchObject({ regionCode: "us-east-1", operatingSystem: "Linux", tenancy: "Shared", preInstalledSw: "NA", capacitystatus: "Used", operation: "RunInstances", instanceType: "m5.large" });

    // The table path (mock mode) states the same published numbers and the same arithmetic.
    const tablePath = await ask(createApp(mockServices(tables)), `instanceType=m5.large&${PARTIAL}`);
    const fields = ["recurring", "upfront", "effectiveHourly", "termCost", "breakEvenUtilisation", "savingPercent"];
    const pick = (p: Record<string, unknown> | undefined) => Object.fromEntries(fields.map((f) => [f, p?.[f]]));
    expect(pick(tablePath.body.items?.[0]?.purchase)).toEqual(pick(item?.purchase));
  });

  it("resolves open fields to the defaults among the 12 terms, serves later questions from the cache, and shares it with on-demand", async () => {
    const app = live();
    const first = await ask(app, "instanceType=m5.large&purchaseOption=reserved");
    expect(first.body.items?.[0]?.purchase).toMatchObject({ term: "1yr", payment: "no-upfront", offeringClass: "standard", recurring: "0.06", upfront: "0" });
    const allUp = await ask(app, "instanceType=m5.large&purchaseOption=reserved&term=3yr&payment=all-upfront&offeringClass=convertible");
    expect(allUp.body.items?.[0]).toMatchObject({ source: "cache", purchase: { recurring: "0", upfront: "1161", termCost: "1161" } });
    const onDemand = await ask(app, "instanceType=m5.large");
    expect(onDemand.body.items?.[0]).toMatchObject({ price: "0.0960000000", source: "cache" });
    expect(pricing.callsFor("AmazonEC2")).toHaveLength(1);
  });

  it("an instance type without Reserved terms in the Price List is unavailable, never 0", async () => {
    const { status, body } = await ask(live(), `instanceType=m5.large,c5.xlarge&${PARTIAL}`);
    expect(status).toBe(200);
    expect(body.items?.map((i) => i.id)).toEqual(["m5.large"]);
    expect(body.unavailable?.map((u) => u.id)).toEqual(["c5.xlarge"]);
  });

  it("the Price List failing: the tables answer, with source fallback, and the operator is told", async () => {
    pricing.mode = "error500";
    logged.length = 0;
    const { status, body } = await ask(live(), `instanceType=m5.large&${PARTIAL}`);
    expect(status).toBe(200);
    expect(logged.some((l) => l.msg === "aws reserved price lookup failed; serving the option tables" && String(l.what).includes("Amazon EC2 reserved 1yr partial-upfront"))).toBe(true);
    expect(body.items?.[0]).toMatchObject({ source: "fallback", asOf: "2021-02-05", purchase: { recurring: "0.029", upfront: "252", effectiveHourly: "0.0577671233" } });
    expect(pricing.callsFor("AmazonEC2").length).toBeGreaterThanOrEqual(2);
  });
});

/** m5.large's 12 rates in us-east-1: 6 Compute, then 6 EC2 Instance (2 terms × 3 payments each; the test's own numbers). */
function m5Rates(): void {
  const payments = ["No Upfront", "Partial Upfront", "All Upfront"] as const;
  const compute = { 1: ["0.068", "0.0653", "0.064"], 3: ["0.047", "0.0447", "0.043"] } as const;
  const instance = { 1: ["0.06", "0.0573", "0.056"], 3: ["0.041", "0.0393", "0.038"] } as const;
  for (const [plan, table] of [["Compute", compute], ["EC2Instance", instance]] as const) {
    for (const years of [1, 3] as const) payments.forEach((p, i) => sp.rates.push(ec2Rate("m5.large", plan, years, p, table[years][i] as string)));
  }
}

describe("AWS Savings Plans in live mode (DescribeSavingsPlansOfferingRates)", () => {
  it("answers Compute and EC2 Instance rates as published, following nextToken, with source live", async () => {
    m5Rates();
    sp.pageSize = 7;
    const app = live();
    const compute = await ask(app, "instanceType=m5.large&purchaseOption=savings-plan");
    expect(compute.status).toBe(200);
    expect(compute.body.items?.[0]).toMatchObject({ id: "m5.large", price: "0.068", source: "live" });
    expect(compute.body.items?.[0]?.purchase).toMatchObject({
      option: "savings-plan",
      term: "1yr",
      payment: "no-upfront",
      planType: "compute",
      recurring: "0.068",
      upfront: "0",
      effectiveHourly: "0.068",
      effectiveHourlyExact: true,
      // 0.068 × 8,760 = 595.68; ÷ 840.96 = 0.708333 (29.1667 % saved).
      termCost: "595.68",
      breakEvenUtilisation: "0.708333",
      savingPercent: "29.1667",
    });
    expect(compute.body.items?.[0]?.purchase.note).toContain("no upfront fee per instance");
    // 12 rates in pages of 7: two calls, the second the same question with the first page's token.
    expect(sp.calls).toHaveLength(2);
    expect(sp.calls[0]?.body.nextToken).toBeUndefined();
    expect(sp.calls[1]?.body).toEqual({ ...sp.calls[0]?.body, nextToken: expect.any(String) });
    const first = sp.calls[0]?.body;
    expect(first).toMatchObject({ savingsPlanTypes: ["Compute", "EC2Instance"], products: ["EC2"], serviceCodes: ["AmazonEC2"], operations: ["RunInstances"], maxResults: 1000 });
    expect(first?.filters).toEqual([
      { name: "region", values: ["us-east-1"] },
      { name: "instanceType", values: ["m5.large"] },
      { name: "productDescription", values: ["Linux/UNIX"] },
      { name: "tenancy", values: ["shared"] },
    ]);
    expect(sp.calls[0]?.path).toBe("/DescribeSavingsPlansOfferingRates");
    expect(sp.calls[0]?.host).toBe("savingsplans.amazonaws.com");

    // This EC2 Instance rate was on the second page; it is answered from the cached rates.
    const instance = await ask(app, "instanceType=m5.large&purchaseOption=savings-plan&planType=ec2-instance&term=3yr&payment=partial-upfront");
    expect(instance.body.items?.[0]).toMatchObject({ price: "0.0393", source: "cache", purchase: { planType: "ec2-instance", term: "3yr", payment: "partial-upfront", recurring: "0.0393", upfront: "0" } });
    expect(sp.calls).toHaveLength(2);
  });

  it("the Savings Plans API failing: the tables have no AWS savings plan, so a 503 naming the API, never a guess", async () => {
    m5Rates();
    sp.failStatus = 500;
    const { status, body } = await ask(live(), "instanceType=m5.large&purchaseOption=savings-plan");
    expect(status).toBe(503);
    expect(body.code).toBe("upstream_unavailable");
    expect(body.detail).toContain("AWS Savings Plans");
    expect(body.detail).toContain("no cached or fallback savings-plan");
    expect(body).not.toHaveProperty("items");
    // Retries live in the guard only (UPSTREAM_RETRIES 1; the SDK makes one attempt per call).
    expect(sp.calls).toHaveLength(2);
  });

  it("a listing without instanceType is the tables' question: none for AWS, a 404 naming it", async () => {
    const { status, body } = await ask(live(), "purchaseOption=savings-plan");
    expect(status).toBe(404);
    expect(body.detail).toContain("no savings-plan prices for Amazon EC2 in us-east-1");
    expect(sp.calls).toHaveLength(0);
  });

  it("goes to AWS_ENDPOINT_URL_SAVINGSPLANS when it is set (the SDK's own resolution)", async () => {
    vi.stubEnv("AWS_ENDPOINT_URL_SAVINGSPLANS", `https://${ENDPOINT_HOST}`);
    m5Rates();
    expect((await ask(live(), "instanceType=m5.large&purchaseOption=savings-plan")).status).toBe(200);
    expect(sp.calls.map((c) => c.host)).toEqual([ENDPOINT_HOST]);
  });
});
