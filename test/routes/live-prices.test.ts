import { describe, expect, it } from "vitest";
import { EKS_ITEMS, LAMBDA_ITEMS } from "../../src/clouds/aws/catalog.ts";
import { EC2_TYPES, PUBLICATION, SAGEMAKER_TYPES } from "../fakes/pricelist-items.ts";
import { type LiveHarness, withLivePricing } from "../helpers/live.ts";

const { fake, live } = withLivePricing();
let h: LiveHarness;

async function get(path: string) {
  const res = await h.app.request(path);
  return {
    res,
    body: (await res.json()) as {
      items: Array<Record<string, unknown>>;
      unavailable: Array<{ id: string }>;
      [k: string]: unknown;
    },
  };
}

describe.each(["us-east-1", "eu-west-1", "us-east-2"])("live prices in %s", (region) => {
  it("EKS: every item, extended = standard + surcharge, Outposts look-alike ignored", async () => {
    h = live();
    const { res, body } = await get(`/v1/prices/aws/eks?region=${region}`);
    expect(res.status).toBe(200);
    expect(body.items.map((i) => i.id)).toEqual(Object.keys(EKS_ITEMS));
    const byId = Object.fromEntries(body.items.map((i) => [i.id, i]));
    expect(byId["control-plane.standard"]).toMatchObject({
      price: "0.1000000000",
      unit: "hour",
      source: "live",
      asOf: PUBLICATION,
    });
    expect(byId["control-plane.extended"]?.price).toBe("0.6");
    expect(byId["fargate.vcpu.x86_64"]).toMatchObject({ price: "0.0404800000", unit: "vcpu-hour" });
    expect(byId["fargate.memory.arm64"]).toMatchObject({ price: "0.0035600000", unit: "gb-hour" });
    const prefix = region === "us-east-1" ? "USE1-" : region === "eu-west-1" ? "EU-" : "USE2-";
    expect(byId["control-plane.standard"]?.usageType).toBe(`${prefix}AmazonEKS-Hours:perCluster`);
    expect(body.unavailable).toEqual([]);
  });

  it("EC2: Linux on-demand only, never the $0 Capacity Block twin, vcpu and memory parsed", async () => {
    h = live();
    const types = EC2_TYPES.map((t) => t.type);
    const { res, body } = await get(`/v1/prices/aws/ec2?region=${region}&instanceType=${types.join(",")}`);
    expect(res.status).toBe(200);
    expect(body.items.map((i) => [i.id, i.price])).toEqual(EC2_TYPES.map((t) => [t.type, t.usd]));
    expect(body.items.find((i) => i.id === "u-6tb1.metal")).toMatchObject({ vcpu: 448, memoryGiB: 6144 });
    expect(body.items[0]?.usageType).toBe(
      `${region === "us-east-1" ? "" : region === "eu-west-1" ? "EU-" : "USE2-"}BoxUsage:m5.large`,
    );
    // One query sequence for all five types.
    expect(fake.callsFor("AmazonEC2")).toHaveLength(1);
    const filters = fake.callsFor("AmazonEC2")[0]?.Filters ?? [];
    expect(filters).toContainEqual({ Type: "ANY_OF", Field: "instanceType", Value: types.join(",") });
    expect(filters).toContainEqual({ Type: "TERM_MATCH", Field: "regionCode", Value: region });
  });

  it("Lambda: tiers sorted, ARM, provisioned, storage, edge from CloudFront, free tier; free-tier $0 items ignored", async () => {
    h = live();
    const { res, body } = await get(`/v1/prices/aws/lambda?region=${region}`);
    expect(res.status).toBe(200);
    expect(body.items.map((i) => i.id)).toEqual(Object.keys(LAMBDA_ITEMS));
    const byId = Object.fromEntries(body.items.map((i) => [i.id, i]));
    expect(byId.requests).toMatchObject({ price: "0.0000002000", unit: "request" });
    expect(byId["duration.x86_64"]?.tiers).toEqual([
      { from: "0", to: "6000000000", price: "0.0000166667" },
      { from: "6000000000", to: "15000000000", price: "0.0000150000" },
      { from: "15000000000", to: null, price: "0.0000133334" },
    ]);
    expect(byId["duration.arm64"]?.tiers).toEqual([
      { from: "0", to: "7500000000", price: "0.0000133334" },
      { from: "7500000000", to: "18750000000", price: "0.0000120001" },
      { from: "18750000000", to: null, price: "0.0000106667" },
    ]);
    expect(byId["duration.arm64"]?.price).toBe("0.0000133334");
    expect(byId["provisioned-duration.arm64"]?.price).toBe("0.0000077778");
    expect(byId["ephemeral-storage"]?.price).toBe("0.0000000309");
    expect(byId["edge.requests"]).toMatchObject({ price: "0.0000006000", unit: "request" });
    expect(byId["edge.duration"]).toMatchObject({ price: "0.0000500100", unit: "gb-second" });
    expect(body.freeTier).toMatchObject({ requests: "1000000", gbSeconds: "400000" });
    const usage = region === "us-east-1" ? "Request" : region === "eu-west-1" ? "EU-Request" : "USE2-Request";
    expect(byId.requests?.usageType).toBe(usage);
    expect(fake.callsFor("AmazonCloudFront")).toHaveLength(1);
  });

  it("SageMaker: every component and serverless size; filters narrow the query", async () => {
    h = live();
    const all = await get(`/v1/prices/aws/sagemaker?region=${region}`);
    expect(all.res.status).toBe(200);
    const ids = all.body.items.map((i) => String(i.id));
    for (const type of SAGEMAKER_TYPES) {
      for (const component of [
        "training",
        "hosting",
        "notebook",
        "processing",
        "batch-transform",
        "studio",
      ]) {
        expect(ids).toContain(`${component}.${type}`);
      }
    }
    expect(ids.filter((id) => id.startsWith("serverless-inference."))).toEqual(
      [1024, 2048, 3072, 4096, 5120, 6144].map((m) => `serverless-inference.${m}`),
    );
    expect(all.body.items.find((i) => i.id === "serverless-inference.1024")).toMatchObject({
      unit: "second",
      price: "0.0000200000",
    });

    fake.calls.length = 0;
    const one = await get(
      `/v1/prices/aws/sagemaker?region=${region}&component=training&instanceType=ml.g5.xlarge`,
    );
    expect(one.body.items.map((i) => i.id)).toEqual(["training.ml.g5.xlarge"]);
    expect(fake.calls[0]?.Filters).toContainEqual({
      Type: "TERM_MATCH",
      Field: "instanceName",
      Value: "ml.g5.xlarge",
    });
  });
});

