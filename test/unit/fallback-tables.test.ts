import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadTables } from "../../src/clouds/registry.ts";
import { FallbackTableError } from "../../src/fallback/tables.ts";

const loadFallbackTables = (dir: string) => loadTables(dir);

const SOURCE = "https://aws.amazon.com/eks/pricing/";

const eksRow = {
  id: "control-plane.standard",
  region: "us-east-1",
  description: "Amazon EKS cluster usage in US East (N. Virginia)",
  unit: "hour",
  price: "0.10",
  source: SOURCE,
  asOf: "2025-01-01",
};

const lambdaDuration = {
  id: "duration.x86_64",
  region: "us-east-1",
  description: "AWS Lambda - Total Compute (GB-Seconds)",
  unit: "gb-second",
  price: "0.0000166667",
  tiers: [
    { from: "0", to: "6000000000", price: "0.0000166667" },
    { from: "6000000000", to: "15000000000", price: "0.000015" },
    { from: "15000000000", to: null, price: "0.0000133334" },
  ],
  source: "https://aws.amazon.com/lambda/pricing/",
  asOf: "2025-01-01",
};

function tablesDir(files: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), "pricebook-fallback-"));
  mkdirSync(join(dir, "aws"));
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, "aws", name), typeof content === "string" ? content : JSON.stringify(content));
  }
  return dir;
}

const eksTable = (rows: unknown[]) => ({ cloud: "aws", service: "eks", rows });

function loadError(files: Record<string, unknown>): string {
  try {
    loadFallbackTables(tablesDir(files));
  } catch (error) {
    expect(error).toBeInstanceOf(FallbackTableError);
    return (error as Error).message;
  }
  throw new Error("expected the tables to be rejected");
}

