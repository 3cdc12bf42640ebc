import { describe, expect, it } from "vitest";
import { realTables } from "../helpers/app.ts";
import { withGcpLive } from "../helpers/gcp-live.ts";
import { liveApp, liveConfig } from "../helpers/live.ts";
import { SERVICE_IDS } from "../fakes/gcp-skus.ts";

/**
 * GCP commitments (`reserved`) and Spot VMs in live mode, against the Billing Catalog fake (msw, the
 * real wire shape). The real fixture page (OpenCost 2023) has only OnDemand SKUs (A2 core/RAM/A100,
 * T2D and E2 in IDR): no Commit1Yr, Commit3Yr or Preemptible SKU, so those are the fake's, in the same
 * shape, with the test prices written out below.
 */
const { fake, live } = withGcpLive();
const fast = { UPSTREAM_RETRIES: "1", UPSTREAM_ATTEMPT_TIMEOUT_MS: "300", UPSTREAM_DEADLINE_MS: "1500" };

type Purchase = { option: string; term?: string; payment?: string; recurring: string; upfront: string; effectiveHourly: string; onDemandPrice?: string; onDemandSource?: string; savingPercent?: string; note?: string };
type Item = { id: string; description: string; price: string; source: string; sku?: string; asOf: string; purchase?: Purchase };
type Body = { items: Item[]; unavailable: Array<{ id: string; reason: string }>; detail?: string };

async function get(h: ReturnType<typeof live>, path: string): Promise<{ status: number; body: Body }> {
  const res = await h.app.request(path);
  return { status: res.status, body: (await res.json()) as Body };
}
const byId = (body: Body) => Object.fromEntries(body.items.map((i) => [i.id, i]));

