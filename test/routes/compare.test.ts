import Big from "big.js";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { loadTables } from "../../src/clouds/registry.ts";
import { mockServices } from "../helpers/app.ts";

const tables = loadTables("fallback-pricing");
const app = createApp(mockServices(tables));

type Body = {
  clouds: Array<{ cloud: string; region: string; choices: Array<{ for: string; type: string | null; why: string; hourly?: string; architecture?: string }>; estimate: { lines: Array<{ id: string; monthly: { amount: string } | null }> } | null; monthly: { amount: string } | null; complete: boolean }>;
  ranking: Array<{ rank: number | null; cloud: string }>;
  errors?: Array<{ parameter: string; message: string }>;
};

async function compare(body: unknown): Promise<{ status: number; body: Body }> {
  const res = await app.request("/v1/compare", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Body };
}

async function cheapest(query: string): Promise<{ id: string; hourly: string }> {
  const res = await app.request(`/v1/instances?${query}&limit=1`);
  return ((await res.json()) as { rows: Array<{ id: string; hourly: string }> }).rows[0] as { id: string; hourly: string };
}

describe("POST /v1/compare", () => {
  it("chooses the cheapest fitting types and prices the workload as the estimator does (hand-checked)", async () => {
    const { status, body } = await compare({
      regions: { aws: "us-east-1" },
      kubernetes: { clusters: 1, nodes: 3, minVcpu: 4, minMemoryGiB: 16 },
      functions: { requestsPerMonth: 10_000_000, avgDurationMs: 200, memoryMB: 512 },
      vms: [{ count: 2, minVcpu: 2, minMemoryGiB: 8 }],
    });
    expect(status).toBe(200);
    const aws = body.clouds[0];
    const node = await cheapest("regions=aws:us-east-1&minVcpu=4&minMemoryGiB=16&architecture=x86_64&gpu=false");
    const vm = await cheapest("regions=aws:us-east-1&minVcpu=2&minMemoryGiB=8&architecture=x86_64&gpu=false");
    expect(aws?.choices.map((c) => [c.for, c.type])).toEqual([["kubernetes.nodes", node.id], ["vms[0]", vm.id]]);
    // By hand: cluster 730 × control plane + 3 × 730 × node; functions (10M × 0.2 s × 0.5 GB − 400,000
    // free) GB-s at tier 1 + (10M − 1M free) requests; VMs 2 × 730 × vm.
    const p = (s: string, id: string) => tables.get("aws", s, "us-east-1", id)?.price as string;
    const kubernetes = new Big(p("eks", "control-plane.standard")).plus(new Big(node.hourly).times(3)).times(730);
    const functions = new Big(600_000).times(p("lambda", "duration.x86_64")).plus(new Big(9_000_000).times(p("lambda", "requests")));
    const vms = new Big(vm.hourly).times(2).times(730);
    expect(aws?.estimate?.lines.map((l) => [l.id, l.monthly?.amount])).toEqual([
      ["kubernetes", kubernetes.toFixed()],
      ["functions", functions.toFixed()],
      ["vms[0]", vms.toFixed()],
    ]);
    expect(aws?.monthly?.amount).toBe(kubernetes.plus(functions).plus(vms).toFixed());
    expect(body.ranking).toEqual([{ rank: 1, cloud: "aws", monthly: aws?.monthly, complete: true }]);
  });

  it("keeps to one architecture unless asked for any", async () => {
    const arm = await compare({ regions: { aws: "eu-west-1" }, vms: [{ minVcpu: 4, minMemoryGiB: 16, architecture: "arm64" }] });
    expect(arm.body.clouds[0]?.choices[0]?.architecture).toBe("arm64");
    const any = await compare({ regions: { aws: "eu-west-1" }, vms: [{ minVcpu: 4, minMemoryGiB: 16, architecture: "any" }] });
    const cheapestAny = await cheapest("regions=aws:eu-west-1&minVcpu=4&minMemoryGiB=16&gpu=false");
    expect(any.body.clouds[0]?.choices[0]?.type).toBe(cheapestAny.id);
  });

  it("a region where nothing fits is not ranked, and says why", async () => {
    const { body } = await compare({ regions: { aws: "ap-east-2" }, vms: [{ minVcpu: 2, minMemoryGiB: 4 }] });
    expect(body.clouds[0]).toMatchObject({ complete: false, choices: [{ type: null, why: expect.stringContaining("ap-east-2") }] });
    expect(body.ranking).toEqual([{ rank: null, cloud: "aws", monthly: null, complete: false }]);
  });

  it.each([
    [{ regions: { awz: "us-east-1" }, vms: [{ minVcpu: 2, minMemoryGiB: 4 }] }, "regions.awz", "did you mean aws"],
    [{ regions: { aws: "us-est-1" }, vms: [{ minVcpu: 2, minMemoryGiB: 4 }] }, "regions.aws", "us-east-1"],
    [{ regions: { aws: "us-east-1" } }, "kubernetes", "at least one of"],
    [{ regions: {}, vms: [{ minVcpu: 2, minMemoryGiB: 4 }] }, "regions", "at least one cloud"],
    [{ regions: { aws: "us-east-1" }, vms: [{ minVcpu: -2, minMemoryGiB: 4 }] }, "vms.0.minVcpu", "more than 0"],
    [{ regions: { aws: "us-east-1" }, functions: { requestsPerMonth: 1e12, avgDurationMs: 100, memoryMB: 128 } }, "functions.requestsPerMonth", "at most"],
  ])("bad input is a 400 naming the field (%#)", async (body, parameter, message) => {
    const res = await compare(body);
    expect(res.status).toBe(400);
    expect(res.body.errors).toContainEqual({ parameter, message: expect.stringContaining(message) });
  });
});
