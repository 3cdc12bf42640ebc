import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { loadTables } from "../../src/clouds/registry.ts";
import { mockServices } from "../helpers/app.ts";

/**
 * Search EC2 by specs in mock mode: every answer is checked against the raw table file, read here
 * without the server's code.
 */
const tables = loadTables("fallback-pricing");
const app = createApp(mockServices(tables));

interface Item {
  id: string;
  price: string;
  vcpu?: number;
  memoryGiB?: number;
  architecture?: string;
  gpu?: { count: number; model: string; memoryGiB?: number };
  source: string;
  asOf: string;
}
type RawRow = Omit<Item, "source"> & { source: string };

function raw(region: string): RawRow[] {
  return (JSON.parse(readFileSync(`fallback-pricing/aws/ec2/${region}.json`, "utf8")) as { rows: RawRow[] }).rows;
}

async function search(query: string): Promise<{ status: number; body: { items: Item[]; detail?: string; errors?: Array<{ parameter: string; message: string }> } }> {
  const res = await app.request(`/v1/prices/aws/ec2?${query}`);
  return { status: res.status, body: (await res.json()) as never };
}

/** Exact decimal order of two price strings, without the server's money code. */
function cents(price: string): bigint {
  const [whole, fraction = ""] = price.split(".");
  return BigInt(whole + fraction.padEnd(12, "0"));
}

