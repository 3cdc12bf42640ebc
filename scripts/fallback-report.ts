/**
 * Prints the fallback tables' coverage: rows per service × region, the distinct sources behind them,
 * and the as-of range. Validates the tables exactly as the server does at start-up.
 * Usage: npm run fallback:report [-- --dir fallback-pricing]
 */
import { parseArgs } from "node:util";
import { loadFallbackTables } from "../src/fallback/tables.ts";
import { PRICE_SERVICES } from "../src/pricing/catalog.ts";

const { values } = parseArgs({ options: { dir: { type: "string", default: "fallback-pricing" } } });
const tables = loadFallbackTables(values.dir as string);
const all = [...tables.allRows()];

const regions = [...new Set(all.map(({ row }) => row.region))].sort();
const count = (service: string, region: string) =>
  all.filter((r) => r.service === service && r.row.region === region).length;

const header = ["region", ...PRICE_SERVICES, "total"];
const lines = regions.map((region) => {
  const counts = PRICE_SERVICES.map((s) => count(s, region));
  return [region, ...counts.map(String), String(counts.reduce((a, b) => a + b, 0))];
});
const totals = PRICE_SERVICES.map((s) => all.filter((r) => r.service === s).length);
lines.push(["total", ...totals.map(String), String(all.length)]);

const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
const fmt = (cells: string[]) =>
  cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
console.log(`Fallback price tables in ${values.dir}: ${tables.files.join(", ")}\n`);
console.log(fmt(header));
console.log(widths.map((w) => "-".repeat(w)).join("  "));
for (const line of lines) console.log(fmt(line));

const sources = new Map<string, number>();
for (const { row } of all) sources.set(row.source, (sources.get(row.source) ?? 0) + 1);
const dates = all.map(({ row }) => row.asOf).sort();
console.log(
  `\nEvery row has a source and an as-of date (validated). ${sources.size} distinct sources; as-of ${dates[0]} … ${dates.at(-1)}.`,
);
for (const [source, n] of [...sources].sort((a, b) => b[1] - a[1]))
  console.log(`  ${String(n).padStart(4)}  ${source}`);

const sagemaker = (region: string) => {
  const ids = all.filter((r) => r.service === "sagemaker" && r.row.region === region).map((r) => r.row.id);
  const types = new Set(
    ids.filter((id) => /^(training|hosting|notebook)\./.test(id)).map((id) => id.slice(id.indexOf(".") + 1)),
  );
  return types.size;
};
console.log("\nSageMaker instance types across training/hosting/notebook:");
for (const region of tables.regions("sagemaker")) console.log(`  ${region}: ${sagemaker(region)}`);
