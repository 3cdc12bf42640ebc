import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { loadTables } from "../../src/clouds/registry.ts";
import { ec2Items } from "../fakes/pricelist-items.ts";
import { mockServices } from "../helpers/app.ts";
import { type LiveHarness, withLivePricing } from "../helpers/live.ts";

/**
 * Live mode lists what the tables list: the fake Price List serves an EC2 product (and its $0 Capacity
 * Block twin) for every type of the eu-west-1 table, paged 100 at a time; live mode must list them all,
 * with the same spec fields as the table rows, and answer the same spec search.
 */
const REGION = "eu-west-1";
const { fake, live } = withLivePricing(["us-east-1"]);
const rows = loadTables("fallback-pricing").rows("aws", "ec2", REGION);

function seed(): void {
  fake.add(
    "AmazonEC2",
    ec2Items(
      REGION,
      rows.map((r) => ({ type: r.id, usd: r.price, vcpu: String(r.vcpu), memory: `${r.memoryGiB} GiB` })),
    ),
  );
}

describe("live EC2 lists every type of a region, with specs", () => {
  let h: LiveHarness;

  it("every type of the table, in pages under the quota, each with the table row's specs; cached after", async () => {
    seed();
    h = live();
    const res = await h.app.request(`/v1/prices/aws/ec2?region=${REGION}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { items: Array<Record<string, unknown> & { id: string; price: string }> };
    expect(body.items.map((i) => i.id).sort()).toEqual(rows.map((r) => r.id).sort());
    const byId = new Map(body.items.map((i) => [i.id, i]));
    for (const row of rows) {
      const item = byId.get(row.id);
      expect(item?.source, row.id).toBe("live");
      for (const field of ["vcpu", "memoryGiB", "architecture", "gpu", "burstable"] as const) expect(item?.[field], `${row.id} ${field}`).toEqual(row[field]);
    }
    const calls = fake.callsFor("AmazonEC2").length;
    expect(calls).toBe(Math.ceil(rows.length / 100));
    // The listing is cached: a second listing and a spec search make no more calls.
    expect((await h.app.request(`/v1/prices/aws/ec2?region=${REGION}&minVcpu=4`)).status).toBe(200);
    expect(fake.callsFor("AmazonEC2").length).toBe(calls);
  });

  it("answers the spec search as mock mode does", async () => {
    seed();
    h = live();
    const query = `/v1/prices/aws/ec2?region=${REGION}&minVcpu=4&minMemoryGiB=16&architecture=arm64&sort=price&limit=5`;
    const liveIds = ((await (await h.app.request(query)).json()) as { items: Array<{ id: string }> }).items.map((i) => i.id);
    const mock = createApp(mockServices(loadTables("fallback-pricing")));
    const mockIds = ((await (await mock.request(query)).json()) as { items: Array<{ id: string }> }).items.map((i) => i.id);
    expect(liveIds).toHaveLength(5);
    expect(liveIds).toEqual(mockIds);
  });
});
