import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { z } from "zod";
import type { AnyServiceDef } from "../clouds/types.ts";
import { unitOf } from "../clouds/types.ts";
import { isDecimalString, isZero, lessThan, sameAmount } from "../domain/money.ts";
import { ARCHITECTURES, type FreeTier, type PriceFields, type PriceTier, UNITS } from "../domain/price.ts";
import type { RegionCatalog } from "../domain/regions.ts";

/**
 * The fallback price tables: published list prices of every cloud, each row with its public source and
 * as-of date (`fallback-pricing/FORMAT.md`). Loaded and validated once, against the clouds' own
 * catalogues (regions, item ids, units); a bad table stops the start with file and row named.
 */

/** What validation needs to know of the clouds (the registry provides it). */
export interface TableCatalog {
  regions(cloud: string): RegionCatalog | undefined;
  service(cloud: string, service: string): AnyServiceDef | undefined;
}

const decimal = z.string().refine(isDecimalString, 'must be a decimal string such as "0.0000166667"');
const positiveDecimal = decimal.refine((v) => !isDecimalString(v) || !isZero(v), "must be greater than zero");
const isoDate = z.iso.date({ error: "must be an ISO date YYYY-MM-DD" });
const citation = z.string().min(8, "must cite where the number is published (a URL, or repository + path + commit)");

const tierSchema = z.strictObject({ from: decimal, to: decimal.nullable(), price: positiveDecimal });

const gpuSchema = z.strictObject({
  count: z.number().int().positive(),
  model: z.string().min(1),
  manufacturer: z.string().min(1).optional(),
  memoryGiB: z.number().positive().optional(),
});

const rowSchema = z.strictObject({
  id: z.string().min(1),
  region: z.string().optional(),
  description: z.string().min(1).optional(),
  unit: z.enum(UNITS),
  price: positiveDecimal,
  tiers: z.array(tierSchema).min(2).optional(),
  usageType: z.string().min(1).optional(),
  sku: z.string().min(1).optional(),
  vcpu: z.number().positive().optional(),
  memoryGiB: z.number().positive().optional(),
  architecture: z.enum(ARCHITECTURES).optional(),
  gpu: gpuSchema.optional(),
  burstable: z.boolean().optional(),
  /** A citation, or the key of one in the file's `sources`. */
  source: z.string().min(1),
  /** Where the specs are stated, when not by `source` (a citation or a key of `sources`). */
  specSource: z.string().min(1).optional(),
  asOf: isoDate,
  note: z.string().optional(),
});

const sourceSchema = z.strictObject({ citation, asOf: isoDate.optional(), note: z.string().optional() });

const tableSchema = z.strictObject({
  cloud: z.string().min(1),
  service: z.string().min(1),
  /** Set when every row of the file is of one region (rows may then omit theirs). */
  region: z.string().optional(),
  sources: z.record(z.string().min(1), sourceSchema).optional(),
  freeTier: z.record(z.string(), z.string()).optional(),
  rows: z.array(z.unknown()),
});

/** A validated row: every reference resolved, region and description filled in. */
export interface FallbackRow extends PriceFields {
  region: string;
  /** The citation of where the price is published. */
  source: string;
  specSource?: string;
  note?: string;
}

/** Thrown for a table that cannot be served; the message names the file and the row. */
export class FallbackTableError extends Error {
  override name = "FallbackTableError";
}

