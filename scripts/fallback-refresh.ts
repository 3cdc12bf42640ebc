/**
 * npm run fallback:refresh [-- --regions us-east-1,eu-west-1 --services eks,lambda --dry-run]
 * Regenerates fallback-pricing/ from AWS's public bulk offer files and prints what changed.
 */
import { parseArgs } from "node:util";
import { OFFER_BASE_URL, type PriceService, REFRESHABLE, refreshFallbackTables } from "../src/clouds/aws/refresh.ts";
import { loadTables } from "../src/clouds/registry.ts";

const PRICE_SERVICES: readonly string[] = REFRESHABLE;

const { values } = parseArgs({
  options: {
    dir: { type: "string", default: "fallback-pricing" },
    regions: { type: "string" },
    services: { type: "string", default: PRICE_SERVICES.join(",") },
    "base-url": { type: "string", default: OFFER_BASE_URL },
    "dry-run": { type: "boolean", default: false },
  },
});
const dir = values.dir as string;
const services = (values.services as string).split(",") as PriceService[];
const unknown = services.filter((s) => !PRICE_SERVICES.includes(s));
if (unknown.length)
  throw new Error(`unknown service(s): ${unknown.join(", ")}; allowed: ${PRICE_SERVICES.join(", ")}`);
const tables = loadTables(dir);
const regions = values.regions
  ? (values.regions as string).split(",")
  : [...new Set(PRICE_SERVICES.flatMap((s) => tables.regions("aws", s)))].sort();

const changes = await refreshFallbackTables({
  dir,
  regions,
  services,
  baseUrl: values["base-url"] as string,
  dryRun: values["dry-run"] as boolean,
  log: (line) => console.log(line),
});
for (const c of changes.filter((c) => c.kind !== "unchanged")) {
  console.log(`${c.kind.padEnd(7)} ${c.service} ${c.region} ${c.id}: ${c.from ? `${c.from} → ` : ""}${c.to}`);
}
const count = (k: string) => changes.filter((c) => c.kind === k).length;
console.log(
  `\n${count("added")} added, ${count("changed")} changed, ${count("unchanged")} unchanged${values["dry-run"] ? " (dry run: nothing written)" : ""}`,
);
