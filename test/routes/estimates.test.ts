import Big from "big.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { loadTables } from "../../src/clouds/registry.ts";
import { mockServices } from "../helpers/app.ts";

const tables = loadTables("fallback-pricing");
const app = createApp(mockServices(tables));
const price = (service: string, region: string, id: string) => tables.get("aws", service, region, id)?.price as string;

interface Answer {
  lines: Array<{
    id?: string;
    monthly: { amount: string } | null;
    hourly?: { amount: string } | null;
    items: Array<{ item: string; quantity: string; price: string; amount: { amount: string }; freeTier?: { quantity: string }; tiers?: unknown[]; source: string; asOf: string }>;
    unavailable: Array<{ item: string; reason: string }>;
    complete: boolean;
  }>;
  total: { monthly: { amount: string } | null; display: string | null; complete: boolean };
  detail?: string;
  errors?: Array<{ parameter: string; message: string }>;
}

async function estimate(body: unknown): Promise<{ status: number; body: Answer }> {
  const res = await app.request("/v1/estimates", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Answer };
}

const lambdaLine = (requests: number, ms: number, memoryMB: number, extra: Record<string, unknown> = {}) => ({
  cloud: "aws",
  service: "lambda",
  region: "us-east-1",
  requestsPerMonth: requests,
  avgDurationMs: ms,
  memoryMB,
  ...extra,
});

