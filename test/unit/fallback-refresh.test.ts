import { cpSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { refreshFallbackTables } from "../../src/clouds/aws/refresh.ts";
import { loadTables } from "../../src/clouds/registry.ts";
import { eksItems, type FakeItem, lambdaItems, sagemakerItems } from "../fakes/pricelist-items.ts";

const BASE = "https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws";
const fixture = (name: string) => readFileSync(join("test/fixtures/offers", name), "utf8");

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

const requested: string[] = [];
const msw = setupServer(
  http.get(`${BASE}/:offer/current/:region/index.json`, ({ params, request }) => {
    requested.push(new URL(request.url).pathname);
    const { offer: code, region } = params as { offer: string; region: string };
    if (region !== "us-east-1") return new HttpResponse(null, { status: 404 });
    switch (code) {
      // Without Fargate, so the refresh has to take it from the real AmazonECS excerpt.
      case "AmazonEKS":
        return HttpResponse.json(
          offer(
            code,
            eksItems(region).filter((i) => !i.product.attributes.usagetype?.includes("Fargate")),
          ),
        );
      case "AmazonECS":
        return new HttpResponse(fixture("offer-file-AmazonECS-fargate-us-east-1-2025-08-28.trimmed.json"), {
          headers: { "content-type": "application/json" },
        });
      case "AmazonEC2":
        return new HttpResponse(fixture("offer-file-AmazonEC2-p4d-us-east-1-2024-05-28.json"), {
          headers: { "content-type": "application/json" },
        });
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

describe("fallback:refresh from bulk offer files", () => {
  it("replaces rows from the offers, keeps the version and date as source and as-of, and reports changes", async () => {
    const dir = copyTables();
    const before = loadTables(dir);
    const lines: string[] = [];
    const changes = await refreshFallbackTables({
      dir,
      regions: ["us-east-1"],
      services: ["eks", "ec2", "lambda", "sagemaker"],
      log: (l) => lines.push(l),
    });
    const after = loadTables(dir);

    // Fargate from the real AmazonECS excerpt, with its SKU, version and publication date.
    const vcpu = after.get("aws", "eks", "us-east-1", "fargate.vcpu.x86_64");
    expect(vcpu).toMatchObject({
      price: "0.0404800000",
      sku: "8CESGAFWKAJ98PME",
      usageType: "USE1-Fargate-vCPU-Hours:perCPU",
      asOf: "2025-08-28",
    });
    expect(vcpu?.source).toContain("AmazonECS/current/us-east-1/index.json (offer version 20250828172723)");
    // Extended support computed as standard + surcharge.
    expect(after.get("aws", "eks", "us-east-1", "control-plane.extended")?.price).toBe("0.6");

    // EC2: the real p4d offer; the $0 Capacity Block twin never becomes a row.
    const p4d = after.get("aws", "ec2", "us-east-1", "p4d.24xlarge");
    expect(p4d).toMatchObject({
      price: "32.7726000000",
      sku: "H7NGEAC6UEHNTKSJ",
      vcpu: 96,
      memoryGiB: 1152,
      asOf: "2024-05-28",
    });
    expect(changes).toContainEqual(
      expect.objectContaining({ service: "ec2", id: "p4d.24xlarge", kind: "changed", to: "32.7726000000" }),
    );
    // Rows the offers do not price keep their own source.
    expect(after.get("aws", "ec2", "us-east-1", "m5.large")).toEqual(before.get("aws", "ec2", "us-east-1", "m5.large"));
    // Only instance types already in the table are taken from the EC2 offer.
    expect([...after.allRows()].filter((r) => r.service === "ec2").length).toBe(
      [...before.allRows()].filter((r) => r.service === "ec2").length,
    );

    // Lambda: tiers from the offer.
    expect(after.get("aws", "lambda", "us-east-1", "duration.x86_64")?.tiers).toHaveLength(3);
    expect(changes.some((c) => c.service === "lambda" && c.id === "duration.arm64")).toBe(true);
    expect(lines.join("\n")).toContain("eks us-east-1: 7 rows from the offer files");
  });

  it("leaves the tables untouched on a dry run", async () => {
    const dir = copyTables();
    const before = readFileSync(join(dir, "aws", "eks.json"), "utf8");
    const changes = await refreshFallbackTables({
      dir,
      regions: ["us-east-1"],
      services: ["eks"],
      dryRun: true,
    });
    expect(changes.length).toBeGreaterThan(0);
    expect(readFileSync(join(dir, "aws", "eks.json"), "utf8")).toBe(before);
  });

  it("keeps a region's rows when its offer cannot be fetched, and says so", async () => {
    const dir = copyTables();
    const before = loadTables(dir);
    const lines: string[] = [];
    await refreshFallbackTables({
      dir,
      regions: ["eu-west-1"],
      services: ["eks"],
      log: (l) => lines.push(l),
    });
    expect(loadTables(dir).rows("aws", "eks", "eu-west-1")).toEqual(before.rows("aws", "eks", "eu-west-1"));
    expect(lines[0]).toMatch(/eks eu-west-1: not refreshed \(GET .*HTTP 404\)/);
  });
});