describe("GET /v1/prices/aws/ec2 by specs", () => {
  it("answers the issue's question: eu-west-1, ≥ 4 vCPU, ≥ 16 GiB, arm64, cheapest 5, with source and asOf", async () => {
    const { status, body } = await search("region=eu-west-1&minVcpu=4&minMemoryGiB=16&architecture=arm64&sort=price&limit=5");
    expect(status).toBe(200);
    expect(body.items).toHaveLength(5);
    const candidates = raw("eu-west-1").filter((r) => (r.vcpu ?? 0) >= 4 && (r.memoryGiB ?? 0) >= 16 && r.architecture === "arm64");
    const cheapest = [...candidates].sort((a, b) => (cents(a.price) < cents(b.price) ? -1 : cents(a.price) > cents(b.price) ? 1 : a.id < b.id ? -1 : 1)).slice(0, 5);
    expect(body.items.map((i) => i.id)).toEqual(cheapest.map((r) => r.id));
    for (const item of body.items) {
      expect(item.vcpu).toBeGreaterThanOrEqual(4);
      expect(item.memoryGiB).toBeGreaterThanOrEqual(16);
      expect(item.architecture).toBe("arm64");
      expect(item.source).toBe("fallback");
      expect(item.asOf).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
    for (let i = 1; i < body.items.length; i++) expect(cents(body.items[i - 1]?.price as string) <= cents(body.items[i]?.price as string)).toBe(true);
  });

  it("sorts by vcpu or memory, descending with a leading -, ties to the lower price", async () => {
    const { body } = await search("region=us-east-1&family=m7g&sort=-vcpu");
    const vcpus = body.items.map((i) => i.vcpu as number);
    expect(vcpus).toEqual([...vcpus].sort((a, b) => b - a));
    expect(body.items.every((i) => i.id.startsWith("m7g."))).toBe(true);
    expect(body.items.length).toBe(raw("us-east-1").filter((r) => r.id.startsWith("m7g.")).length);
    const memory = (await search("region=us-east-1&family=r7g,m7g&sort=memory")).body.items;
    for (let i = 1; i < memory.length; i++) {
      const [a, b] = [memory[i - 1] as Item, memory[i] as Item];
      expect(a.memoryGiB as number).toBeLessThanOrEqual(b.memoryGiB as number);
      if (a.memoryGiB === b.memoryGiB) expect(cents(a.price) <= cents(b.price)).toBe(true);
    }
  });

  it("finds GPUs by presence or model, and excludes them on gpu=false", async () => {
    const t4 = (await search("region=us-east-1&gpu=t4&sort=price")).body.items;
    expect(t4.length).toBeGreaterThan(0);
    expect(t4.every((i) => i.gpu?.model === "T4")).toBe(true);
    expect(t4.map((i) => i.id).sort()).toEqual(raw("us-east-1").filter((r) => r.gpu?.model === "T4").map((r) => r.id).sort());
    const any = (await search("region=us-east-1&gpu=true")).body.items;
    expect(any.length).toBe(raw("us-east-1").filter((r) => r.gpu && (r.gpu.count > 0 || (r.gpu.memoryGiB ?? 0) > 0)).length);
    const none = (await search("region=us-east-1&gpu=false&minVcpu=96")).body.items;
    expect(none.length).toBeGreaterThan(0);
    expect(none.every((i) => i.gpu === undefined)).toBe(true);
  });

  it("applies to named instance types too: the priced ones that meet the search, in the asked order", async () => {
    const { status, body } = await search("region=us-east-1&instanceType=m5.large,m5.2xlarge,m5.xlarge&minVcpu=4&sort=-price");
    expect(status).toBe(200);
    expect(body.items.map((i) => i.id)).toEqual(["m5.2xlarge", "m5.xlarge"]);
  });

  it("a search nothing meets is a 404 naming the search", async () => {
    const { status, body } = await search("region=eu-west-1&minVcpu=100000");
    expect(status).toBe(404);
    expect(body.detail).toContain("≥ 100000 vCPU");
  });

  it.each([
    ["minVcpu=8&maxVcpu=4", "minVcpu", "must not exceed maxVcpu"],
    ["minMemoryGiB=-1", "minMemoryGiB", "0 or more"],
    ["minVcpu=lots", "minVcpu", "must be a number"],
    ["architecture=arm", "architecture", "x86_64, arm64"],
    ["sort=cost", "sort", "price, vcpu, memory"],
    ["limit=0", "limit", "at least 1"],
    ["limit=5000", "limit", "at most 1000"],
    ["family=m7g;drop", "family", "family names"],
    ["gpu=%3Cscript%3E", "gpu", "GPU model"],
  ])("%s is a 400 naming %s", async (query, parameter, message) => {
    const { status, body } = await search(`region=eu-west-1&${query}`);
    expect(status).toBe(400);
    expect(body.errors).toContainEqual({ parameter, message: expect.stringContaining(message) });
  });

  it("the batch takes the same search, each question its own", async () => {
    const res = await app.request("/v1/prices/batch", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        queries: [
          { service: "ec2", region: "eu-west-1", minVcpu: 4, minMemoryGiB: 16, architecture: "arm64", sort: "price", limit: 5 },
          { service: "ec2", region: "eu-west-1", instanceType: ["m5.large", "m5.xlarge"], minVcpu: 4 },
          // Merged into one lookup with the question above: its search must not narrow this one.
          { service: "ec2", region: "eu-west-1", instanceType: ["m5.large", "m5.2xlarge"] },
        ],
      }),
    });
    expect(res.status).toBe(200);
    const answers = ((await res.json()) as { results: Array<{ status: number; body: { items: Item[] } }> }).results;
    const direct = (await search("region=eu-west-1&minVcpu=4&minMemoryGiB=16&architecture=arm64&sort=price&limit=5")).body.items;
    expect(answers[0]?.body.items).toEqual(direct);
    expect(answers[1]?.body.items.map((i) => i.id)).toEqual(["m5.xlarge"]);
    expect(answers[2]?.body.items.map((i) => i.id)).toEqual(["m5.large", "m5.2xlarge"]);
  });
});

describe("fallback tables are read on first use", () => {
  it("start-up reads no region table; a price question reads only its region's", async () => {
    const fresh = loadTables("fallback-pricing");
    const served = createApp(mockServices(fresh));
    expect(fresh.loaded()).toBe(0);
    expect((await served.request("/healthz")).status).toBe(200);
    expect(fresh.loaded()).toBe(0);
    expect((await served.request("/v1/prices/aws/ec2?region=eu-west-1&instanceType=m5.large")).status).toBe(200);
    expect(fresh.loaded()).toBe(1);
    expect(fresh.regions("aws", "ec2")).toContain("us-east-1");
    expect(fresh.loaded()).toBe(1);
  });
});
