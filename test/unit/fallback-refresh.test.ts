import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ec2Queries } from "../../src/clouds/aws/ec2.ts";
import { matchesFilters, streamOffer } from "../../src/clouds/aws/offer-stream.ts";
import { type RegionOutcome, refreshFallbackTables } from "../../src/clouds/aws/refresh.ts";
import { loadTables } from "../../src/clouds/registry.ts";
import { eksItems, type FakeItem, lambdaItems, sagemakerItems } from "../fakes/pricelist-items.ts";

/**
 * The refresh against AWS's bulk offer-file protocol: real offer excerpts where we have them (EC2
 * us-east-1 p4d with its $0 Capacity Block twin, EC2 us-east-2 with Windows/EBS/NLB products around
 * one Linux type, AmazonECS Fargate, the global AmazonCloudFront Lambda@Edge request), offers built
 * from the Price List fakes for the rest.
 */
const BASE = "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws";
const text = (path: string) => readFileSync(path, "utf8");
const excerpt = (name: string) => JSON.stringify((JSON.parse(text(join("test/fixtures/pricelist", name))) as { offer: unknown }).offer);

/** Builds a bulk offer file (products + terms by SKU) from Price List items. */
function offer(offerCode: string, items: FakeItem[], version = "20261101000000") {
  return {
    formatVersion: "v1.0",
    offerCode,
    version,
    publicationDate: "2026-11-01T00:00:00Z",
    products: Object.fromEntries(items.map((i) => [i.product.sku, i.product])),
    terms: { OnDemand: Object.fromEntries(items.map((i) => [i.product.sku, i.terms.OnDemand])) },
  };
}

const json = (body: string) => new HttpResponse(body, { headers: { "content-type": "application/json" } });
const requested: string[] = [];
let cloudFrontReads = 0;
const msw = setupServer(
  http.get(`${BASE}/AmazonCloudFront/current/index.json`, () => {
    cloudFrontReads++;
    return json(excerpt("cloudfront-lambda-edge-request-eu-west-3-2019.json"));
  }),
  http.get(`${BASE}/:offer/current/:region/index.json`, ({ params, request }) => {
    requested.push(new URL(request.url).pathname);
    const { offer: code, region } = params as { offer: string; region: string };
    if (code === "AmazonEC2" && region === "us-east-1") return json(text("test/fixtures/offers/offer-file-AmazonEC2-p4d-us-east-1-2024-05-28.json"));
    if (code === "AmazonEC2" && region === "us-east-2") return json(excerpt("ec2-offer-us-east-2-2023-opencost.json"));
    if (code === "AmazonECS" && region === "us-east-1") return json(text("test/fixtures/offers/offer-file-AmazonECS-fargate-us-east-1-2025-08-28.trimmed.json"));
    if (region !== "us-east-1" && region !== "eu-west-3") return new HttpResponse(null, { status: 404 });
    switch (code) {
      // Without Fargate, which the refresh takes from the AmazonECS offer.
      case "AmazonEKS":
        return HttpResponse.json(offer(code, eksItems(region).filter((i) => !i.product.attributes.usagetype?.includes("Fargate"))));
      case "AWSLambda":
        return HttpResponse.json(offer(code, lambdaItems(region)));
      case "AmazonSageMaker":
        return HttpResponse.json(offer(code, sagemakerItems(region)));
      default:
        return new HttpResponse(null, { status: 404 });
    }
  }),
);

beforeAll(() => msw.listen({ onUnhandledFrame: "error" }));
afterAll(() => msw.close());

function copyTables(): string {
  const dir = mkdtempSync(join(tmpdir(), "pricebook-refresh-"));
  cpSync("fallback-pricing", dir, { recursive: true });
  return dir;
}

const outcome = (outcomes: RegionOutcome[], service: string, region: string) => outcomes.find((o) => o.service === service && o.region === region) as RegionOutcome;

