/**
 * Prints the fallback tables' coverage: per cloud, rows per service × region, the distinct sources
 * behind them, and the as-of range. Validates the tables exactly as the server does at start-up.
 * Usage: npm run fallback:report [-- --dir fallback-pricing]
 */
import { parseArgs } from "node:util";
import { CLOUDS, loadTables } from "../src/clouds/registry.ts";

const { values } = parseArgs({ options: { dir: { type: "string", default: "fallback-pricing" } } });
const tables = loadTables(values.dir as string);
const all = [...tables.allRows()];

console.log(`Fallback price tables in ${values.dir}: ${tables.files.length} files, ${all.length} prices\n`);
for (const cloud of CLOUDS) {
  const services = cloud.services.map((s) => s.id);
  const rows = all.filter((r) => r.cloud === cloud.id);
  if (rows.length === 0) {
    console.log(`${cloud.id}: no tables\n`);
    continue;
  }
  const regions = [...new Set(rows.map(({ row }) => row.region))].sort();
  const count = (service: string, region: string) => tables.rows(cloud.id, service, region).length;
  const header = [`${cloud.id} region`, ...services, "total"];
  const lines = regions.map((region) => {
    const counts = services.map((s) => count(s, region));
    return [region, ...counts.map(String), String(counts.reduce((a, b) => a + b, 0))];
  });
  const totals = services.map((s) => rows.filter((r) => r.service === s).length);
  lines.push(["total", ...totals.map(String), String(rows.length)]);
  lines.push(["regions", ...services.map((s) => String(tables.regions(cloud.id, s).length)), String(regions.length)]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] as string).length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  console.log(fmt(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const line of lines) console.log(fmt(line));
  console.log("");
}

const sources = new Map<string, number>();
for (const { row } of all) sources.set(row.source, (sources.get(row.source) ?? 0) + 1);
const dates = all.map(({ row }) => row.asOf).sort();
console.log(`Every row has a source and an as-of date (validated). ${sources.size} distinct sources; as-of ${dates[0]} … ${dates.at(-1)}.`);
for (const [source, n] of [...sources].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(6)}  ${source}`);
