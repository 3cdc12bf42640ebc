import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import type { FallbackRow, FallbackTables } from "./tables.ts";

/**
 * How much of what a cloud sells the fallback tables price, per service × region: the number of
 * prices, their as-of range, how many instance rows carry their specs, and, where a list of what each
 * region offers is shipped (`fallback-pricing/offered/<cloud>/<service>.json`, with its own source),
 * the share of those types that has a price. `npm run fallback:report` prints it; `GET /v1/catalog`
 * serves it.
 */

const offeredSchema = z.object({
  cloud: z.string(),
  service: z.string(),
  source: z.object({ citation: z.string().min(8), asOf: z.iso.date(), note: z.string().optional() }),
  regions: z.record(z.string(), z.array(z.string())),
});

/** What each region offers of one service, by a cited source (the coverage denominator). */
export interface Offered {
  cloud: string;
  service: string;
  source: { citation: string; asOf: string };
  regions: ReadonlyMap<string, ReadonlySet<string>>;
}

export function loadOffered(dir: string): Offered[] {
  const root = join(dir, "offered");
  if (!existsSync(root)) return [];
  const out: Offered[] = [];
  for (const cloud of readdirSync(root)) {
    for (const name of readdirSync(join(root, cloud)).filter((n) => n.endsWith(".json"))) {
      const file = join(root, cloud, name);
      const parsed = offeredSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
      if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
      const { regions, source, ...rest } = parsed.data;
      out.push({ ...rest, source: { citation: source.citation, asOf: source.asOf }, regions: new Map(Object.entries(regions).map(([r, ids]) => [r, new Set(ids)])) });
    }
  }
  return out;
}

export interface RegionCoverage {
  prices: number;
  oldestAsOf: string;
  newestAsOf: string;
  /** Instance rows (those with an instance-type id) that carry vCPU, memory and architecture. */
  withSpecs?: number;
  /** Types the region offers by the `offered` source, and how many of them have a price. */
  offered?: number;
  offeredPriced?: number;
  /** offeredPriced / offered, in percent with one decimal. */
  percentOfOffered?: number;
}

export function regionCoverage(rows: readonly FallbackRow[], offered: ReadonlySet<string> | undefined, instances: boolean): RegionCoverage {
  let oldest = "9999-12-31";
  let newest = "";
  let withSpecs = 0;
  for (const row of rows) {
    if (row.asOf < oldest) oldest = row.asOf;
    if (row.asOf > newest) newest = row.asOf;
    if (row.vcpu !== undefined && row.memoryGiB !== undefined && row.architecture !== undefined) withSpecs++;
  }
  const out: RegionCoverage = { prices: rows.length, oldestAsOf: rows.length ? oldest : "", newestAsOf: newest };
  if (instances) out.withSpecs = withSpecs;
  if (offered) {
    const priced = rows.reduce((n, r) => n + (offered.has(r.id) ? 1 : 0), 0);
    out.offered = offered.size;
    out.offeredPriced = priced;
    out.percentOfOffered = offered.size ? Math.floor((priced / offered.size) * 1000) / 10 : 0;
  }
  return out;
}

export interface ServiceCoverage {
  cloud: string;
  service: string;
  offeredSource?: { citation: string; asOf: string };
  regions: Record<string, RegionCoverage>;
}

/**
 * Coverage of every table, reading each in turn and letting the event loop run between files (a
 * server computes it once, on the first `/v1/catalog`, without stalling other requests).
 */
export async function coverage(
  tables: FallbackTables,
  offered: readonly Offered[],
  isInstanceService: (cloud: string, service: string) => boolean,
): Promise<ServiceCoverage[]> {
  const out = new Map<string, ServiceCoverage>();
  for await (const { cloud, service, region, rows } of tables.regionsYielding()) {
    const key = `${cloud}/${service}`;
    const denominator = offered.find((o) => o.cloud === cloud && o.service === service);
    let entry = out.get(key);
    if (!entry) {
      entry = { cloud, service, ...(denominator ? { offeredSource: denominator.source } : {}), regions: {} };
      out.set(key, entry);
    }
    entry.regions[region] = regionCoverage(rows, denominator?.regions.get(region), isInstanceService(cloud, service));
  }
  return [...out.values()];
}