describe("fallback tables", () => {
  it("loads and indexes valid tables", () => {
    const tables = loadFallbackTables(
      tablesDir({
        "eks.json": eksTable([eksRow]),
        "lambda.json": { cloud: "aws", service: "lambda", rows: [lambdaDuration] },
      }),
    );
    expect(tables.get("aws", "eks", "us-east-1", "control-plane.standard")?.price).toBe("0.10");
    expect(tables.get("aws", "lambda", "us-east-1", "duration.x86_64")?.tiers).toHaveLength(3);
    expect(tables.regions("aws", "eks")).toEqual(["us-east-1"]);
    expect(tables.rows("aws", "eks", "eu-west-1")).toEqual([]);
  });

  it("loads the tables shipped in the repository", () => {
    const tables = loadFallbackTables("fallback-pricing");
    expect([...tables.allRows()].length).toBeGreaterThan(0);
  });

  it("validates every shipped purchase-option table; each row is of an item its region prices on demand, in the same unit", () => {
    const tables = loadFallbackTables("fallback-pricing");
    const options = new Set<string>();
    let rows = 0;
    for (const { cloud, service, option, region } of tables.optionKeys()) {
      options.add(`${cloud}/${service}/${option}`);
      for (const row of tables.optionRows(cloud, service, option, region)) {
        rows++;
        const onDemand = tables.get(cloud, service, region, row.id);
        expect(onDemand, `${cloud} ${service} ${option} ${region} ${row.id}`).toBeDefined();
        expect(row.unit).toBe(onDemand?.unit);
        expect(row.purchase?.option).toBe(option);
      }
    }
    // Reserved on every cloud, spot where it is published (Azure, GCP), savings plans where sourced (Azure).
    expect([...options].sort()).toEqual(["aws/ec2/reserved", "azure/vm/reserved", "azure/vm/savings-plan", "azure/vm/spot", "gcp/compute/reserved", "gcp/compute/spot"]);
    expect(rows).toBeGreaterThan(100_000);
  });

  it.each([
    ["a float price", { price: 0.1 }, /rows\[0\] \(id control-plane.standard, region us-east-1\): price:/],
    ["a zero price", { price: "0" }, /price: must be greater than zero/],
    ["an exponent", { price: "1e-7" }, /price: must be a decimal string/],
    ["an unknown region", { region: "mars-north-1" }, /region: "mars-north-1" is not a AWS region code/],
    ["a region in the wrong case", { region: "US-EAST-1" }, /region: "US-EAST-1" is not a AWS region code.*did you mean us-east-1/],
    ["a missing source", { source: undefined }, /source:/],
    ["a bad date", { asOf: "last tuesday" }, /asOf: must be an ISO date/],
    ["an id the service does not have", { id: "control-plane.premium" }, /id is not a aws eks item id/],
    ["a wrong unit", { unit: "gb-hour" }, /unit must be "hour" for this id/],
    ["an unknown field", { colour: "blue" }, /Unrecognized key/],
  ])("rejects a row with %s, naming file and row", (_label, patch, pattern) => {
    const row = { ...eksRow, ...patch };
    const message = loadError({ "eks.json": eksTable([eksRow, { ...eksRow, region: "us-east-2" }, row]) });
    expect(message).toContain("eks.json rows[2]");
    expect(message).toMatch(new RegExp(String(pattern.source).replace("rows\\[0\\]", "rows\\[2\\]")));
  });

  it("rejects duplicate rows", () => {
    expect(loadError({ "eks.json": eksTable([eksRow, eksRow]) })).toMatch(/rows\[1\].*duplicate/);
  });

  it.each([
    [
      "a gap between tiers",
      [
        { from: "0", to: "6000000000", price: "0.0000166667" },
        { from: "7000000000", to: null, price: "0.000015" },
      ],
      /tiers\[1\].from must equal tiers\[0\].to/,
    ],
    [
      "an open tier before the last",
      [
        { from: "0", to: null, price: "0.0000166667" },
        { from: "6000000000", to: null, price: "0.000015" },
      ],
      /must be null only on the last tier/,
    ],
    [
      "a first tier not at zero",
      [
        { from: "1", to: "6000000000", price: "0.0000166667" },
        { from: "6000000000", to: null, price: "0.000015" },
      ],
      /must start at "0"/,
    ],
    [
      "a first tier price other than the row price",
      [
        { from: "0", to: "6000000000", price: "0.000015" },
        { from: "6000000000", to: null, price: "0.000015" },
      ],
      /first tier's price/,
    ],
  ])("rejects tiers with %s", (_label, tiers, pattern) => {
    const message = loadError({
      "lambda.json": { cloud: "aws", service: "lambda", rows: [{ ...lambdaDuration, tiers }] },
    });
    expect(message).toContain("lambda.json rows[0]");
    expect(message).toMatch(pattern);
  });

  it("rejects a file that is not JSON, naming it", () => {
    expect(loadError({ "eks.json": "{ not json" })).toMatch(/eks\.json: not valid JSON/);
  });

  it("rejects a table for an unknown service", () => {
    expect(loadError({ "rds.json": { cloud: "aws", service: "rds", rows: [] } })).toMatch(
      /rds\.json: "rds" is not a aws service Pricebook prices/,
    );
  });

  it("rejects a directory without tables", () => {
    expect(loadError({})).toMatch(/no fallback tables/);
  });

  it("rejects a free tier outside the lambda table", () => {
    const freeTier = { requests: "1000000", gbSeconds: "400000", source: SOURCE, asOf: "2025-01-01" };
    expect(loadError({ "eks.json": { ...eksTable([eksRow]), freeTier } })).toMatch(
      /freeTier is not defined for aws eks/,
    );
  });

  it("resolves a row's source from the file's sources, and a file-level region", () => {
    const tables = loadFallbackTables(
      tablesDir({
        "eks.json": {
          cloud: "aws",
          service: "eks",
          region: "eu-west-1",
          sources: { blog: { citation: SOURCE, asOf: "2024-04-01" } },
          rows: [{ id: "control-plane.standard", unit: "hour", price: "0.1", source: "blog", asOf: "2024-04-01" }],
        },
      }),
    );
    expect(tables.get("aws", "eks", "eu-west-1", "control-plane.standard")).toMatchObject({ source: SOURCE, region: "eu-west-1", description: "Amazon EKS control-plane.standard in eu-west-1" });
  });

  it("rejects a row whose region differs from its file's", () => {
    const message = loadError({ "eks.json": { cloud: "aws", service: "eks", region: "eu-west-1", rows: [eksRow] } });
    expect(message).toMatch(/rows\[0\].*region must be the file's \(eu-west-1\)/);
  });
});

describe("fallback tables: prices published at $0, prices made of parts", () => {
  const azureDir = (rows: unknown[]) => {
    const dir = mkdtempSync(join(tmpdir(), "pricebook-fallback-azure-"));
    mkdirSync(join(dir, "azure"));
    writeFileSync(join(dir, "azure", "aks.json"), JSON.stringify({ cloud: "azure", service: "aks", region: "eastus", rows }));
    return dir;
  };
  const row = (patch: Record<string, unknown>) => ({ unit: "hour", source: "https://learn.microsoft.com/azure/aks/free-standard-pricing-tiers", asOf: "2024-06-07", ...patch });
  const premium = (parts: Array<{ name: string; price: string }>) => row({ id: "control-plane.premium", price: "0.7", parts });
  const error = (rows: unknown[]) => {
    try {
      loadTables(azureDir(rows));
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error("expected the table to be rejected");
  };

  it("a 0 is a price only for an item the service declares published at $0", () => {
    const tables = loadTables(azureDir([row({ id: "control-plane.free", price: "0" })]));
    expect(tables.get("azure", "aks", "eastus", "control-plane.free")?.price).toBe("0");
    expect(error([row({ id: "control-plane.standard", price: "0" })])).toMatch(/control-plane.standard.*price: must be greater than zero \(only control-plane.free is published at \$0\)/);
  });

  it("a price given with its parts must be their sum, exactly", () => {
    const ok = loadTables(azureDir([premium([{ name: "Standard Uptime SLA", price: "0.1" }, { name: "Standard Long Term Support", price: "0.6" }])]));
    expect(ok.get("azure", "aks", "eastus", "control-plane.premium")?.parts).toHaveLength(2);
    expect(error([premium([{ name: "Standard Uptime SLA", price: "0.1" }, { name: "Standard Long Term Support", price: "0.5" }])])).toMatch(/price must equal the sum of its parts \(0.6\)/);
    expect(error([premium([{ name: "Standard Uptime SLA", price: "0.7" }])])).toMatch(/parts/);
  });
});