function tierProblem(tiers: PriceTier[], price: string): string | undefined {
  const first = tiers[0];
  if (first === undefined) return "tiers must not be empty";
  if (first.from !== "0") return 'tiers must start at "0"';
  if (!sameAmount(first.price, price)) return "price must equal the first tier's price";
  for (let i = 0; i < tiers.length; i++) {
    const tier = tiers[i] as PriceTier;
    const last = i === tiers.length - 1;
    if (last !== (tier.to === null)) return `tiers[${i}].to must be null only on the last tier`;
    if (tier.to !== null && !lessThan(tier.from, tier.to)) return `tiers[${i}] must have from < to`;
    const next = tiers[i + 1];
    if (next && (tier.to === null || !sameAmount(next.from, tier.to))) {
      return `tiers[${i + 1}].from must equal tiers[${i}].to`;
    }
  }
  return undefined;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`).join("; ");
}

export interface LoadedTable {
  cloud: string;
  service: string;
  file: string;
  rows: FallbackRow[];
  freeTier: FreeTier | undefined;
}

/** Validates one table file's text against the catalogue. */
export function parseTable(file: string, text: string, catalog: TableCatalog): LoadedTable {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FallbackTableError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
  const table = tableSchema.safeParse(json);
  if (!table.success) throw new FallbackTableError(`${file}: ${describeIssues(table.error)}`);
  const { cloud, service: serviceId, sources = {} } = table.data;
  const regions = catalog.regions(cloud);
  if (!regions) throw new FallbackTableError(`${file}: cloud "${cloud}" is not one Pricebook knows`);
  const service = catalog.service(cloud, serviceId);
  if (!service) throw new FallbackTableError(`${file}: "${serviceId}" is not a ${cloud} service Pricebook prices`);
  if (table.data.region !== undefined && !regions.has(table.data.region)) {
    throw new FallbackTableError(`${file}: region: ${regions.explain(table.data.region)}`);
  }
  /** A key of `sources`, else a citation written out (which must then cite something). */
  const resolve = (value: string): { citation: string; asOf?: string | undefined } | undefined => {
    const known = Object.hasOwn(sources, value) ? sources[value] : undefined;
    if (known) return known;
    return citation.safeParse(value).success ? { citation: value } : undefined;
  };
  const CITE = `must be a key of the file's sources (${Object.keys(sources).join(", ") || "none"}) or cite where the number is published (a URL, or repository + path + commit)`;
  const seen = new Set<string>();
  const rows = table.data.rows.map((raw, index): FallbackRow => {
    const label = (): string => {
      const r = raw as { id?: unknown; region?: unknown };
      return `${file} rows[${index}] (id ${String(r?.id)}, region ${String(r?.region ?? table.data.region)})`;
    };
    const fail = (message: string): never => {
      throw new FallbackTableError(`${label()}: ${message}`);
    };
    const parsed = rowSchema.safeParse(raw);
    if (!parsed.success) return fail(describeIssues(parsed.error));
    const { specSource, source, region: rowRegion, ...row } = parsed.data;
    const region = rowRegion ?? table.data.region ?? fail("region is required (in the row or the file)");
    if (table.data.region !== undefined && region !== table.data.region) fail(`region must be the file's (${table.data.region})`);
    if (!regions.has(region)) fail(`region: ${regions.explain(region)}`);
    const unit = unitOf(service, row.id);
    if (!unit) fail(`id is not a ${cloud} ${serviceId} item id`);
    if (row.unit !== unit) fail(`unit must be "${unit}" for this id`);
    if (row.tiers) {
      const problem = tierProblem(row.tiers, row.price);
      if (problem) fail(problem);
    }
    const key = `${region}\u0000${row.id}`;
    if (seen.has(key)) fail("duplicate of an earlier row");
    seen.add(key);
    const cited = resolve(source) ?? fail(`source: ${CITE}`);
    const specCited = specSource === undefined ? undefined : (resolve(specSource) ?? fail(`specSource: ${CITE}`));
    return {
      ...row,
      region,
      description: row.description ?? `${service.title} ${row.id} in ${region}`,
      source: cited.citation,
      ...(specCited ? { specSource: specCited.citation } : {}),
    };
  });
  let freeTier: FreeTier | undefined;
  if (table.data.freeTier) {
    const names = service.freeTier ?? [];
    if (names.length === 0) throw new FallbackTableError(`${file}: freeTier is not defined for ${cloud} ${serviceId}`);
    const { source, asOf, ...amounts } = table.data.freeTier;
    const problems: string[] = [];
    const cited = source === undefined ? undefined : resolve(source);
    if (!cited) problems.push(`freeTier.source ${CITE}`);
    else if (!isoDate.safeParse(asOf ?? cited.asOf).success) problems.push("freeTier.asOf must be an ISO date");
    for (const name of names) if (!positiveDecimal.safeParse(amounts[name]).success) problems.push(`freeTier.${name} must be a positive decimal string`);
    for (const name of Object.keys(amounts)) if (!names.includes(name)) problems.push(`freeTier.${name} is not one of ${names.join(", ")}`);
    if (problems.length > 0) throw new FallbackTableError(`${file}: ${problems.join("; ")}`);
    freeTier = { ...amounts, source: (cited as { citation: string }).citation, asOf: (asOf ?? cited?.asOf) as string };
  }
  return { cloud, service: serviceId, file, rows, freeTier };
}