describe("fallback:refresh from bulk offer files", () => {
  it("rebuilds a region's EC2 table from its offer: plain Linux on-demand only, specs attached, added/changed/removed reported", async () => {
    const dir = copyTables();
    const before = loadTables(dir);
    // Tables are read on first use: read these before the refresh rewrites them.
    const east1Before = before.rows("aws", "ec2", "us-east-1");
    const was = before.get("aws", "ec2", "us-east-2", "m5.large");
    const outcomes = await refreshFallbackTables({ dir, regions: ["us-east-1", "us-east-2"], services: ["ec2"] });
    const after = loadTables(dir);

    // us-east-1: the real p4d excerpt. The $0 Capacity Block twin never becomes a row; specs come
    // from the spec catalogue (DescribeInstanceTypes), the price in canonical form, the offer cited.
    expect(after.rows("aws", "ec2", "us-east-1").map((r) => r.id)).toEqual(["p4d.24xlarge"]);
    const p4d = after.get("aws", "ec2", "us-east-1", "p4d.24xlarge");
    expect(p4d).toMatchObject({
      price: "32.7726",
      sku: "H7NGEAC6UEHNTKSJ",
      vcpu: 96,
      memoryGiB: 1152,
      architecture: "x86_64",
      gpu: { count: 8, model: "A100", manufacturer: "NVIDIA" },
      asOf: "2024-05-28",
    });
    expect(p4d?.source).toContain("AmazonEC2/current/us-east-1/index.json (AWS bulk offer AmazonEC2, version ");
    expect(p4d?.specSource).toContain("getmoto/moto");
    const east1 = outcome(outcomes, "ec2", "us-east-1");
    expect(east1.status).toBe("written");
    const old = east1Before.find((r) => r.id === "p4d.24xlarge");
    expect(east1.changes.filter((c) => c.kind === "removed")).toHaveLength(east1Before.length - (old ? 1 : 0));
    expect(east1.changes.find((c) => c.id === "p4d.24xlarge")).toEqual(
      !old ? { id: "p4d.24xlarge", kind: "added", to: "32.7726" } : old.price === "32.7726" ? undefined : { id: "p4d.24xlarge", kind: "changed", from: old.price, to: "32.7726" },
    );

    // us-east-2 (OpenCost's excerpt): of a Linux m5.large, a Windows p3, an EBS volume and an NLB only
    // m5.large is asked for, and its only "OnDemand" term is a Reserved upfront fee the fixture's author
    // put there: not an on-demand price. Nothing is priced, so the table is kept as it was.
    const east2 = outcome(outcomes, "ec2", "us-east-2");
    expect(east2).toMatchObject({ status: "skipped", reason: "the offers price nothing for this region" });
    expect(after.get("aws", "ec2", "us-east-2", "m5.large")).toEqual(was);
  });

  it("EKS takes Fargate from the AmazonECS offer; Lambda takes edge requests from the global AmazonCloudFront offer", async () => {
    const dir = copyTables();
    const lines: string[] = [];
    cloudFrontReads = 0;
    await refreshFallbackTables({ dir, regions: ["us-east-1", "eu-west-3"], services: ["eks", "lambda"], log: (l) => lines.push(l) });
    const after = loadTables(dir);
    expect(after.get("aws", "eks", "us-east-1", "fargate.vcpu.x86_64")).toMatchObject({
      price: "0.04048",
      sku: "8CESGAFWKAJ98PME",
      usageType: "USE1-Fargate-vCPU-Hours:perCPU",
      asOf: "2025-08-28",
    });
    // Extended support computed as standard + surcharge (decimal arithmetic), as live mode does.
    expect(after.get("aws", "eks", "us-east-1", "control-plane.extended")?.price).toBe("0.6");
    expect(after.get("aws", "lambda", "us-east-1", "duration.x86_64")?.tiers).toHaveLength(3);
    expect(after.get("aws", "lambda", "eu-west-3", "edge.requests")).toMatchObject({ usageType: "EUW3-Lambda-Edge-Request", price: "0.0000006" });
    expect(after.get("aws", "lambda", "eu-west-3", "edge.requests")?.source).toContain("AmazonCloudFront/current/index.json");
    // The free grant is not in the offers: it stays, with its source.
    expect(after.freeTier("aws", "lambda", "us-east-1")).toEqual(loadTables("fallback-pricing").freeTier("aws", "lambda", "us-east-1"));
    expect(lines.join("\n")).toMatch(/eks us-east-1: 7 rows from the offer files \(\d+ added, \d+ changed, \d+ removed\)/);
    // The global CloudFront offer is read once for both regions.
    expect(cloudFrontReads).toBe(1);
  });

  it("keeps the edge request price when the AmazonCloudFront offer cannot be read", async () => {
    const dir = copyTables();
    const kept = loadTables(dir).get("aws", "lambda", "us-east-1", "edge.requests");
    expect(kept).toBeDefined();
    msw.use(http.get(`${BASE}/AmazonCloudFront/current/index.json`, () => new HttpResponse(null, { status: 503 }), { once: true }));
    const lines: string[] = [];
    await refreshFallbackTables({ dir, regions: ["us-east-1"], services: ["lambda"], log: (l) => lines.push(l) });
    expect(loadTables(dir).get("aws", "lambda", "us-east-1", "edge.requests")).toEqual(kept);
    expect(lines.join("\n")).toContain("AmazonCloudFront offer not read (GET");
  });

  it("applies Price List filters to offer products as GetProducts does", () => {
    const product = { sku: "S", productFamily: "Compute Instance", attributes: { regionCode: "us-east-1", capacitystatus: "Used", usagetype: "USE1-Fargate-vCPU-Hours:perCPU", instanceType: "m5.large" } };
    const yes = (filters: Parameters<typeof matchesFilters>[1]) => matchesFilters(product, filters);
    expect(yes([{ field: "regionCode", value: "us-east-1" }, { field: "capacityStatus", value: "Used" }])).toBe(true);
    expect(yes([{ field: "regionCode", value: "us-east-2" }])).toBe(false);
    expect(yes([{ field: "usagetype", value: "Fargate", type: "CONTAINS" }])).toBe(true);
    expect(yes([{ field: "usagetype", value: "Lambda", type: "CONTAINS" }])).toBe(false);
    expect(yes([{ field: "instanceType", value: "c5.large,m5.large", type: "ANY_OF" }])).toBe(true);
    expect(yes([{ field: "instanceType", value: "c5.large,m5.xlarge", type: "ANY_OF" }])).toBe(false);
    expect(yes([{ field: "instanceType", value: "m5.large", type: "NONE_OF" }])).toBe(false);
    expect(yes([{ field: "productFamily", value: "Compute Instance" }])).toBe(true);
    expect(yes([{ field: "operatingSystem", value: "Linux" }])).toBe(false);
  });

  it("leaves the tables untouched on a dry run, and reports what it would change", async () => {
    const dir = copyTables();
    const file = join(dir, "aws", "ec2", "us-east-1.json");
    const before = readFileSync(file, "utf8");
    const outcomes = await refreshFallbackTables({ dir, regions: ["us-east-1"], services: ["ec2"], dryRun: true });
    expect(outcomes[0]?.status).toBe("dry-run");
    expect(outcomes[0]?.changes.length).toBeGreaterThan(0);
    expect(readFileSync(file, "utf8")).toBe(before);
  });

  it("keeps a region's table when its offer cannot be fetched, and says so", async () => {
    const dir = copyTables();
    const before = loadTables(dir).rows("aws", "eks", "eu-west-1");
    const lines: string[] = [];
    const outcomes = await refreshFallbackTables({ dir, regions: ["eu-west-1"], services: ["eks"], log: (l) => lines.push(l) });
    expect(outcomes[0]).toMatchObject({ status: "skipped", reason: expect.stringContaining("HTTP 404") });
    expect(loadTables(dir).rows("aws", "eks", "eu-west-1")).toEqual(before);
    expect(lines[0]).toMatch(/eks eu-west-1: not refreshed \(GET .*AmazonEKS\/current\/eu-west-1\/index\.json: HTTP 404\)/);
  });
});