describe("GCP live commitments and Spot VMs", () => {
  it("a 1-year commitment of n2-standard-4 is 4 × the Commit1Yr Cpu rate + 16 × the Ram rate, exactly, in each region", async () => {
    const h = live();
    const c = await get(h, "/v1/prices/gcp/compute?region=us-central1&machineType=n2-standard-4&purchaseOption=commitment");
    expect(c.status).toBe(200);
    // "Commitment v1: N2 Cpu in Iowa for 1 Year" units 0 + nanos 19876543, "… Ram …" 0 + 2654321:
    // 4 × 0.019876543 = 0.079506172; 16 × 0.002654321 = 0.042469136; sum 0.121975308.
    const item = c.body.items[0];
    expect(item).toMatchObject({ id: "n2-standard-4", price: "0.121975308", source: "live", asOf: "2026-11-01" });
    expect(item?.purchase).toMatchObject({ option: "reserved", term: "1yr", payment: "no-upfront", recurring: "0.121975308", upfront: "0", effectiveHourly: "0.121975308" });
    // Compared with the same catalogue's on-demand price: 4 × 0.031611 + 16 × 0.004237 = 0.194236.
    // (The book the option read is then the on-demand price's, from the cache.)
    expect(item?.purchase).toMatchObject({ onDemandPrice: "0.194236", onDemandSource: "cache" });
    expect(item?.description).toMatch(/^n2-standard-4 resource-based 1-year commitment per hour/);
    expect(item?.description).not.toMatch(/on-demand/);
    expect(item?.purchase?.note).toContain('4 vCPU × $0.019876543 (SKU');
    expect(item?.purchase?.note).toContain('"Commitment v1: N2 Cpu in Iowa for 1 Year"');
    expect(item?.purchase?.note).toContain('16 GiB × $0.002654321 (SKU');
    expect(item?.sku?.split(",")).toHaveLength(2);

    // 3 years, "for 3 Year" SKUs 0 + 14123457 and 0 + 1876543: 0.056493828 + 0.030024688 = 0.086518516.
    const three = await get(h, "/v1/prices/gcp/compute?region=us-central1&machineType=n2-standard-4&purchaseOption=reserved&term=3yr");
    expect(three.body.items[0]).toMatchObject({ price: "0.086518516", source: "cache" });
    expect(three.body.items[0]?.purchase).toMatchObject({ term: "3yr", payment: "no-upfront" });

    // europe-west1's own SKUs (the fake's ×1.1, rounded to nanos: 21864197 and 2919753):
    // 4 × 0.021864197 = 0.087456788; 16 × 0.002919753 = 0.046716048; sum 0.134172836.
    const eu = await get(h, "/v1/prices/gcp/compute?region=europe-west1&machineType=n2-standard-4&purchaseOption=reserved");
    expect(eu.body.items[0]).toMatchObject({ price: "0.134172836" });
    expect(eu.body.items[0]?.purchase?.note).toContain("in Belgium for 1 Year");
    // N1's commitments name no family ("Commitment v1: Cpu in Iowa for 1 Year"): 0.63 × the fake's N1 rates,
    // 19914930 and 2669310 nanos: 1 × 0.01991493 + 3.75 × 0.00266931 = 0.01991493 + 0.0100099125 = 0.0299248425.
    const n1 = await get(h, "/v1/prices/gcp/compute?region=us-central1&machineType=n1-standard-1&purchaseOption=reserved");
    expect(n1.body.items[0]).toMatchObject({ id: "n1-standard-1", price: "0.0299248425" });
  });

  it("Spot: 4 × the Spot Preemptible core rate + 16 × the RAM rate (+ the GPU attached to Spot VMs), term-less", async () => {
    const h = live();
    const s = await get(h, "/v1/prices/gcp/compute?region=us-central1&machineType=n2-standard-4,g2-standard-4,f1-micro&purchaseOption=spot");
    expect(s.status).toBe(200);
    const items = byId(s.body);
    // "Spot Preemptible N2 Instance Core running in Iowa" 0 + 9483000, "… Ram …" 0 + 1271000:
    // 4 × 0.009483 = 0.037932; 16 × 0.001271 = 0.020336; sum 0.058268.
    expect(items["n2-standard-4"]).toMatchObject({ price: "0.058268", source: "live" });
    expect(items["n2-standard-4"]?.purchase).toMatchObject({ option: "spot", recurring: "0.058268", upfront: "0", onDemandPrice: "0.194236" });
    expect(items["n2-standard-4"]?.purchase?.term).toBeUndefined();
    // (1 − 0.058268 ÷ 0.194236) × 100 = 70.00144…, 4 places.
    expect(items["n2-standard-4"]?.purchase?.savingPercent).toBe("70.0014");
    expect(items["n2-standard-4"]?.purchase?.note).toContain('"Spot Preemptible N2 Instance Ram running in Iowa"');
    // 4 × 0.009995 + 16 × 0.001171 + 1 × 0.224 ("Nvidia L4 GPU attached to Spot Preemptible VMs running in Iowa")
    // = 0.03998 + 0.018736 + 0.224 = 0.282716.
    expect(items["g2-standard-4"]).toMatchObject({ price: "0.282716" });
    // The per-instance "Spot Preemptible Micro Instance with burstable CPU running in Iowa": 0 + 3500000.
    expect(items["f1-micro"]).toMatchObject({ price: "0.0035" });
    const withTerm = await get(h, "/v1/prices/gcp/compute?region=us-central1&machineType=n2-standard-4&purchaseOption=spot&term=1yr");
    expect(withTerm.status).toBe(400);
  });

  it("shared-core types, GPU types and families without commitment SKUs are unavailable with the reason, never priced", async () => {
    const h = live();
    const r = await get(h, "/v1/prices/gcp/compute?region=us-central1&machineType=n2-standard-4,e2-micro,e2-medium,f1-micro,g2-standard-4,t2a-standard-1&purchaseOption=reserved");
    expect(r.status).toBe(200);
    expect(r.body.items.map((i) => i.id)).toEqual(["n2-standard-4"]);
    const reasons = Object.fromEntries(r.body.unavailable.map((u) => [u.id, u.reason]));
    for (const id of ["e2-micro", "e2-medium", "f1-micro"]) expect(reasons[id], id).toMatch(/shared-core/);
    expect(reasons["g2-standard-4"]).toMatch(/GPU/);
    expect(reasons["t2a-standard-1"]).toMatch(/no resource-based commitment SKU .* t2a family/);
    const alone = await get(h, "/v1/prices/gcp/compute?region=us-central1&machineType=e2-micro&purchaseOption=reserved");
    expect(alone.status).toBe(404);
    expect(alone.body.detail).toMatch(/e2-micro: it is a shared-core type/);
    // Terms Google does not sell are a 404 naming those it does.
    const upfront = await get(h, "/v1/prices/gcp/compute?region=us-central1&machineType=n2-standard-4&purchaseOption=reserved&payment=all-upfront");
    expect(upfront.status).toBe(404);
    expect(upfront.body.detail).toMatch(/reserved 1yr no-upfront, reserved 3yr no-upfront/);
  });

  it("when the catalogue fails, the tables answer (source fallback), for commitments and Spot alike", async () => {
    fake.mode = "error500";
    const h = live(fast);
    const tables = realTables();
    const r = await get(h, "/v1/prices/gcp/compute?region=us-central1&machineType=n2-standard-4&purchaseOption=reserved&term=3yr");
    expect(r.status).toBe(200);
    const row = tables.optionRows("gcp", "compute", "reserved", "us-central1").find((x) => x.id === "n2-standard-4" && x.purchase?.term === "3yr");
    expect(r.body.items[0]).toMatchObject({ source: "fallback", price: row?.price });
    expect(r.body.items[0]?.purchase).toMatchObject({ onDemandSource: "fallback" });
    const s = await get(h, "/v1/prices/gcp/compute?region=us-central1&machineType=n2-standard-4&purchaseOption=spot");
    expect(s.status).toBe(200);
    expect(s.body.items[0]).toMatchObject({ source: "fallback", price: "0.09212" });
    expect(fake.calls.length).toBeGreaterThan(0);
  });

  it("one catalogue read answers on-demand, both commitment terms and Spot for concurrent cold questions", async () => {
    fake.latencyMs = 50;
    fake.pageSize = 40;
    const h = live();
    const base = "/v1/prices/gcp/compute?region=us-central1&machineType=n2-standard-4";
    const asks = ["", "&purchaseOption=reserved", "&purchaseOption=reserved&term=3yr", "&purchaseOption=spot"];
    const answers = await Promise.all(Array.from({ length: 200 }, (_, n) => get(h, `${base}${asks[n % 4] as string}`)));
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
    expect(new Set(answers.map((a) => a.body.items[0]?.price))).toEqual(new Set(["0.194236", "0.121975308", "0.086518516", "0.058268"]));
    expect(fake.calls.filter((c) => c.path === "/v1/services")).toHaveLength(1);
    expect(fake.skuCalls(SERVICE_IDS.compute)).toHaveLength(Math.ceil((fake.skus[SERVICE_IDS.compute]?.length ?? 0) / 40));
  });
});

describe("GCP commitments and Spot in live mode without GCP_API_KEY", () => {
  it("come from the tables, and nobody is called", async () => {
    const l = liveApp(liveConfig({ GCP_API_KEY: "" }));
    try {
      const r = await get(l, "/v1/prices/gcp/compute?region=us-central1&machineType=n2-standard-4&purchaseOption=reserved");
      expect(r.status).toBe(200);
      expect(r.body.items[0]).toMatchObject({ source: "fallback", price: "0.122364" });
      expect(l.services.composed.get("gcp")?.guards).toEqual([]);
      expect(fake.calls).toHaveLength(0);
    } finally {
      await l.close();
    }
  });
});
