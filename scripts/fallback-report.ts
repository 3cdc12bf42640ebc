/**
 * Prints the fallback tables' coverage: per cloud, prices per service × region; for services with a
 * list of what each region offers (fallback-pricing/offered/), the share of those types priced; for
 * instance services, how many rows carry their specs; then the sources behind the rows. Validates every
 * table exactly as the server does.
 * Usage: npm run fallback:report [-- --dir fallback-pricing] [-- --missing ec2:eu-west-1]
 */
import { parseArgs } from "node:util";
import { CLOUDS, loadTables } from "../src/clouds/registry.ts";
import { coverage, loadOffered } from "../src/fallback/coverage.ts";

const { values } = parseArgs({
  options: { dir: { type: "string", default: "fallback-pricing" }, missing: { type: "string" } },
});
const dir = values.dir as string;
const tables = loadTables(dir);
const offered = loadOffered(dir);
const instanceServices = new Set(CLOUDS.flatMap((c) => c.services.filter((s) => s.instances).map((s) => `${c.id}/${s.id}`)));
const report = await coverage(tables, offered, (cloud, service) => instanceServices.has(`${cloud}/${service}`));
const all = [...tables.allRows()];

function table(header: string[], lines: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? "").length)));
  const fmt = (cells: string[]) => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join("  ");
  console.log(fmt(header));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const line of lines) console.log(fmt(line));
  console.log("");
}

console.log(`Fallback price tables in ${dir}: ${tables.files.length} files, ${all.length} prices\n`);
for (const cloud of CLOUDS) {
  const services = report.filter((s) => s.cloud === cloud.id);
  if (services.length === 0) {
    console.log(`${cloud.id}: no tables\n`);
    continue;
  }
  const regions = [...new Set(services.flatMap((s) => Object.keys(s.regions)))].sort();
  console.log(`${cloud.id}: prices per service × region`);
  table(
    [`${cloud.id} region`, ...services.map((s) => s.service)],
    [
      ...regions.map((r) => [r, ...services.map((s) => String(s.regions[r]?.prices ?? "-"))]),
      ["regions", ...services.map((s) => String(Object.keys(s.regions).length))],
    ],
  );
  for (const s of services) {
    const instances = Object.values(s.regions).some((r) => r.withSpecs !== undefined);
    if (!s.offeredSource && !instances) continue;
    console.log(`${cloud.id} ${s.service}: ${s.offeredSource ? `share of the types each region offers (denominator: ${s.offeredSource.citation}, as of ${s.offeredSource.asOf})` : "specs"}`);
    const lines = Object.entries(s.regions).map(([region, c]) => [
      region,
      String(c.prices),
      c.offered === undefined ? "no list" : `${c.offeredPriced}/${c.offered}`,
      c.percentOfOffered === undefined ? "-" : `${c.percentOfOffered.toFixed(1)}%`,
      c.withSpecs === undefined ? "-" : `${c.withSpecs}/${c.prices}`,
      `${c.oldestAsOf} … ${c.newestAsOf}`,
    ]);
    table(["region", "prices", "offered priced", "share", "with specs", "as of"], lines);
    const at90 = Object.values(s.regions).filter((c) => (c.percentOfOffered ?? 0) >= 90).length;
    if (s.offeredSource) console.log(`${at90} of ${Object.keys(s.regions).length} regions price at least 90% of the types they offer.\n`);
  }
}

if (values.missing) {
  // --missing ec2:eu-west-1 lists the offered types without a price, by family.
  const [service, region] = (values.missing as string).split(":") as [string, string];
  const list = offered.find((o) => o.service === service)?.regions.get(region);
  const priced = tables.ids("aws", service, region);
  const missing = [...(list ?? [])].filter((id) => !priced.has(id));
  const families = new Map<string, number>();
  for (const id of missing) families.set(id.split(".")[0] as string, (families.get(id.split(".")[0] as string) ?? 0) + 1);
  console.log(`${service} ${region}: ${missing.length} offered types without a price: ${[...families].map(([f, n]) => `${f} ${n}`).join(", ")}\n`);
}

// Purchase-option tables (reserved, savings-plan, spot): every file read and validated here, with
// the terms each region sells and how many of its rows have an on-demand row to compare with.
const byOption = new Map<string, Array<{ region: string; rows: number; terms: Set<string>; withOnDemand: number }>>();
for (const { cloud, service, option, region } of tables.optionKeys()) {
  const rows = tables.optionRows(cloud, service, option, region);
  all.push(...rows.map((row) => ({ cloud, service, row })));
  const onDemand = tables.ids(cloud, service, region);
  const key = `${cloud} ${service} ${option}`;
  const list = byOption.get(key) ?? [];
  list.push({
    region,
    rows: rows.length,
    terms: new Set(rows.map((r) => [r.purchase?.term, r.purchase?.payment, r.purchase?.offeringClass ?? r.purchase?.planType].filter(Boolean).join(" ") || "-")),
    withOnDemand: rows.filter((r) => onDemand.has(r.id)).length,
  });
  byOption.set(key, list);
}
for (const [key, list] of byOption) {
  console.log(`${key}: ${list.length} regions, ${list.reduce((n, r) => n + r.rows, 0)} rows`);
  table(
    ["region", "rows", "with on-demand", "terms"],
    list.map((r) => [r.region, String(r.rows), `${r.withOnDemand}/${r.rows}`, [...r.terms].sort().join(", ")]),
  );
}

const sources = new Map<string, number>();
// Rows cited by a file's source key are counted by key (one source may be cited per region file).
for (const { row } of all) {
  const name = row.sourceKey ?? row.source;
  sources.set(name, (sources.get(name) ?? 0) + 1);
}
const dates = all.map(({ row }) => row.asOf).sort();
console.log(`Every row has a source and an as-of date (validated). ${sources.size} distinct sources; as of ${dates[0]} … ${dates.at(-1)}.`);
for (const [source, n] of [...sources].sort((a, b) => b[1] - a[1])) console.log(`  ${String(n).padStart(6)}  ${source.length > 150 ? `${source.slice(0, 150)}…` : source}`);