/** Read-only index over the validated tables: cloud → service → region → id → row. */
export class FallbackTables {
  readonly #rows = new Map<string, Map<string, Map<string, FallbackRow>>>();
  readonly #freeTiers = new Map<string, FreeTier>();
  readonly files: string[];

  constructor(tables: LoadedTable[]) {
    this.files = tables.map((t) => t.file);
    for (const table of tables) {
      const key = `${table.cloud}/${table.service}`;
      const byRegion = this.#rows.get(key) ?? new Map<string, Map<string, FallbackRow>>();
      this.#rows.set(key, byRegion);
      for (const row of table.rows) {
        const byId = byRegion.get(row.region) ?? new Map<string, FallbackRow>();
        byRegion.set(row.region, byId);
        if (byId.has(row.id)) {
          throw new FallbackTableError(`${table.file}: ${table.cloud} ${table.service} ${row.region} ${row.id} is defined in two files`);
        }
        byId.set(row.id, row);
      }
      if (table.freeTier) {
        if (this.#freeTiers.has(key)) throw new FallbackTableError(`${table.file}: a second free tier for ${key}`);
        this.#freeTiers.set(key, table.freeTier);
      }
    }
  }

  /** Rows of one service in one region, in table order. */
  rows(cloud: string, service: string, region: string): FallbackRow[] {
    return [...(this.#rows.get(`${cloud}/${service}`)?.get(region)?.values() ?? [])];
  }

  get(cloud: string, service: string, region: string, id: string): FallbackRow | undefined {
    return this.#rows.get(`${cloud}/${service}`)?.get(region)?.get(id);
  }

  /** Regions with at least one row for the service, sorted. */
  regions(cloud: string, service: string): string[] {
    return [...(this.#rows.get(`${cloud}/${service}`)?.keys() ?? [])].sort();
  }

  /** Every id the service has a row for, in any region. */
  ids(cloud: string, service: string): Set<string> {
    const out = new Set<string>();
    for (const byId of this.#rows.get(`${cloud}/${service}`)?.values() ?? []) for (const id of byId.keys()) out.add(id);
    return out;
  }

  freeTier(cloud: string, service: string): FreeTier | undefined {
    return this.#freeTiers.get(`${cloud}/${service}`);
  }

  /** Every row, for reports and tests. */
  *allRows(): Generator<{ cloud: string; service: string; row: FallbackRow }> {
    for (const [key, byRegion] of this.#rows) {
      const [cloud, service] = key.split("/") as [string, string];
      for (const byId of byRegion.values()) for (const row of byId.values()) yield { cloud, service, row };
    }
  }
}

function jsonFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...jsonFiles(path));
    else if (entry.name.endsWith(".json")) out.push(path);
  }
  return out.sort();
}

/**
 * Loads every `*.json` table under `dir/<cloud>/` for each cloud the catalogue knows. Throws
 * `FallbackTableError` on the first bad table, or when there is no table at all.
 */
export function loadFallbackTables(dir: string, catalog: TableCatalog, clouds: readonly string[]): FallbackTables {
  const tables: LoadedTable[] = [];
  for (const cloud of clouds) {
    const cloudDir = join(dir, cloud);
    let files: string[];
    try {
      files = jsonFiles(cloudDir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") continue;
      throw new FallbackTableError(`cannot read fallback tables in ${cloudDir}: ${(error as Error).message}`);
    }
    for (const path of files) {
      const table = parseTable(relative(process.cwd(), path) || path, readFileSync(path, "utf8"), catalog);
      if (table.cloud !== cloud) throw new FallbackTableError(`${path}: declares cloud "${table.cloud}" but is under ${cloud}/`);
      tables.push(table);
    }
  }
  if (tables.length === 0) throw new FallbackTableError(`no fallback tables (*.json) under ${dir}/{${clouds.join(",")}}`);
  return new FallbackTables(tables);
}