describe("POST /v1/estimates, AWS", () => {
  it("Lambda, AWS's pricing-page example 1: 3M requests × 1 s at 512 MB", async () => {
    // aws.amazon.com/lambda/pricing, "Example 1": 1,500,000 GB-s − 400,000 free = 1,100,000 GB-s; 3M − 1M free
    // = 2M requests × $0.20/M = $0.40. The page multiplies by $0.00001667 (rounded) to get $18.34 + $0.40 =
    // $18.74; with the published unit price 0.0000166667 the exact amount is 1,100,000 × 0.0000166667.
    const { status, body } = await estimate({ lines: [lambdaLine(3_000_000, 1000, 512)] });
    expect(status).toBe(200);
    const [line] = body.lines;
    const duration = line?.items.find((i) => i.item === "duration.x86_64");
    expect(duration).toMatchObject({ quantity: "1100000", freeTier: { quantity: "400000" }, price: price("lambda", "us-east-1", "duration.x86_64") });
    expect(duration?.amount.amount).toBe(new Big("1100000").times(price("lambda", "us-east-1", "duration.x86_64")).toFixed());
    expect(duration?.amount.amount).toBe("18.33337");
    const requests = line?.items.find((i) => i.item === "requests");
    expect(requests).toMatchObject({ quantity: "2000000", freeTier: { quantity: "1000000" }, amount: { amount: "0.4" } });
    expect(body.total).toEqual({ monthly: { amount: "18.73337", unit: "USD" }, display: "18.73", complete: true });
    expect(line?.items.every((i) => i.source === "fallback" && /^\d{4}-\d{2}-\d{2}$/.test(i.asOf))).toBe(true);
  });

  it("Lambda, example 2: 30M requests × 200 ms at 128 MB", async () => {
    // 30M × 0.2 s × 128/1024 = 750,000 GB-s − 400,000 = 350,000 GB-s; 29M billable requests.
    const { body } = await estimate({ lines: [lambdaLine(30_000_000, 200, 128)] });
    const items = body.lines[0]?.items ?? [];
    expect(items.find((i) => i.item === "duration.x86_64")?.quantity).toBe("350000");
    expect(items.find((i) => i.item === "requests")?.amount.amount).toBe("5.8");
    expect(body.total.monthly?.amount).toBe(new Big("350000").times("0.0000166667").plus("5.8").toFixed());
  });

  it("bills duration in 1 ms steps, and uses the arm64 tiers when asked", async () => {
    const { body } = await estimate({ freeTier: false, lines: [lambdaLine(1_000, 0.2, 1024, { architecture: "arm64" })] });
    const duration = body.lines[0]?.items.find((i) => i.item === "duration.arm64");
    // 0.2 ms is billed as 1 ms: 1,000 × 0.001 s × 1 GB.
    expect(duration?.quantity).toBe("1");
    expect(duration?.tiers).toHaveLength(1);
  });

  it("prices usage across Lambda's volume tiers, tier by tier", async () => {
    // 10 billion GB-s a month: the first 6 billion at tier 1, the next 4 billion at tier 2 (us-east-1).
    const { body } = await estimate({ freeTier: false, lines: [lambdaLine(10_000_000_000, 1000, 1024)] });
    const duration = body.lines[0]?.items.find((i) => i.item === "duration.x86_64") as { tiers: Array<{ quantity: string; price: string; amount: string }>; amount: { amount: string } };
    const tiers = tables.get("aws", "lambda", "us-east-1", "duration.x86_64")?.tiers ?? [];
    expect(duration.tiers.map((t) => [t.quantity, t.price])).toEqual([
      ["6000000000", tiers[0]?.price],
      ["4000000000", tiers[1]?.price],
    ]);
    expect(duration.amount.amount).toBe(new Big("6000000000").times(tiers[0]?.price as string).plus(new Big("4000000000").times(tiers[1]?.price as string)).toFixed());
  });

  it("shares a free grant between the lines of one estimate, and applies none when asked", async () => {
    const shared = await estimate({ lines: [lambdaLine(3_000_000, 1000, 512, { id: "a" }), lambdaLine(3_000_000, 1000, 512, { id: "b" })] });
    const gb = (l: Answer["lines"][number] | undefined) => l?.items.find((i) => i.item === "duration.x86_64");
    expect(gb(shared.body.lines[0])?.freeTier?.quantity).toBe("400000");
    expect(gb(shared.body.lines[1])?.freeTier?.quantity).toBe("0");
    expect(gb(shared.body.lines[1])?.quantity).toBe("1500000");
    const none = await estimate({ freeTier: false, lines: [lambdaLine(3_000_000, 1000, 512)] });
    expect(gb(none.body.lines[0])?.quantity).toBe("1500000");
    expect(gb(none.body.lines[0])?.freeTier).toBeUndefined();
  });

  it("EKS: control plane per cluster-hour and nodes at their EC2 price, hourly and monthly", async () => {
    const { body } = await estimate({ lines: [{ cloud: "aws", service: "eks", region: "us-east-1", clusters: 1, nodes: [{ instanceType: "m5.large", count: 3 }] }] });
    const cp = new Big(price("eks", "us-east-1", "control-plane.standard"));
    const node = new Big(price("ec2", "us-east-1", "m5.large"));
    const hourly = cp.plus(node.times(3));
    expect(body.lines[0]?.hourly?.amount).toBe(hourly.toFixed());
    expect(body.total.monthly?.amount).toBe(hourly.times(730).toFixed());
    expect(body.total.monthly?.amount).toBe("283.24");
  });

  it("a type the region does not price is listed unavailable, never 0, and the total says it is incomplete", async () => {
    const region = "eu-west-1";
    const missing = tables.regions("aws", "ec2").flatMap((r) => [...tables.ids("aws", "ec2", r)]).find((id) => !tables.get("aws", "ec2", region, id)) as string;
    const { status, body } = await estimate({
      lines: [
        { cloud: "aws", service: "ec2", region, type: "m5.large", count: 1 },
        { cloud: "aws", service: "ec2", region, type: missing, count: 2 },
      ],
    });
    expect(status).toBe(200);
    expect(body.lines[1]).toMatchObject({ monthly: null, complete: false, unavailable: [{ item: missing }] });
    expect(body.total.complete).toBe(false);
    expect(body.total.monthly?.amount).toBe(body.lines[0]?.monthly?.amount);
  });

  it.each([
    [{ lines: [lambdaLine(-1, 100, 512)] }, "lines[0].requestsPerMonth", "0 to"],
    [{ lines: [lambdaLine(1e12, 100, 512)] }, "lines[0].requestsPerMonth", "at most 100000000000"],
    [{ lines: [lambdaLine(10, 100, 64)] }, "lines[0].memoryMB", "at least 128"],
    [{ lines: [{ cloud: "aws", service: "ec2", region: "us-east-1", type: "m5.lrge" }] }, "lines[0].type", "did you mean m5.large"],
    [{ lines: [{ cloud: "aws", service: "ec2", region: "us-east-1", type: "m5.96xlarge" }] }, "lines[0].type", "not an instance type"],
    [{ lines: [{ cloud: "aws", service: "ec2", type: "m5.large" }] }, "lines[0].region", "region is required"],
    [{ lines: [{ cloud: "aws", service: "ec2", region: "us-est-1", type: "m5.large" }] }, "lines[0].region", "us-east-1"],
    [{ lines: [{ cloud: "aws", service: "lamda", region: "us-east-1" }] }, "lines[0].service", "did you mean lambda"],
    [{ lines: [{ cloud: "awz", service: "ec2", region: "us-east-1" }] }, "lines[0].cloud", "did you mean aws"],
    [{ lines: [{ cloud: "aws", service: "eks", region: "us-east-1", nodes: [{ instanceType: "m5.large", count: 1.5 }] }] }, "lines[0].nodes.0.count", "whole number"],
    [{ lines: [{ cloud: "aws", service: "ec2", region: "us-east-1", type: "m5.large", hoursPerMonth: 800 }] }, "lines[0].hoursPerMonth", "744"],
    [{ lines: [{ cloud: "aws", service: "ec2", region: "us-east-1", type: "m5.large", colour: "red" }] }, "lines[0]", "colour"],
    [{ lines: [] }, "lines", "at least one"],
  ])("bad input is a 400 naming the field (%#)", async (body, parameter, message) => {
    const res = await estimate(body);
    expect(res.status).toBe(400);
    const named = res.body.errors?.find((e) => e.parameter === parameter || (parameter === "lines[0]" && e.parameter.startsWith("lines[0]")));
    expect(named, JSON.stringify(res.body.errors)).toBeDefined();
    expect(named?.message).toContain(message);
  });
});

