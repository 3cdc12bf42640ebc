import Big from "big.js";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { mockServices, realTables } from "../helpers/app.ts";

const tables = realTables();
const app = createApp(mockServices(tables));
const price = (service: string, id: string, region = "us-central1") => tables.get("gcp", service, region, id)?.price as string;

type Line = { monthly: { amount: string } | null; complete: boolean; items: Array<{ item: string; quantity: string; amount: { amount: string }; freeTier?: { quantity: string } }>; unavailable: Array<{ item: string }>; notes: string[] };
async function post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> & { lines?: Line[]; errors?: Array<{ parameter: string; message: string }> } }> {
  const res = await app.request(path, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as never };
}

describe("POST /v1/estimates, Google Cloud", () => {
  it("Cloud Run: vCPU-seconds after the free tier, 100 ms steps; what the tables lack is listed, not 0 (hand-checked)", async () => {
    const { body } = await post("/v1/estimates", { lines: [{ cloud: "gcp", service: "cloud-run", region: "us-central1", requestsPerMonth: 3_000_000, avgDurationMs: 950, memoryMB: 512 }] });
    const line = body.lines?.[0] as Line;
    // 950 ms is billed as 1,000 ms: 3M × 1 s × 1 vCPU − 180,000 free = 2,820,000 vCPU-s.
    const cpu = line.items.find((i) => i.item === "cpu");
    expect(cpu).toMatchObject({ quantity: "2820000", freeTier: { quantity: "180000" } });
    expect(cpu?.amount.amount).toBe(new Big(2_820_000).times(price("cloud-run", "cpu")).toFixed());
    for (const id of ["memory", "requests"]) if (!tables.get("gcp", "cloud-run", "us-central1", id)) expect(line.unavailable.map((u) => u.item)).toContain(id);
    expect(line.complete).toBe(line.unavailable.length === 0);
  });

  it("GKE: the monthly credit covers one zonal cluster's fee, never a regional Standard one; nodes at Compute Engine prices", async () => {
    const { body } = await post("/v1/estimates", {
      lines: [
        { cloud: "gcp", service: "gke", region: "us-central1", nodes: [{ machineType: "e2-standard-4", count: 3 }] },
        { cloud: "gcp", service: "gke", region: "us-central1", regional: true },
      ],
    });
    const [zonal, regional] = body.lines as Line[];
    expect(zonal?.items[0]).toMatchObject({ item: "control-plane.standard", quantity: "0", freeTier: { quantity: "730" }, amount: { amount: "0" } });
    expect(zonal?.monthly?.amount).toBe(new Big(price("compute", "e2-standard-4")).times(3).times(730).toFixed());
    // The credit was used by the first cluster; the regional one would not get it anyway.
    expect(regional?.monthly?.amount).toBe(new Big(price("gke", "control-plane.standard")).times(730).toFixed());
    expect(regional?.notes.join(" ")).toContain("regional Standard");
  });

  it("Compute Engine at the machine type's list price", async () => {
    const { body } = await post("/v1/estimates", { lines: [{ cloud: "gcp", service: "compute", region: "us-central1", type: "N2-standard-4", count: 2 }] });
    expect(body.lines?.[0]?.monthly?.amount).toBe(new Big(price("compute", "n2-standard-4")).times(2).times(730).toFixed());
  });

  it.each([
    [{ cloud: "gcp", service: "compute", region: "us-central1", type: "n2-standard-5" }, "lines[0].type", "not an instance type"],
    [{ cloud: "gcp", service: "cloud-run", region: "us-central1", requestsPerMonth: 1, avgDurationMs: 1, memoryMB: 64 }, "lines[0].memoryMB", "at least 128"],
    [{ cloud: "gcp", service: "gke", region: "us-centrall1" }, "lines[0].region", "us-central1"],
  ])("bad input is a 400 naming the field (%#)", async (line, parameter, message) => {
    const res = await post("/v1/estimates", { lines: [line] });
    expect(res.status).toBe(400);
    expect(res.body.errors).toContainEqual({ parameter, message: expect.stringContaining(message) });
  });
});

describe("POST /v1/compare across the three clouds", () => {
  it("prices one workload on AWS, Azure and Google Cloud, ranks the complete ones, and says where they are not equivalent", async () => {
    const { status, body } = await post("/v1/compare", {
      regions: { aws: "us-east-1", azure: "eastus", gcp: "us-central1" },
      kubernetes: { clusters: 1, nodes: 3, minVcpu: 4, minMemoryGiB: 16 },
      vms: [{ count: 2, minVcpu: 2, minMemoryGiB: 8 }],
    });
    expect(status).toBe(200);
    const clouds = body.clouds as Array<{ cloud: string; monthly: { amount: string } | null; complete: boolean; choices: Array<{ architecture?: string }>; notes: string[] }>;
    expect(clouds.map((c) => c.cloud)).toEqual(["aws", "azure", "gcp"]);
    for (const c of clouds) for (const ch of c.choices) expect(ch.architecture).toBe("x86_64");
    const ranking = body.ranking as Array<{ rank: number | null; cloud: string; monthly: { amount: string } | null }>;
    const ranked = ranking.filter((r) => r.rank !== null);
    for (let i = 1; i < ranked.length; i++) expect(new Big(ranked[i - 1]?.monthly?.amount as string).lte(ranked[i]?.monthly?.amount as string)).toBe(true);
    expect(clouds.find((c) => c.cloud === "azure")?.notes.join(" ")).toContain("no SLA");
    expect(clouds.find((c) => c.cloud === "gcp")?.notes.join(" ")).toContain("once per billing account");
  });
});