describe("caching", () => {
  it("answers live, then from cache without another upstream call", async () => {
    h = live();
    const first = await get("/v1/prices/aws/eks?region=us-east-1");
    expect(first.body.items[0]?.source).toBe("live");
    const calls = fake.calls.length;
    const second = await get("/v1/prices/aws/eks?region=us-east-1");
    expect(second.body.items[0]?.source).toBe("cache");
    expect(second.body.items.map((i) => i.price)).toEqual(first.body.items.map((i) => i.price));
    expect(fake.calls.length).toBe(calls);
  });

  it("shares EC2 instance-type entries between lookups: only the missing type is asked for", async () => {
    h = live();
    await get("/v1/prices/aws/ec2?region=us-east-1&instanceType=m5.large");
    fake.calls.length = 0;
    const { body } = await get("/v1/prices/aws/ec2?region=us-east-1&instanceType=m5.large,c5.xlarge");
    expect(body.items.map((i) => [i.id, i.source])).toEqual([
      ["m5.large", "cache"],
      ["c5.xlarge", "live"],
    ]);
    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]?.Filters).toContainEqual({
      Type: "TERM_MATCH",
      Field: "instanceType",
      Value: "c5.xlarge",
    });
  });

  it("caches a not-found answer briefly: a type AWS does not price is asked once", async () => {
    h = live();
    const a = await get("/v1/prices/aws/ec2?region=us-east-1&instanceType=m5.96xlarge");
    expect(a.res.status).toBe(404);
    const b = await get("/v1/prices/aws/ec2?region=us-east-1&instanceType=m5.96xlarge");
    expect(b.res.status).toBe(404);
    expect(fake.callsFor("AmazonEC2")).toHaveLength(1);
  });
});
