import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadTables } from "../../src/clouds/registry.ts";
import { commitmentRates } from "../../src/estimates/arithmetic.ts";
import { FallbackTableError } from "../../src/fallback/tables.ts";
import { resolveTerms } from "../../src/pricing/purchase-terms.ts";

/**
 * The arithmetic of commitments against published offers, worked by hand: AWS's m5.large in US East
 * (N. Virginia), Linux, shared tenancy, on-demand $0.096/h, whose Price List item publishes every
 * reserved term (fallback-pricing/aws/ec2/reserved/us-east-1.json cites it).
 */
describe("effective rate, saving and break-even (hand-computed from AWS's m5.large offers)", () => {
  it("1yr standard No Upfront: $0.06/h, nothing up front", () => {
    // 0.06 × 8,760 = 525.6; 525.6 ÷ (0.096 × 8,760 = 840.96) = 0.625 exactly.
    expect(commitmentRates("0.06", "0", 8760, "0.096")).toEqual({ effectiveHourly: "0.06", exact: true, termCost: "525.6", breakEvenUtilisation: "0.625", savingPercent: "37.5" });
  });

  it("1yr standard Partial Upfront: $0.029/h + $252", () => {
    // 0.029 × 8,760 + 252 = 506.04; ÷ 8,760 = 0.05776712328767…; 506.04 ÷ 840.96 = 0.60174086…
    expect(commitmentRates("0.029", "252", 8760, "0.096")).toEqual({
      effectiveHourly: "0.0577671233",
      exact: false,
      termCost: "506.04",
      breakEvenUtilisation: "0.601741",
      savingPercent: "39.8259",
    });
  });

  it("1yr standard All Upfront: $494", () => {
    // 494 ÷ 8,760 = 0.05639269406…; 494 ÷ 840.96 = 0.58742389…
    expect(commitmentRates("0", "494", 8760, "0.096")).toMatchObject({ effectiveHourly: "0.0563926941", termCost: "494", breakEvenUtilisation: "0.587424", savingPercent: "41.2576" });
  });

  it("3yr standard All Upfront: $949 over 26,280 hours", () => {
    // 949 ÷ 26,280 = 0.0361111…; 949 ÷ (0.096 × 26,280 = 2,522.88) = 0.37615660…
    expect(commitmentRates("0", "949", 26280, "0.096")).toMatchObject({ effectiveHourly: "0.0361111111", breakEvenUtilisation: "0.376157", savingPercent: "62.3843" });
  });

  it("3yr standard Partial Upfront: $0.019/h + $505", () => {
    // 0.019 × 26,280 + 505 = 1,004.32; ÷ 26,280 = 0.03821613394…; ÷ 2,522.88 = 0.39808473…
    expect(commitmentRates("0.019", "505", 26280, "0.096")).toMatchObject({ effectiveHourly: "0.0382161339", termCost: "1004.32", breakEvenUtilisation: "0.398085", savingPercent: "60.1915" });
  });

  it("a commitment dearer than on-demand has a negative saving and a break-even above 1", () => {
    expect(commitmentRates("0.1", "0", 8760, "0.08")).toMatchObject({ savingPercent: "-25", breakEvenUtilisation: "1.25" });
  });

  it("without an on-demand price there is no saving to state", () => {
    const rates = commitmentRates("0.06", "0", 8760);
    expect(rates.savingPercent).toBeUndefined();
    expect(rates.breakEvenUtilisation).toBeUndefined();
  });
});

describe("resolving the terms a region sells", () => {
  const aws = [
    { option: "reserved", term: "1yr", payment: "no-upfront", offeringClass: "standard" },
    { option: "reserved", term: "1yr", payment: "no-upfront", offeringClass: "convertible" },
    { option: "reserved", term: "3yr", payment: "no-upfront", offeringClass: "standard" },
    { option: "reserved", term: "1yr", payment: "all-upfront", offeringClass: "standard" },
  ] as const;

  it("fills open fields with the defaults: 1yr, no upfront, standard", () => {
    expect(resolveTerms({ option: "reserved" }, aws, "x")).toEqual({ option: "reserved", term: "1yr", payment: "no-upfront", offeringClass: "standard" });
    expect(resolveTerms({ option: "reserved", term: "3yr" }, aws, "x")).toEqual({ option: "reserved", term: "3yr", payment: "no-upfront", offeringClass: "standard" });
  });

  it("takes the only way a cloud sells an option (Azure: the term total, paid up front)", () => {
    const azure = [{ option: "reserved", term: "1yr", payment: "all-upfront" }, { option: "reserved", term: "3yr", payment: "all-upfront" }] as const;
    expect(resolveTerms({ option: "reserved" }, azure, "x")).toEqual({ option: "reserved", term: "1yr", payment: "all-upfront" });
  });

  it("answers 404 naming what is sold when nothing matches", () => {
    expect(() => resolveTerms({ option: "reserved", term: "3yr", payment: "partial-upfront" }, aws, "Amazon EC2 in us-east-1")).toThrow(
      /no reserved 3yr partial-upfront prices for Amazon EC2 in us-east-1; sold there: reserved 1yr no-upfront standard, reserved 1yr no-upfront convertible, reserved 3yr no-upfront standard, reserved 1yr all-upfront standard/,
    );
  });
});

