import { pino } from "pino";
import { describe, expect, it } from "vitest";
import { realTables } from "../helpers/app.ts";
import { type PriceBody, getJson, withGcpLive } from "../helpers/gcp-live.ts";
import { FAKE_REGIONS, SERVICE_IDS } from "../fakes/gcp-skus.ts";

/**
 * GCP live mode against the Billing Catalog fake (msw, the real wire format, Google's own SKUs from the
 * fixtures beside generated ones): prices composed exactly, services resolved by name, one fetch per
 * service answering every region, and the same ids mock mode answers.
 */
const { fake, live } = withGcpLive();
const REGIONS = Object.keys(FAKE_REGIONS);

const byId = (body: PriceBody) => Object.fromEntries(body.items.map((i) => [i.id, i]));

describe("GCP live prices", () => {
  it("answers gke, compute and cloud-run in four regions with the ids the tables have: live first, then from the cached catalogue", async () => {
    const h = live();
    const tables = realTables();
    const machineTypes = ["n2-standard-4", "e2-standard-2", "c4a-standard-4"];
    for (const [n, region] of REGIONS.entries()) {
      const fresh = n === 0 ? "live" : "cache";
      const gke = await getJson(h, `/v1/prices/gcp/gke?region=${region}`);
      expect(gke.status).toBe(200);
      expect(gke.body.items.map((i) => [i.id, i.source])).toEqual([
        ["control-plane.standard", fresh],
        ["autopilot.vcpu", fresh],
        ["autopilot.memory", fresh],
      ]);
      expect(gke.body.freeTier).toMatchObject({ creditUsd: "74.4" });
      expect(tables.get("gcp", "gke", region, "control-plane.standard")).toBeDefined();

      const compute = await getJson(h, `/v1/prices/gcp/compute?region=${region}&machineType=${machineTypes.join(",")}`);
      expect(compute.status).toBe(200);
      expect(compute.body.items.map((i) => [i.id, i.source])).toEqual(machineTypes.map((id) => [id, fresh]));
      for (const id of machineTypes) expect(tables.get("gcp", "compute", region, id), `${region} ${id} in the tables`).toBeDefined();

      const run = await getJson(h, `/v1/prices/gcp/cloud-run?region=${region}`);
      expect(run.status).toBe(200);
      expect(run.body.items.map((i) => [i.id, i.source])).toEqual(["cpu", "memory", "requests", "instance.cpu", "instance.memory"].map((id) => [id, fresh]));
      expect(run.body.freeTier).toMatchObject({ vcpuSeconds: "180000", gibSeconds: "360000", requests: "2000000" });
      expect(tables.get("gcp", "cloud-run", region, "cpu")).toBeDefined();
    }
  });

  it("converts units + nanos exactly and composes machine types from their core, RAM and GPU SKUs", async () => {
    const h = live();
    const c = await getJson(h, "/v1/prices/gcp/compute?region=us-central1&machineType=n2-standard-4,e2-micro,a2-highgpu-1g,g2-standard-4,c4a-standard-4,f1-micro");
    const items = byId(c.body);
    expect(items["n2-standard-4"]).toMatchObject({ price: "0.194236", unit: "hour", vcpu: 4, memoryGiB: 16, architecture: "x86_64", source: "live" });
    expect(items["n2-standard-4"]?.description).toContain('4 vCPU × $0.031611 (SKU');
    expect(items["n2-standard-4"]?.description).toContain('"N2 Instance Core running in Iowa"');
    expect(items["n2-standard-4"]?.description).toContain("16 GiB × $0.004237");
    expect(items["n2-standard-4"]?.sku?.split(",")).toHaveLength(2);
    // Fractional vCPU of a shared-core type: 0.25 × 0.02181159 + 1 × 0.00292353.
    expect(items["e2-micro"]).toMatchObject({ price: "0.0083764275", vcpu: 0.25, memoryGiB: 1 });
    // Google's own 2023 SKUs (A2 core 0 + 31611000 nanos, RAM 0 + 4237000, A100 2 + 933908000): 12 × + 85 × + 1 ×.
    expect(items["a2-highgpu-1g"]).toMatchObject({ price: "3.673385", asOf: "2023-03-24", sku: "2922-40C5-B19F,2390-DCAF-DA38,039F-D0DA-4055" });
    expect(items["a2-highgpu-1g"]?.description).toContain("1 GPU × $2.933908");
    // The published machine price in the tables is the same number.
    expect(realTables().get("gcp", "compute", "us-central1", "a2-highgpu-1g")?.price).toBe("3.673385");
    expect(items["g2-standard-4"]).toMatchObject({ price: "0.706784", gpu: { count: 1, model: "L4" } });
    expect(items["c4a-standard-4"]).toMatchObject({ price: "0.20616", architecture: "arm64" });
    expect(items["f1-micro"]).toMatchObject({ price: "0.0076", vcpu: 0.2 });
    expect(items["f1-micro"]?.description).toContain("per-instance SKU");

    // Each region its own SKUs: europe-west1 is 1.1 × the test rates.
    const ew1 = await getJson(h, "/v1/prices/gcp/compute?region=europe-west1&machineType=n2-standard-4");
    expect(ew1.body.items[0]?.price).toBe("0.2136596");

    const gke = byId((await getJson(h, "/v1/prices/gcp/gke?region=europe-west4")).body);
    // 53400 nanos per mCPU-hour × 1000 = 0.0534 per vCPU-hour, exactly.
    expect(gke["autopilot.vcpu"]).toMatchObject({ price: "0.0534", unit: "vcpu-hour" });
    expect(gke["autopilot.vcpu"]?.description).toContain("per mCPU-hour, × 1000");
    expect(gke["autopilot.memory"]).toMatchObject({ price: "0.005907", unit: "gb-hour" });
    expect(gke["control-plane.standard"]).toMatchObject({ price: "0.1", unit: "hour" });

    const vertex = byId((await getJson(h, "/v1/prices/gcp/vertex-ai?region=us-central1&machineType=n1-standard-4")).body);
    expect(vertex["training.n1-standard-4"]).toMatchObject({ price: "0.2470109", unit: "hour", source: "live" });
    expect(vertex["training.n1-standard-4"]?.description).toContain("Management fee");
    expect(vertex["prediction.n1-standard-4"]).toMatchObject({ price: "0.190007" });
  });

  it("Cloud Run: the region's tier, the $0 first tier read as the free tier, requests per request", async () => {
    const h = live();
    const t1 = byId((await getJson(h, "/v1/prices/gcp/cloud-run?region=us-central1")).body);
    expect(t1.cpu).toMatchObject({ price: "0.000024", unit: "second" });
    expect(t1.cpu?.description).toContain("Tier 1");
    expect(t1.cpu?.description).toContain("first 180000 a month are free");
    expect(t1.memory).toMatchObject({ price: "0.0000025", unit: "gb-second" });
    expect(t1.requests).toMatchObject({ price: "0.0000004", unit: "request" });
    expect(t1["instance.cpu"]).toMatchObject({ price: "0.000018" });
    const t2 = await getJson(h, "/v1/prices/gcp/cloud-run?region=asia-east2");
    const items = byId(t2.body);
    expect(items.cpu).toMatchObject({ price: "0.0000336" });
    expect(items.cpu?.description).toContain("Tier 2");
    expect(t2.body.unavailable.map((u) => u.id)).toEqual(["instance.cpu", "instance.memory"]);
  });

  it("never prices from Spot, commitment, custom, other pod classes or a SKU variant", async () => {
    const h = live();
    const c = await getJson(h, "/v1/prices/gcp/compute?region=us-central1&machineType=e2-standard-2");
    expect(c.body.items[0]?.description).not.toMatch(/Spot|Commitment|Custom|DWS/);
    const gke = await getJson(h, "/v1/prices/gcp/gke?region=us-central1");
    expect(gke.body.items.map((i) => i.description).join(" ")).not.toMatch(/Spot|Balanced/);
    const run = await getJson(h, "/v1/prices/gcp/cloud-run?region=us-central1");
    expect(run.body.items.map((i) => i.description).join(" ")).not.toMatch(/Min Instance|functions/);
  });

  it("says why a machine type cannot be composed, instead of a price that leaves something out", async () => {
    const h = live();
    const c = await getJson(h, "/v1/prices/gcp/compute?region=us-central1&machineType=n2-standard-4,c3-standard-4-lssd,n2-standard-5");
    expect(c.status).toBe(200);
    const reasons = Object.fromEntries(c.body.unavailable.map((u) => [u.id, u.reason]));
    expect(reasons["c3-standard-4-lssd"]).toMatch(/375 GB of local SSD/);
    expect(reasons["n2-standard-5"]).toMatch(/vCPUs and memory/);
    const alone = await getJson(h, "/v1/prices/gcp/compute?region=us-central1&machineType=c3-standard-4-lssd");
    expect(alone.status).toBe(404);
    expect(alone.body.detail).toMatch(/local SSD/);
  });

  it("lists every composable type of a region with its specs, and the spec search works as in mock mode", async () => {
    const h = live();
    const all = await getJson(h, "/v1/prices/gcp/compute?region=europe-west4");
    expect(all.body.items.length).toBeGreaterThan(50);
    expect(all.body.items.every((i) => i.vcpu !== undefined && i.memoryGiB !== undefined)).toBe(true);
    const arm = await getJson(h, "/v1/prices/gcp/compute?region=europe-west4&architecture=arm64&minVcpu=4&maxVcpu=4&sort=price");
    expect(arm.body.items.map((i) => i.id)).toEqual(["c4a-highcpu-4", "c4a-standard-4", "c4a-highmem-4"]);
    const family = await getJson(h, "/v1/prices/gcp/compute?region=europe-west4&family=n2&minMemoryGiB=32&maxMemoryGiB=32&sort=price&limit=2");
    expect(family.body.items.map((i) => i.id)).toEqual(["n2-highmem-4", "n2-standard-8"]);
  });

  it("fetches each service's catalogue once and answers every region from it, from the cache", async () => {
    const h = live();
    await getJson(h, "/v1/prices/gcp/compute?region=us-central1&machineType=n2-standard-4");
    const again = await getJson(h, "/v1/prices/gcp/compute?region=europe-west1&machineType=n2-standard-4");
    expect(again.body.items[0]?.source).toBe("cache");
    await getJson(h, "/v1/prices/gcp/gke?region=us-east1");
    expect(fake.calls.filter((c) => c.path === "/v1/services")).toHaveLength(1);
    expect(fake.skuCalls(SERVICE_IDS.compute)).toHaveLength(1);
    expect(fake.skuCalls(SERVICE_IDS.gke)).toHaveLength(1);
  });

  it("pages through nextPageToken with pages of up to 5,000 SKUs, USD, the key in a header only", async () => {
    fake.pageSize = 25;
    const h = live();
    const c = await getJson(h, "/v1/prices/gcp/compute?region=europe-west4&machineType=n4-standard-8");
    expect(c.body.items[0]).toMatchObject({ id: "n4-standard-8", source: "live" });
    const calls = fake.skuCalls(SERVICE_IDS.compute);
    const total = fake.skus[SERVICE_IDS.compute]?.length ?? 0;
    expect(calls).toHaveLength(Math.ceil(total / 25));
    expect(calls[0]?.pageToken).toBeUndefined();
    expect(new Set(calls.slice(1).map((x) => x.pageToken)).size).toBe(calls.length - 1);
    expect(calls.every((x) => x.pageSize === "5000" && x.currencyCode === "USD" && !x.keyInUrl)).toBe(true);
  });

  it("a caller does not wait past GCP_CATALOG_WAIT_MS: the tables answer it, and the read goes on to fill the cache", async () => {
    fake.latencyMs = 300;
    const h = live({ GCP_CATALOG_WAIT_MS: "150", UPSTREAM_ATTEMPT_TIMEOUT_MS: "2000" });
    const started = Date.now();
    const first = await getJson(h, "/v1/prices/gcp/gke?region=us-central1");
    expect(Date.now() - started).toBeLessThan(600);
    expect(first.body.items.map((i) => [i.id, i.source])).toEqual([["control-plane.standard", "fallback"]]);
    await new Promise((r) => setTimeout(r, 800));
    const next = await getJson(h, "/v1/prices/gcp/gke?region=us-central1");
    expect(next.body.items.map((i) => i.source)).toEqual(["cache", "cache", "cache"]);
    expect(fake.calls).toHaveLength(2); // services, one SKU page: read once
    // With no table to fall back on, the caller is told to come back (503, Retry-After).
    fake.latencyMs = 300;
    const vertex = await getJson(h, "/v1/prices/gcp/vertex-ai?region=us-central1");
    expect(vertex.status).toBe(503);
    expect(vertex.headers.get("retry-after")).toBe("5");
  });

  it("a caller that gives up does not cancel the catalogue read: the next caller finds it cached", async () => {
    fake.latencyMs = 400;
    const h = live({ REQUEST_TIMEOUT_MS: "250", UPSTREAM_ATTEMPT_TIMEOUT_MS: "2000" });
    const first = await h.app.request("/v1/prices/gcp/gke?region=us-central1");
    expect(first.status).toBe(504);
    await new Promise((r) => setTimeout(r, 900));
    const next = await getJson(h, "/v1/prices/gcp/gke?region=us-central1");
    expect(next.body.items[0]?.source).toBe("cache");
    expect(fake.calls).toHaveLength(2); // services, one SKU page: fetched once
  });

  it("resolves services by display name, whatever their ids", async () => {
    const renamed = "ABCD-1234-EF56";
    fake.services = fake.services.map((s) => (s.displayName === "Kubernetes Engine" ? { ...s, serviceId: renamed, name: `services/${renamed}` } : s));
    fake.skus[renamed] = fake.skus[SERVICE_IDS.gke] ?? [];
    try {
      const h = live();
      const gke = await getJson(h, "/v1/prices/gcp/gke?region=us-central1");
      expect(gke.body.items[0]).toMatchObject({ id: "control-plane.standard", source: "live" });
      expect(fake.skuCalls(renamed)).toHaveLength(1);
      expect(fake.skuCalls(SERVICE_IDS.gke)).toHaveLength(0);
    } finally {
      delete fake.skus[renamed];
    }
  });

  it("a service the catalogue does not list is answered from the tables", async () => {
    fake.services = fake.services.filter((s) => s.displayName !== "Cloud Run");
    const h = live();
    const run = await getJson(h, "/v1/prices/gcp/cloud-run?region=us-central1");
    expect(run.status).toBe(200);
    expect(run.body.items.map((i) => [i.id, i.source])).toEqual([["cpu", "fallback"]]);
  });

  it("500 concurrent identical cold requests make one upstream query sequence", async () => {
    fake.latencyMs = 50;
    fake.pageSize = 40;
    const h = live();
    const answers = await Promise.all(Array.from({ length: 500 }, () => getJson(h, "/v1/prices/gcp/compute?region=us-central1&machineType=n2-standard-4")));
    expect(answers.every((a) => a.status === 200 && a.body.items[0]?.price === "0.194236")).toBe(true);
    expect(fake.calls.filter((c) => c.path === "/v1/services")).toHaveLength(1);
    const pages = fake.skuCalls(SERVICE_IDS.compute);
    expect(pages).toHaveLength(Math.ceil((fake.skus[SERVICE_IDS.compute]?.length ?? 0) / 40));
    expect(new Set(pages.map((p) => p.pageToken ?? "first")).size).toBe(pages.length);
  });

  it("mock and live answer the same question alike: same ids, same spec fields", async () => {
    const h = live();
    const livePrices = await getJson(h, "/v1/prices/gcp/compute?region=us-central1&machineType=e2-micro,n2-standard-4,a2-highgpu-1g");
    const table = realTables();
    for (const item of livePrices.body.items) {
      const row = table.get("gcp", "compute", "us-central1", item.id);
      expect(row, item.id).toBeDefined();
      expect({ vcpu: item.vcpu, memoryGiB: item.memoryGiB, architecture: item.architecture, gpu: item.gpu }).toEqual({ vcpu: row?.vcpu, memoryGiB: row?.memoryGiB, architecture: row?.architecture, gpu: row?.gpu });
    }
    // The three composed prices equal the published ones (the fake uses rates the published prices are made of).
    expect(livePrices.body.items.map((i) => i.price)).toEqual(livePrices.body.items.map((i) => table.get("gcp", "compute", "us-central1", i.id)?.price));
  });

  it("never logs the API key, nor puts it in an answer", async () => {
    const lines: string[] = [];
    const logger = pino({ level: "debug" }, { write: (line: string) => void lines.push(line) });
    const h = live({ GCP_API_KEY: "AIzaSyWrongKeyNotTheFakes_99" }, logger);
    const res = await h.app.request("/v1/prices/gcp/vertex-ai?region=us-central1");
    const text = await res.text();
    expect(res.status).toBe(502);
    expect(fake.calls).toHaveLength(1); // a refused key is not retried
    expect(text).not.toContain("AIzaSyWrongKeyNotTheFakes_99");
    expect(lines.join("\n")).not.toContain("AIzaSyWrongKeyNotTheFakes_99");
    expect(lines.join("\n")).toContain("PERMISSION_DENIED");
  });
});
