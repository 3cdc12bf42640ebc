/**
 * npm run fallback:refresh [-- --regions us-east-1,eu-west-1 --services ec2,lambda --base-url URL --dry-run]
 * Rebuilds the AWS tables from AWS's public bulk offer files (or an AWS-compatible mirror at
 * --base-url, default the AWS_PRICING_OFFERS_URL setting), region by region, streaming each file;
 * prints the rows added, changed and removed.
 */
import { parseArgs } from "node:util";
import { awsRegions } from "../src/clouds/aws/regions.ts";
import { type PriceService, REFRESHABLE, refreshFallbackTables } from "../src/clouds/aws/refresh.ts";
import { loadConfig } from "../src/config.ts";

const SERVICES: readonly string[] = REFRESHABLE;
const { values } = parseArgs({
  options: {
    dir: { type: "string", default: "fallback-pricing" },
    regions: { type: "string" },
    services: { type: "string", default: SERVICES.join(",") },
    "base-url": { type: "string", default: loadConfig(process.env).AWS_PRICING_OFFERS_URL },
    "dry-run": { type: "boolean", default: false },
    verbose: { type: "boolean", default: false },
  },
});
const services = (values.services as string).split(",");
const unknownServices = services.filter((s) => !SERVICES.includes(s));
if (unknownServices.length) throw new Error(`unknown service(s): ${unknownServices.join(", ")}; allowed: ${SERVICES.join(", ")}`);
const regions = values.regions ? (values.regions as string).split(",") : [...awsRegions.codes];
const unknownRegions = regions.filter((r) => !awsRegions.has(r));
if (unknownRegions.length) throw new Error(`unknown region(s): ${unknownRegions.map((r) => awsRegions.explain(r)).join("; ")}`);

const outcomes = await refreshFallbackTables({
  dir: values.dir as string,
  regions,
  services: services as PriceService[],
  baseUrl: values["base-url"] as string,
  dryRun: values["dry-run"] as boolean,
  log: (line) => console.log(line),
});
let added = 0;
let changed = 0;
let removed = 0;
for (const o of outcomes) {
  for (const c of o.changes) {
    if (c.kind === "added") added++;
    else if (c.kind === "changed") changed++;
    else removed++;
    if (values.verbose) console.log(`${c.kind.padEnd(7)} ${o.service} ${o.region} ${c.id}: ${c.from ?? ""}${c.from && c.to ? " → " : ""}${c.to ?? ""}`);
  }
}
const skipped = outcomes.filter((o) => o.status === "skipped").length;
console.log(
  `\n${added} added, ${changed} changed, ${removed} removed in ${outcomes.length - skipped} service-regions; ${skipped} skipped (kept as they were)${values["dry-run"] ? "; dry run: nothing written" : ""}`,
);