describe("purchase-option tables: the contract", () => {
  const SOURCE = "https://aws.amazon.com/ec2/pricing/reserved-instances/pricing/";
  const onDemand = { cloud: "aws", service: "ec2", region: "us-east-1", rows: [{ id: "m5.large", unit: "hour", price: "0.096", source: SOURCE, asOf: "2025-04-04" }] };
  const row = { id: "m5.large", unit: "hour", price: "0.06", term: "1yr", payment: "no-upfront", offeringClass: "standard", source: SOURCE, asOf: "2025-04-05" };

  function load(option: string, rows: unknown[], extra: Record<string, unknown> = {}) {
    const dir = mkdtempSync(join(tmpdir(), "pricebook-options-"));
    mkdirSync(join(dir, "aws", "ec2", option), { recursive: true });
    writeFileSync(join(dir, "aws", "ec2", "us-east-1.json"), JSON.stringify(onDemand));
    writeFileSync(join(dir, "aws", "ec2", option, "us-east-1.json"), JSON.stringify({ cloud: "aws", service: "ec2", region: "us-east-1", purchaseOption: option, rows, ...extra }));
    const tables = loadTables(dir);
    return tables.optionRows("aws", "ec2", option as "reserved", "us-east-1");
  }
  const refused = (option: string, rows: unknown[], extra: Record<string, unknown> = {}) => {
    try {
      load(option, rows, extra);
    } catch (error) {
      expect(error).toBeInstanceOf(FallbackTableError);
      return (error as Error).message;
    }
    throw new Error("expected the table to be refused");
  };

  it("loads a row per id and terms, apart from the on-demand rows", () => {
    const rows = load("reserved", [row, { ...row, offeringClass: "convertible", price: "0.071" }, { ...row, payment: "all-upfront", price: "0", upfront: "494" }]);
    expect(rows.map((r) => [r.purchase?.offeringClass, r.purchase?.payment, r.price, r.upfront])).toEqual([
      ["standard", "no-upfront", "0.06", undefined],
      ["convertible", "no-upfront", "0.071", undefined],
      ["standard", "all-upfront", "0", "494"],
    ]);
  });

  it.each([
    ["no term", { ...row, term: undefined }, /term and payment are required/],
    ["an upfront fee on a no-upfront row", { ...row, upfront: "10" }, /a no-upfront row has none/],
    ["no upfront fee on an all-upfront row", { ...row, payment: "all-upfront", price: "0" }, /upfront: required with payment all-upfront/],
    ["a recurring rate on an all-upfront row", { ...row, payment: "all-upfront", upfront: "494" }, /an all-upfront row has no recurring rate/],
    ["a zero recurring rate on a partial-upfront row", { ...row, payment: "partial-upfront", price: "0", upfront: "252" }, /partial-upfront row has a recurring rate above zero/],
    ["a zero price on a no-upfront row", { ...row, price: "0" }, /must be greater than zero/],
    ["a plan type on a reserved row", { ...row, planType: "compute" }, /only savings-plan rows have one/],
    ["a term total on a no-upfront row", { ...row, termTotal: "500" }, /termTotal: only on a reserved all-upfront row/],
    ["the same id and terms twice", [row, row], /duplicate of an earlier row/],
  ])("refuses %s", (_label, bad, message) => {
    expect(refused("reserved", Array.isArray(bad) ? bad : [bad])).toMatch(message);
  });

  it("refuses terms in a spot table and in an on-demand table", () => {
    expect(refused("spot", [row])).toMatch(/a spot row has no term or payment/);
    const dir = mkdtempSync(join(tmpdir(), "pricebook-options-"));
    mkdirSync(join(dir, "aws", "ec2"), { recursive: true });
    writeFileSync(join(dir, "aws", "ec2", "us-east-1.json"), JSON.stringify({ ...onDemand, rows: [{ ...onDemand.rows[0], term: "1yr" }] }));
    expect(() => loadTables(dir).rows("aws", "ec2", "us-east-1")).toThrow(/only purchase-option tables/);
  });

  it("refuses a table whose declared option is not its folder's", () => {
    expect(refused("reserved", [{ ...row, offeringClass: undefined, planType: "compute" }], { purchaseOption: "savings-plan" })).toMatch(/declares aws ec2 savings-plan, but its path says aws ec2 reserved/);
  });
});

describe("the on-demand providers refuse a purchase option (never the on-demand price silently)", () => {
  it("the tables' provider throws for a spot question", async () => {
    const { FallbackPriceProvider } = await import("../../src/pricing/fallback-provider.ts");
    const { AWS_SERVICES } = await import("../../src/clouds/aws/catalog.ts");
    const provider = new FallbackPriceProvider("aws", AWS_SERVICES, loadTables("fallback-pricing"), "mock");
    await expect(provider.price({ cloud: "aws", service: "ec2", region: "us-east-1", ids: ["m5.large"], purchase: { option: "spot" } })).rejects.toThrow(/answers on-demand only/);
    await expect(provider.price({ cloud: "aws", service: "ec2", region: "us-east-1", ids: ["m5.large"] })).resolves.toMatchObject({ items: [{ price: "0.096" }] });
  });
});
