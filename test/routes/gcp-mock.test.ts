import { describe, expect, it } from "vitest";
import { mockApp } from "../helpers/app.ts";
import { type PriceBody, getJson } from "../helpers/gcp-live.ts";
import { liveApp, liveConfig } from "../helpers/live.ts";

/** GCP in mock mode (the sourced tables), and in live mode without a key (the same tables, said so). */
const app = mockApp();
const h = { app };

describe("GCP in mock mode", () => {
  it("gke, compute and cloud-run answer sourced prices in at least four regions", async () => {
    const regions = ["us-central1", "europe-west1", "us-east1", "europe-west4", "asia-east1"];
    for (const region of regions) {
      for (const [path, id] of [
        [`/v1/prices/gcp/gke?region=${region}`, "control-plane.standard"],
        [`/v1/prices/gcp/compute?region=${region}&machineType=n2-standard-4`, "n2-standard-4"],
        [`/v1/prices/gcp/cloud-run?region=${region}`, "cpu"],
      ] as const) {
        const { status, body } = await getJson(h, path);
        expect(status, path).toBe(200);
        const item = body.items.find((i) => i.id === id);
        expect(item, path).toMatchObject({ source: "fallback" });
        expect(item?.asOf, path).toMatch(/^\d{4}-\d{2}-\d{2}$/);
        expect(Number(item?.price), path).toBeGreaterThan(0);
      }
    }
  });

  it("GKE: the fee, Autopilot listed unavailable (not sourced), the monthly credit as freeTier", async () => {
    const { body } = await getJson(h, "/v1/prices/gcp/gke?region=us-central1");
    expect(body.items.map((i) => [i.id, i.price, i.unit])).toEqual([["control-plane.standard", "0.1", "hour"]]);
    expect(body.unavailable.map((u) => u.id)).toEqual(["autopilot.vcpu", "autopilot.memory"]);
    expect(body.freeTier).toMatchObject({ creditUsd: "74.4", asOf: "2026-12-03" });
    expect(body.freeTier?.source).toContain("cloud.google.com/kubernetes-engine/pricing");
  });

  it("Cloud Run: Tier 1 CPU and the free tier; a Tier 2 region has no table", async () => {
    const t1 = await getJson(h, "/v1/prices/gcp/cloud-run?region=europe-west1");
    expect(t1.body.items.map((i) => [i.id, i.price, i.unit])).toEqual([["cpu", "0.000024", "second"]]);
    expect(t1.body.freeTier).toMatchObject({ vcpuSeconds: "180000", gibSeconds: "360000", requests: "2000000" });
    const t2 = await getJson(h, "/v1/prices/gcp/cloud-run?region=europe-west2");
    expect(t2.status).toBe(404);
    expect(t2.body.code).toBe("price_not_available");
  });

  it("Compute Engine: published machine prices with specs, fractional shared-core vCPU, the spec search", async () => {
    const { body } = await getJson(h, "/v1/prices/gcp/compute?region=us-central1&machineType=E2-MICRO,a2-highgpu-1g,c4a-standard-4");
    const items = Object.fromEntries(body.items.map((i) => [i.id, i]));
    expect(items["e2-micro"]).toMatchObject({ price: "0.0083764275", vcpu: 0.25, memoryGiB: 1, architecture: "x86_64" });
    expect(items["a2-highgpu-1g"]).toMatchObject({ price: "3.673385", gpu: { count: 1, model: "A100", memoryGiB: 40 } });
    expect(items["c4a-standard-4"]).toMatchObject({ architecture: "arm64" });
    const gpus = await getJson(h, "/v1/prices/gcp/compute?region=us-central1&gpu=A100&sort=price&limit=3");
    expect(gpus.body.items.map((i) => i.id)).toEqual(["a2-highgpu-1g", "a2-ultragpu-1g", "a2-highgpu-2g"]);
    const arm = await getJson(h, "/v1/prices/gcp/compute?region=europe-west4&architecture=arm64&family=c4a&maxVcpu=1&sort=price");
    expect(arm.body.items.map((i) => i.id)).toEqual(["c4a-highcpu-1", "c4a-standard-1", "c4a-highmem-1"]);
  });

  it("Vertex AI has no sourced table: 404 naming the gap, never a $0", async () => {
    const { status, body } = await getJson(h, "/v1/prices/gcp/vertex-ai?region=us-central1");
    expect(status).toBe(404);
    expect(body.detail).toMatch(/no Vertex AI prices are available for region us-central1; regions with prices: none/);
  });

  it("bad input is a 400 naming the parameter and the closest valid value", async () => {
    const region = await getJson(h, "/v1/prices/gcp/gke?region=us-centrl1");
    expect(region.status).toBe(400);
    expect(JSON.stringify(region.body)).toMatch(/did you mean us-central1/);
    const type = await getJson(h, "/v1/prices/gcp/compute?region=us-central1&machineType=n2.standard.4");
    expect(type.status).toBe(400);
    expect(JSON.stringify(type.body)).toMatch(/machineType.*did you mean n2-standard-4/);
    const vertex = await getJson(h, "/v1/prices/gcp/vertex-ai?region=us-central1&component=serving");
    expect(vertex.status).toBe(400);
    const unknown = await getJson(h, "/v1/prices/gcp/compute?region=us-central1&machineType=n2-standard-3");
    expect(unknown.status).toBe(404);
  });

  it("the batch accepts GCP queries beside AWS ones; the catalogue lists GCP", async () => {
    const res = await app.request("/v1/prices/batch", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        queries: [
          { cloud: "gcp", service: "compute", region: "europe-west1", machineType: "n2-standard-4,e2-medium" },
          { cloud: "gcp", service: "gke", region: "us-east1" },
          { cloud: "aws", service: "eks", region: "us-east-1" },
          { cloud: "gcp", service: "compute", region: "eu-west-1" },
        ],
      }),
    });
    const { results } = (await res.json()) as { results: Array<{ status: number; body: PriceBody }> };
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 400]);
    expect(results[0]?.body.items.map((i) => i.id)).toEqual(["n2-standard-4", "e2-medium"]);
    const catalog = (await (await app.request("/v1/catalog")).json()) as { clouds: Array<{ id: string; regions: string[]; services: Array<{ id: string; fallback: { regions: Record<string, number> } }> }> };
    const gcp = catalog.clouds.find((c) => c.id === "gcp");
    expect(gcp?.services.map((s) => s.id)).toEqual(["gke", "compute", "cloud-run", "vertex-ai"]);
    expect(Object.keys(gcp?.services.find((s) => s.id === "compute")?.fallback.regions ?? {})).toHaveLength(43);
  });
});

describe("GCP in live mode without GCP_API_KEY", () => {
  it("answers from the fallback tables, says so in /healthz, and calls nobody", async () => {
    // No msw here: any request to Google would fail the fetch, and the answers would not be these.
    const l = liveApp(liveConfig({ GCP_API_KEY: "" }));
    try {
      const { status, body } = await getJson(l, "/v1/prices/gcp/compute?region=us-central1&machineType=n2-standard-4");
      expect(status).toBe(200);
      expect(body.items[0]).toMatchObject({ source: "fallback", price: "0.194236" });
      const health = (await (await l.app.request("/healthz")).json()) as { mode: string; clouds: Record<string, { prices: string; reason?: string }> };
      expect(health.mode).toBe("live");
      expect(health.clouds.aws).toEqual({ prices: "live" });
      expect(health.clouds.gcp).toEqual({ prices: "fallback", reason: "GCP_API_KEY is not set: Google Cloud prices come from the fallback tables" });
      const vertex = await getJson(l, "/v1/prices/gcp/vertex-ai?region=us-central1");
      expect(vertex.status).toBe(404);
      expect(l.services.composed.get("gcp")?.guards).toEqual([]);
    } finally {
      await l.close();
    }
  });
});
