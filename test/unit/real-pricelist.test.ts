import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ec2Items } from "../../src/clouds/aws/ec2.ts";
import { eksItems } from "../../src/clouds/aws/eks.ts";
import { lambdaEdgeRequestQueries, lambdaItems } from "../../src/clouds/aws/lambda.ts";
import { parsePriceListItem } from "../../src/clouds/aws/price-list.ts";
import { isForRegion, usageTypeSuffix } from "../../src/clouds/aws/usage-types.ts";
import { matchesFilters, streamOffer } from "../../src/clouds/aws/offer-stream.ts";

/** Real items AWS sent (shared/aws-examples, helper fixtures): the mappers must read them as they are. */
const real = (name: string) => JSON.parse(readFileSync(join("test/fixtures/pricelist/real", name), "utf8"));
const fixture = (name: string) => JSON.parse(readFileSync(join("test/fixtures/pricelist", name), "utf8"));

describe("real Price List items", () => {
  it("parses the PriceList JSON strings of a real GetProducts answer, keeping the exact decimal", () => {
    const answer = real("pricelist-getproducts-botocore-example.json").output;
    const product = parsePriceListItem(answer.PriceList[0]);
    expect(product).toMatchObject({
      sku: "WQGC34PB2AWS8R4U",
      serviceCode: "AmazonEC2",
      effectiveDate: "2017-08-01T00:00:00Z",
      publicationDate: "2017-09-01T18:22:01Z",
    });
    expect(product.dimensions).toEqual([
      expect.objectContaining({ usd: "0.1380000000", unit: "GB-Mo", beginRange: "0", endRange: "Inf" }),
    ]);
  });

  it("reads the real m5.large item: on-demand only (Reserved terms ignored), vCPU and memory", () => {
    const product = parsePriceListItem(real("pricelist-item-ec2-m5.large-us-east-1.json"));
    expect(product.dimensions).toHaveLength(1);
    const items = ec2Items("us-east-1", [product]);
    expect(items.get("m5.large")).toMatchObject({
      price: "0.0960000000",
      unit: "hour",
      vcpu: 2,
      memoryGiB: 8,
      usageType: "BoxUsage:m5.large",
      sku: "6C86BEPQVG73ZGGR",
    });
  });

  it("reads the real EKS cluster item (APS2- prefix, unit Hours)", () => {
    const product = parsePriceListItem(real("pricelist-item-eks-cluster-ap-southeast-2.json"));
    const items = eksItems("ap-southeast-2", [product]);
    expect(items.get("control-plane.standard")).toMatchObject({
      price: "0.1000000000",
      sku: "BMJ7KNTWFFFQPFS4",
      asOf: "2022-08-11T19:51:42Z",
    });
    expect(eksItems("us-east-1", [product]).size).toBe(0);
  });

  it("reads the real 2018 Lambda EU-Request item, which has no regionCode, by its EU- prefix", () => {
    const product = parsePriceListItem(real("pricelist-item-lambda-requests-eu-west-1.json"));
    expect(product.attributes.regionCode).toBeUndefined();
    expect(lambdaItems("eu-west-1", [product]).get("requests")).toMatchObject({
      price: "0.0000002000",
      unit: "request",
      usageType: "EU-Request",
    });
    expect(lambdaItems("us-east-1", [product]).size).toBe(0);
  });

  it("reads the real Lambda@Edge duration item (AWSLambda offer)", () => {
    const answer = real("pricelist-getproducts-lambda-edge-ap-northeast-1.json");
    const product = parsePriceListItem(answer.PriceList[0]);
    expect(lambdaItems("ap-northeast-1", [product]).get("edge.duration")).toMatchObject({
      price: "0.0000500100",
      unit: "gb-second",
    });
  });

  it("reads the real Lambda@Edge request item of the AmazonCloudFront offer (no regionCode)", async () => {
    const file = fixture("cloudfront-lambda-edge-request-eu-west-3-2019.json").offer;
    const [query] = lambdaEdgeRequestQueries();
    const offer = await streamOffer(async () => Response.json(file), "https://example.invalid", (p) => matchesFilters(p, query?.filters ?? []));
    expect(lambdaItems("eu-west-3", offer.products).get("edge.requests")).toMatchObject({
      price: "0.0000006000",
      unit: "request",
      usageType: "EUW3-Lambda-Edge-Request",
    });
  });

  it("excludes capacity reservations and the $0 reservation line of a real c5.xlarge answer", () => {
    const answer = fixture("ec2-getproducts-c5.xlarge-capacitystatus-us-east-1-2020.json");
    const products = (answer.items ?? answer.PriceList ?? []).map((i: unknown) => parsePriceListItem(i));
    const items = ec2Items("us-east-1", products);
    const c5 = items.get("c5.xlarge");
    expect(c5?.price).not.toMatch(/^0(\.0+)?$/);
    expect(c5?.usageType).toBe("BoxUsage:c5.xlarge");
  });
});

describe("usage-type region prefixes", () => {
  it.each([
    ["Request", "us-east-1", "Request"],
    ["EU-Request", "eu-west-1", "Request"],
    ["USE2-BoxUsage:m5.large", "us-east-2", "BoxUsage:m5.large"],
    ["USE1-AmazonEKS-Hours:perCluster", "us-east-1", "AmazonEKS-Hours:perCluster"],
    ["APS3-Train:ml.m5.xlarge", "ap-south-1", "Train:ml.m5.xlarge"],
    ["EU-Request", "us-east-1", "EU-Request"],
  ])("%s in %s → %s", (usage, region, suffix) => {
    expect(usageTypeSuffix(usage, region)).toBe(suffix);
  });

  it("matches items without regionCode by prefix, and us-east-1's unprefixed EC2/Lambda types", () => {
    expect(isForRegion({ usagetype: "EU-Request" }, "eu-west-1")).toBe(true);
    expect(isForRegion({ usagetype: "EU-Request" }, "eu-central-1")).toBe(false);
    expect(isForRegion({ usagetype: "Request" }, "us-east-1")).toBe(true);
    expect(isForRegion({ usagetype: "Request" }, "eu-west-1")).toBe(false);
    expect(isForRegion({ usagetype: "USE1-Fargate-GB-Hours" }, "us-east-1")).toBe(true);
    expect(isForRegion({ regionCode: "us-east-2", usagetype: "EU-Request" }, "us-east-2")).toBe(true);
  });
});
