import Big from "big.js";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { mockServices, realTables } from "../helpers/app.ts";

const tables = realTables();
const app = createApp(mockServices(tables));
const price = (service: string, id: string) => tables.get("azure", service, "eastus", id)?.price as string;

type Line = { monthly: { amount: string } | null; items: Array<{ item: string; quantity: string; amount: { amount: string }; freeTier?: { quantity: string } }>; unavailable: unknown[]; notes: string[] };
async function estimate(lines: unknown[], freeTier = true): Promise<{ status: number; lines: Line[]; errors?: Array<{ parameter: string; message: string }> }> {
  const res = await app.request("/v1/estimates", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ lines, freeTier }) });
  const body = (await res.json()) as { lines: Line[]; errors?: Array<{ parameter: string; message: string }> };
  return { status: res.status, ...body };
}
const fn = (requests: number, ms: number, memoryMB: number) => ({ cloud: "azure", service: "functions", region: "eastus", requestsPerMonth: requests, avgDurationMs: ms, memoryMB });

describe("POST /v1/estimates, Azure", () => {
  it("Functions Consumption: 3M executions × 1 s at 512 MB, the monthly grants applied (hand-checked)", async () => {
    // (3M × 1 s × 0.5 GB) − 400,000 free = 1,100,000 GB-s; 3M − 1M free = 2M executions (published per 10).
    const { lines } = await estimate([fn(3_000_000, 1000, 512)]);
    const items = lines[0]?.items ?? [];
    expect(items.find((i) => i.item === "consumption.execution-time")).toMatchObject({ quantity: "1100000", freeTier: { quantity: "400000" } });
    expect(items.find((i) => i.item === "consumption.executions")).toMatchObject({ quantity: "2000000", freeTier: { quantity: "1000000" } });
    const expected = new Big(1_100_000).times(price("functions", "consumption.execution-time")).plus(new Big(2_000_000).times(price("functions", "consumption.executions")));
    expect(lines[0]?.monthly?.amount).toBe(expected.toFixed());
    expect(lines[0]?.monthly?.amount).toBe("18");
  });

  it("Microsoft's own examples (Azure/Azure-Functions wiki, Consumption Plan Cost Billing FAQ): 0.5 GB for 3 s is 1.5 GB-s; 160 MB is billed as 256 MB", async () => {
    const half = await estimate([fn(1, 3000, 512)], false);
    expect(half.lines[0]?.items.find((i) => i.item === "consumption.execution-time")?.quantity).toBe("1.5");
    const rounded = await estimate([fn(1, 1000, 160)], false);
    expect(rounded.lines[0]?.items.find((i) => i.item === "consumption.execution-time")?.quantity).toBe("0.25");
  });

  it("rounds memory up to 128 MB steps and time up to 100 ms at least", async () => {
    const { lines } = await estimate([fn(1_000, 50, 300)], false);
    // 300 MB → 384 MB; 50 ms → 100 ms: 1,000 × 0.1 s × 384/1024 GB = 37.5 GB-s.
    expect(lines[0]?.items.find((i) => i.item === "consumption.execution-time")?.quantity).toBe("37.5");
  });

  it("AKS: tier per cluster-hour (Free published at $0, without SLA), node pools at their VM price", async () => {
    const { lines } = await estimate([
      { cloud: "azure", service: "aks", region: "eastus", tier: "standard", nodes: [{ vmSize: "standard_d4s_v5", count: 3 }] },
      { cloud: "azure", service: "aks", region: "eastus", nodes: [{ vmSize: "Standard_D4s_v5", count: 3 }] },
    ]);
    const standard = new Big(price("aks", "control-plane.standard")).plus(new Big(price("vm", "Standard_D4s_v5")).times(3)).times(730);
    expect(lines[0]?.monthly?.amount).toBe(standard.toFixed());
    expect(lines[1]?.items[0]).toMatchObject({ item: "control-plane.free", amount: { amount: "0" } });
    expect(lines[1]?.notes.join(" ")).toContain("without an uptime SLA");
  });

  it("Machine Learning compute at the VM's Linux price", async () => {
    const { lines } = await estimate([{ cloud: "azure", service: "ml", region: "eastus", component: "compute-cluster", instanceType: "Standard_D2s_v5", count: 2 }]);
    expect(lines[0]?.monthly?.amount).toBe(new Big(price("vm", "Standard_D2s_v5")).times(2).times(730).toFixed());
  });

  it.each([
    [{ cloud: "azure", service: "vm", region: "eastus", type: "Standard_D2s_v9" }, "lines[0].type", "not a VM size Azure has priced"],
    [{ cloud: "azure", service: "vm", region: "eastus", type: "m5.large" }, "lines[0].type", "Azure VM size"],
    [{ ...fn(10, 100, 2048) }, "lines[0].memoryMB", "1536"],
    [{ cloud: "azure", service: "aks", region: "eastus", tier: "gold" }, "lines[0].tier", "free, standard, premium"],
    [{ cloud: "azure", service: "vm", region: "east-us", type: "Standard_D2s_v5" }, "lines[0].region", "eastus"],
  ])("bad input is a 400 naming the field (%#)", async (line, parameter, message) => {
    const res = await estimate([line]);
    expect(res.status).toBe(400);
    expect(res.errors).toContainEqual({ parameter, message: expect.stringContaining(message) });
  });
});