describe("streaming an offer file", () => {
  /** An EC2-shaped offer produced chunk by chunk: it never exists whole, here or in the reader. */
  function generated(products: number, keepEvery: number, progress: { produced: number }): Response {
    const encoder = new TextEncoder();
    let i = 0;
    let phase: "head" | "products" | "terms" | "tail" | "done" = "head";
    const sku = (n: number) => `SKU${String(n).padStart(10, "0")}`;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        let chunk = "";
        if (phase === "head") {
          chunk = '{"formatVersion":"v1.0","offerCode":"AmazonEC2","version":"20261101000000","publicationDate":"2026-11-01T00:00:00Z","products":{';
          phase = "products";
        } else if (phase === "products" || phase === "terms") {
          for (let n = 0; n < 200 && i < products; n++, i++) {
            const plain = i % keepEvery === 0;
            const value =
              phase === "products"
                ? { sku: sku(i), productFamily: "Compute Instance", attributes: { regionCode: "us-east-1", instanceType: `m5.${i}xlarge`, operatingSystem: plain ? "Linux" : "Windows", tenancy: "Shared", preInstalledSw: "NA", capacitystatus: "Used", operation: "RunInstances", usagetype: `BoxUsage:m5.${i}xlarge`, servicecode: "AmazonEC2" } }
                : { [`${sku(i)}.JRTCKXETXF`]: { offerTermCode: "JRTCKXETXF", sku: sku(i), effectiveDate: "2026-11-01T00:00:00Z", priceDimensions: { [`${sku(i)}.JRTCKXETXF.6YS6EN2CT7`]: { unit: "Hrs", beginRange: "0", endRange: "Inf", description: "x", rateCode: `${sku(i)}.JRTCKXETXF.6YS6EN2CT7`, pricePerUnit: { USD: "0.1920000000" } } } } };
            chunk += `${i ? "," : ""}${JSON.stringify(sku(i))}:${JSON.stringify(value)}`;
          }
          if (i === products) {
            chunk += phase === "products" ? '},"terms":{"OnDemand":{' : "}}}";
            phase = phase === "products" ? "terms" : "tail";
            i = 0;
          }
        } else {
          controller.close();
          phase = "done";
          return;
        }
        progress.produced++;
        controller.enqueue(encoder.encode(chunk));
      },
    });
    return new Response(body);
  }

  it("reads products as they arrive and keeps only what the live query would ask for", async () => {
    const progress = { produced: 0 };
    let producedAtFirstProduct = -1;
    const [query] = ec2Queries("us-east-1");
    const read = await streamOffer(async () => generated(20_000, 100, progress), "generated", (p) => {
      if (producedAtFirstProduct < 0) producedAtFirstProduct = progress.produced;
      return matchesFilters(p, query?.filters ?? []);
    });
    expect(read.productsRead).toBe(20_000);
    expect(read.products).toHaveLength(200);
    expect(read.products.every((p) => p.attributes.operatingSystem === "Linux" && p.dimensions[0]?.usd === "0.1920000000")).toBe(true);
    // The first product was judged while the body was still being produced (~200 chunks in all).
    expect(producedAtFirstProduct).toBeLessThan(5);
    expect(progress.produced).toBeGreaterThan(150);
  });

  it("refuses a file whose terms come before its products, and one that is not an offer", async () => {
    const termsFirst = JSON.stringify({ offerCode: "AmazonEC2", publicationDate: "2026-11-01T00:00:00Z", terms: { OnDemand: { A: {} } }, products: {} });
    await expect(streamOffer(async () => new Response(termsFirst), "u", () => true)).rejects.toThrow("terms come before products");
    await expect(streamOffer(async () => new Response('{"products":{}}'), "u", () => true)).rejects.toThrow("not an AWS offer file");
    await expect(streamOffer(async () => new Response("{not json"), "u", () => true)).rejects.toThrow();
  });
});

describe("npm run fallback:refresh reads the offers from AWS_PRICING_OFFERS_URL", () => {
  it("asks the mirror the setting names, at AWS's path layout", async () => {
    const { createServer } = await import("node:http");
    const { execFile } = await import("node:child_process");
    const paths: string[] = [];
    // A mirror that has nothing: the script must still have asked it, and keep the table as it was.
    const mirror = createServer((req, res) => {
      paths.push(req.url ?? "");
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => mirror.listen(0, "127.0.0.1", r));
    const port = (mirror.address() as { port: number }).port;
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        ["scripts/fallback-refresh.ts", "--regions", "eu-west-1", "--services", "eks", "--dry-run"],
        { env: { ...process.env, AWS_PRICING_OFFERS_URL: `http://127.0.0.1:${port}/aws-mirror` }, timeout: 60_000 },
        (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)),
      ),
    );
    mirror.close();
    expect(paths).toContain("/aws-mirror/offers/v1.0/aws/AmazonEKS/current/eu-west-1/index.json");
    expect(out).toMatch(/eks eu-west-1: not refreshed/);
  }, 60_000);
});
