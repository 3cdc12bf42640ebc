import Big from "big.js";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { loadTables } from "../../src/clouds/registry.ts";
import { mockServices } from "../helpers/app.ts";

const app = createApp(mockServices(loadTables("fallback-pricing")));

interface Row {
  cloud: string;
  region: string;
  service: string;
  id: string;
  vcpu: number;
  memoryGiB: number;
  architecture?: string;
  gpu?: { count: number; model: string };
  burstable?: boolean;
  hourly: string;
  monthly: string;
  pricePerVcpuHour: string;
  pricePerGiBHour: string;
  source: string;
  asOf: string;
}
interface Answer {
  matched: number;
  rows: Row[];
  unavailable: Array<{ cloud: string; region: string; reason: string }>;
  errors?: Array<{ parameter: string; message: string }>;
}

async function search(query: string): Promise<{ status: number; body: Answer }> {
  const res = await app.request(`/v1/instances?${query}`);
  return { status: res.status, body: (await res.json()) as Answer };
}

describe("GET /v1/instances", () => {
  it("every row meets the search, rows are sorted, and each price is the price route's own", async () => {
    const { status, body } = await search("regions=aws:us-east-1,aws:eu-west-1,aws:ap-southeast-2&minVcpu=4&minMemoryGiB=16&architecture=arm64&limit=25");
    expect(status).toBe(200);
    expect(body.rows).toHaveLength(25);
    expect(body.matched).toBeGreaterThan(25);
    for (const r of body.rows) {
      expect(r.vcpu).toBeGreaterThanOrEqual(4);
      expect(r.memoryGiB).toBeGreaterThanOrEqual(16);
      expect(r.architecture).toBe("arm64");
      expect(r.burstable).toBeUndefined();
      expect(r.monthly).toBe(new Big(r.hourly).times(730).toFixed());
    }
    for (let i = 1; i < body.rows.length; i++) expect(new Big((body.rows[i - 1] as Row).hourly).lte((body.rows[i] as Row).hourly)).toBe(true);
    // Three regions appear, and each row's price is what GET /v1/prices answers for it.
    expect(new Set(body.rows.map((r) => r.region)).size).toBeGreaterThan(1);
    for (const r of body.rows.slice(0, 10)) {
      const priced = (await (await app.request(`/v1/prices/${r.cloud}/${r.service}?region=${r.region}&instanceType=${r.id}`)).json()) as { items: Array<{ price: string; source: string; asOf: string }> };
      expect([r.hourly, r.source, r.asOf]).toEqual([priced.items[0]?.price, priced.items[0]?.source, priced.items[0]?.asOf]);
    }
  });

  it("sorts by price per vCPU or per GiB when asked", async () => {
    for (const [sort, field] of [["pricePerVcpu", "pricePerVcpuHour"], ["pricePerGiB", "pricePerGiBHour"]] as const) {
      const { body } = await search(`regions=aws:us-east-1&minVcpu=8&sort=${sort}&limit=50`);
      const values = body.rows.map((r) => new Big(r[field]));
      for (let i = 1; i < values.length; i++) expect((values[i - 1] as Big).lte(values[i] as Big)).toBe(true);
      expect(body.rows[0]?.[field]).toBe(new Big(body.rows[0]?.hourly as string).div(sort === "pricePerVcpu" ? (body.rows[0]?.vcpu as number) : (body.rows[0]?.memoryGiB as number)).round(10, Big.roundHalfEven).toFixed());
    }
  });

  it("leaves burstable types out unless asked, and finds GPUs by model", async () => {
    const without = await search("regions=aws:us-east-1&maxVcpu=2&limit=200");
    expect(without.body.rows.some((r) => r.burstable)).toBe(false);
    const withB = await search("regions=aws:us-east-1&maxVcpu=2&burstable=true&limit=200");
    expect(withB.body.rows.some((r) => r.id.startsWith("t3."))).toBe(true);
    const l4 = await search("regions=aws:us-east-1&gpuModel=l4&limit=200");
    expect(l4.body.rows.length).toBeGreaterThan(0);
    expect(l4.body.rows.every((r) => r.gpu?.model === "L4")).toBe(true);
  });

  it("a place without prices is listed unavailable; the others still answer", async () => {
    const { status, body } = await search("regions=aws:ap-east-2,aws:us-east-1&minVcpu=2&limit=5");
    expect(status).toBe(200);
    expect(body.rows.length).toBe(5);
    expect(body.unavailable).toEqual([{ cloud: "aws", region: "ap-east-2", reason: expect.stringContaining("no Amazon EC2 prices are available") }]);
  });

  it.each([
    ["regions=aws:us-est-1", "regions", "did you mean us-east-1"],
    ["regions=us-east-1", "regions", "cloud:region"],
    ["clouds=awz", "clouds", "did you mean aws"],
    ["limit=500", "limit", "at most 200"],
    ["sort=cost", "sort", "pricePerVcpu"],
    ["minVcpu=9&maxVcpu=3", "minVcpu", "must not exceed maxVcpu"],
    ["gpu=T4", "gpu", "gpuModel"],
  ])("%s is a 400 naming %s", async (query, parameter, message) => {
    const { status, body } = await search(query);
    expect(status).toBe(400);
    expect(body.errors).toContainEqual({ parameter, message: expect.stringContaining(message) });
  });
});
