import { readFileSync } from "node:fs";
import type { SavingsPlanOfferingRate } from "@aws-sdk/client-savingsplans";
import { describe, expect, it } from "vitest";
import { type PriceDimension, parsePriceListItem } from "../../src/clouds/aws/price-list.ts";
import { reservedRate, reservedRates } from "../../src/clouds/aws/reserved-rates.ts";
import { ratesByType } from "../../src/clouds/aws/savings-plans.ts";
import { ec2Rate } from "../fakes/savingsplans-fake.ts";

const realM5 = () => JSON.parse(readFileSync("test/fixtures/pricelist/real/pricelist-item-ec2-m5.large-us-east-1.json", "utf8"));

describe("the Price List's Reserved terms as rates", () => {
  it("reads all 12 terms of the real m5.large item exactly as published", () => {
    const rates = reservedRates(parsePriceListItem(realM5()));
    expect(rates).toHaveLength(12);
    const by = (term: string, payment: string, offeringClass: string) =>
      rates.find((r) => r.terms.term === term && r.terms.payment === payment && r.terms.offeringClass === offeringClass);
    expect(by("1yr", "partial-upfront", "standard")).toMatchObject({ recurring: "0.029", upfront: "252", offerTermCode: "HU7G6KETJZ" });
    expect(by("1yr", "no-upfront", "standard")).toMatchObject({ recurring: "0.06", upfront: "0", offerTermCode: "4NA7Y494T4" });
    expect(by("3yr", "all-upfront", "convertible")).toMatchObject({ recurring: "0", upfront: "1161", offerTermCode: "MZU6U2429S" });
  });

  it("leaves out a term it cannot state exactly, and a malformed term costs the item nothing else", () => {
    const item = realM5();
    const reserved = item.terms.Reserved;
    // An upfront payment without its Quantity fee: never read as 0.
    const partial = reserved["6C86BEPQVG73ZGGR.HU7G6KETJZ"];
    partial.priceDimensions = Object.fromEntries(Object.entries(partial.priceDimensions).filter(([, d]) => (d as { unit: string }).unit !== "Quantity"));
    // A purchase option of the old kinds; a term whose price is not a decimal.
    reserved["6C86BEPQVG73ZGGR.4NA7Y494T4"].termAttributes.PurchaseOption = "Heavy Utilization";
    reserved["6C86BEPQVG73ZGGR.BPH4J8HBKS"].priceDimensions["6C86BEPQVG73ZGGR.BPH4J8HBKS.6YS6EN2CT7"].pricePerUnit.USD = "n/a";
    const product = parsePriceListItem(item);
    expect(product.dimensions[0]?.usd).toBe("0.0960000000");
    expect(product.reserved).toHaveLength(11);
    const rates = reservedRates(product);
    expect(rates).toHaveLength(9);
    expect(rates.some((r) => r.offerTermCode === "HU7G6KETJZ" || r.offerTermCode === "4NA7Y494T4" || r.offerTermCode === "BPH4J8HBKS")).toBe(false);
    // No Upfront with an upfront fee is not a No Upfront term either.
    const noUp = product.reserved?.find((t) => t.offerTermCode === "7NE97W5U4E");
    expect(noUp && reservedRate({ ...noUp, dimensions: [...noUp.dimensions, { ...(noUp.dimensions[0] as PriceDimension), unit: "Quantity" }] })).toBeUndefined();
  });
});

describe("Savings Plans offering rates per instance type", () => {
  const types = new Set(["m5.large"]);
  it("keeps Linux/UNIX shared box usage of the asked types in the region, one rate per terms", () => {
    const good = ec2Rate("m5.large", "Compute", 1, "No Upfront", "0.0680000000");
    const windows = { ...ec2Rate("m5.large", "Compute", 1, "Partial Upfront", "0.1"), operation: "RunInstances:0002", properties: good.properties.map((p) => (p.name === "productDescription" ? { ...p, value: "Windows" } : p)) };
    const dedicated = { ...ec2Rate("m5.large", "Compute", 3, "No Upfront", "0.2"), usageType: "DedicatedUsage:m5.large" };
    const elsewhere = { ...ec2Rate("m5.large", "EC2Instance", 1, "No Upfront", "0.3"), properties: good.properties.map((p) => (p.name === "region" ? { ...p, value: "eu-west-1" } : p)) };
    const otherType = ec2Rate("c5.large", "Compute", 1, "No Upfront", "0.4");
    const sagemaker = { ...ec2Rate("m5.large", "Compute", 1, "All Upfront", "0.5"), savingsPlanOffering: { ...good.savingsPlanOffering, planType: "SageMaker" as const } };
    const notDecimal = { ...ec2Rate("m5.large", "EC2Instance", 3, "All Upfront", "1e-2") };
    const twice = ec2Rate("m5.large", "Compute", 1, "No Upfront", "0.9");
    // As the SDK deserialises the wire's JSON (its enum types are the strings AWS sends).
    const results = [good, windows, dedicated, elsewhere, otherType, sagemaker, notDecimal, twice] as unknown as SavingsPlanOfferingRate[];
    const rates = ratesByType(results, "us-east-1", types);
    expect([...rates.keys()]).toEqual(["m5.large"]);
    expect(rates.get("m5.large")).toEqual([
      { terms: { option: "savings-plan", term: "1yr", payment: "no-upfront", planType: "compute" }, rate: "0.068", offeringId: good.savingsPlanOffering.offeringId, usageType: "BoxUsage:m5.large" },
    ]);
  });
});