describe("estimates: properties", () => {
  const line = fc.record({
    requests: fc.integer({ min: 0, max: 50_000_000_000 }),
    ms: fc.integer({ min: 1, max: 900_000 }),
    memoryMB: fc.integer({ min: 128, max: 10_240 }),
    arm: fc.boolean(),
  });
  const toLine = (l: { requests: number; ms: number; memoryMB: number; arm: boolean }) => lambdaLine(l.requests, l.ms, l.memoryMB, { architecture: l.arm ? "arm64" : "x86_64" });

  it("a workload's total is the sum of its lines, no amount is negative, and without free tiers a line costs the same alone or together", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(line, { minLength: 1, maxLength: 4 }), fc.boolean(), async (lines, freeTier) => {
        const { status, body } = await estimate({ freeTier, lines: lines.map(toLine) });
        expect(status).toBe(200);
        const sum = body.lines.reduce((acc, l) => acc.plus(l.monthly?.amount ?? "0"), new Big(0));
        expect(body.total.monthly?.amount).toBe(sum.toFixed());
        for (const l of body.lines) for (const i of l.items) expect(new Big(i.amount.amount).gte(0)).toBe(true);
        if (!freeTier) {
          for (let k = 0; k < lines.length; k++) {
            const alone = await estimate({ freeTier, lines: [toLine(lines[k] as never)] });
            expect(alone.body.total.monthly?.amount).toBe(body.lines[k]?.monthly?.amount);
          }
        }
      }),
      { numRuns: 25 },
    );
  });

  it("more requests never cost less", async () => {
    await fc.assert(
      fc.asyncProperty(line, fc.integer({ min: 1, max: 10_000_000_000 }), fc.boolean(), async (l, more, freeTier) => {
        const a = await estimate({ freeTier, lines: [toLine(l)] });
        const b = await estimate({ freeTier, lines: [toLine({ ...l, requests: l.requests + more })] });
        expect(new Big(b.body.total.monthly?.amount ?? "0").gte(a.body.total.monthly?.amount ?? "0")).toBe(true);
      }),
      { numRuns: 25 },
    );
  });
});
