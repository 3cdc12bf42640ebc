import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import type { FreeTier } from "../domain/price.ts";
import { OPTIONS_BEYOND_ON_DEMAND, type PurchaseTerms } from "../domain/purchase.ts";
import { type FallbackRow, FallbackTableError, type LoadedTable, parseTable, type TableCatalog, variantKey } from "./schema.ts";

export { type FallbackRow, FallbackTableError, type LoadedTable, parseTable, type TableCatalog } from "./schema.ts";

/**
 * The fallback price tables, indexed cloud → service → region. A table laid out as
 * `<cloud>/<service>/<region>.json` is read and validated the first time its region is asked for:
 * tens of thousands of rows cost nothing at start-up and no memory until used. Any other file (one
 * table for many regions) is read at start-up. Start-up checks the layout (cloud, service, region of
 * every file name); `npm run fallback:report` and the test suite validate every row. Purchase-option
 * tables (`<service>/<option>/<region>.json`: reserved, savings-plan, spot) are kept apart from the
 * on-demand ones, under the same rules, and only `optionRows` serves them.
 */

type Option = PurchaseTerms["option"];
const OPTIONS: readonly Option[] = OPTIONS_BEYOND_ON_DEMAND;

/** One region of one service: its rows by id (by id and terms for an option table) and its free grant. */
interface RegionTable {
  rows: Map<string, FallbackRow>;
  freeTier: FreeTier | undefined;
}

type Slot = RegionTable | { file: string; path: string };

export class FallbackTables {
  /** `cloud/service` (on-demand) or `cloud/service/option` → region → the loaded table, or its file. */
  readonly #slots = new Map<string, Map<string, Slot>>();
  readonly #catalog: TableCatalog;
  readonly #read: (path: string) => string;
  /** Every file, relative to the working directory. */
  readonly files: string[];
  /** The directory the tables were read from (its `offered/` lists are the coverage denominators). */
  readonly dir: string | undefined;

  constructor(
    catalog: TableCatalog,
    eager: LoadedTable[],
    lazy: Array<{ cloud: string; service: string; option?: Option | undefined; region: string; file: string; path: string }> = [],
    read: (path: string) => string = (path) => readFileSync(path, "utf8"),
    dir?: string,
  ) {
    this.dir = dir;
    this.#catalog = catalog;
    this.#read = read;
    this.files = [...eager.map((t) => t.file), ...lazy.map((l) => l.file)];
    for (const table of eager) this.#add(table);
    for (const entry of lazy) {
      const byRegion = this.#byRegion(entry.cloud, entry.service, entry.option);
      if (byRegion.has(entry.region)) {
        throw new FallbackTableError(`${entry.file}: ${entry.cloud} ${entry.service}${entry.option ? ` ${entry.option}` : ""} ${entry.region} is also defined in another file`);
      }
      byRegion.set(entry.region, { file: entry.file, path: entry.path });
    }
  }

  #byRegion(cloud: string, service: string, option?: Option): Map<string, Slot> {
    const key = option ? `${cloud}/${service}/${option}` : `${cloud}/${service}`;
    let byRegion = this.#slots.get(key);
    if (!byRegion) this.#slots.set(key, (byRegion = new Map()));
    return byRegion;
  }

  #add(table: LoadedTable): void {
    const byRegion = this.#byRegion(table.cloud, table.service, table.purchaseOption);
    for (const row of table.rows) {
      let slot = byRegion.get(row.region) as RegionTable | undefined;
      if (!slot) byRegion.set(row.region, (slot = { rows: new Map(), freeTier: table.freeTier }));
      if (slot.rows.has(variantKey(row))) {
        throw new FallbackTableError(`${table.file}: ${table.cloud} ${table.service} ${row.region} ${row.id} is defined in two files`);
      }
      slot.rows.set(variantKey(row), row);
    }
  }

  /** The region's table, read and validated on first use. */
  #table(cloud: string, service: string, region: string, option?: Option): RegionTable | undefined {
    const byRegion = this.#slots.get(option ? `${cloud}/${service}/${option}` : `${cloud}/${service}`);
    const slot = byRegion?.get(region);
    if (!slot || "rows" in slot) return slot;
    const table = parseTable(slot.file, this.#read(slot.path), this.#catalog);
    if (table.cloud !== cloud || table.service !== service || table.purchaseOption !== option) {
      const said = (o: string | undefined) => (o ? ` ${o}` : " on-demand");
      throw new FallbackTableError(`${slot.file}: declares ${table.cloud} ${table.service}${said(table.purchaseOption)}, but its path says ${cloud} ${service}${said(option)}`);
    }
    const rows = new Map<string, FallbackRow>();
    for (const row of table.rows) {
      if (row.region !== region) throw new FallbackTableError(`${slot.file}: row ${row.id} is of region ${row.region}, but the file is ${region}.json`);
      rows.set(variantKey(row), row);
    }
    const loaded = { rows, freeTier: table.freeTier };
    byRegion?.set(region, loaded);
    return loaded;
  }

  /** Rows of one service in one region, in table order. */
  rows(cloud: string, service: string, region: string): FallbackRow[] {
    return [...(this.#table(cloud, service, region)?.rows.values() ?? [])];
  }

  get(cloud: string, service: string, region: string, id: string): FallbackRow | undefined {
    return this.#table(cloud, service, region)?.rows.get(id);
  }

  /** Regions with a table for the service, sorted (nothing is read to answer this). */
  regions(cloud: string, service: string): string[] {
    return [...(this.#slots.get(`${cloud}/${service}`)?.keys() ?? [])].sort();
  }

  /** A purchase option's rows of one service in one region (every term and payment), in table order. */
  optionRows(cloud: string, service: string, option: Option, region: string): FallbackRow[] {
    return [...(this.#table(cloud, service, region, option)?.rows.values() ?? [])];
  }

  /** Regions with a table of the purchase option for the service, sorted. */
  optionRegions(cloud: string, service: string, option: Option): string[] {
    return [...(this.#slots.get(`${cloud}/${service}/${option}`)?.keys() ?? [])].sort();
  }

  /** Every (cloud, service, option, region) there is a purchase-option table for. */
  *optionKeys(): Generator<{ cloud: string; service: string; option: Option; region: string }> {
    for (const [key, byRegion] of this.#slots) {
      const [cloud, service, option] = key.split("/") as [string, string, Option | undefined];
      if (option) for (const region of [...byRegion.keys()].sort()) yield { cloud, service, option, region };
    }
  }

  /** The ids the service has a row for in the region. */
  ids(cloud: string, service: string, region: string): Set<string> {
    return new Set(this.#table(cloud, service, region)?.rows.keys());
  }

  /** The free grant the region's table publishes for the service, if any. */
  freeTier(cloud: string, service: string, region: string): FreeTier | undefined {
    return this.#table(cloud, service, region)?.freeTier;
  }

  /** How many region tables are in memory (the rest are read on first use). */
  loaded(): number {
    let n = 0;
    for (const byRegion of this.#slots.values()) for (const slot of byRegion.values()) if ("rows" in slot) n++;
    return n;
  }

  /** Every (cloud, service, region) there is an on-demand table for. */
  *keys(): Generator<{ cloud: string; service: string; region: string }> {
    for (const [key, byRegion] of this.#slots) {
      const [cloud, service, option] = key.split("/") as [string, string, string | undefined];
      if (option) continue;
      for (const region of [...byRegion.keys()].sort()) yield { cloud, service, region };
    }
  }

  /** Every row, reading every table (reports and tests; a server uses `rowsYielding`). */
  *allRows(): Generator<{ cloud: string; service: string; row: FallbackRow }> {
    for (const { cloud, service, region } of this.keys()) {
      for (const row of this.rows(cloud, service, region)) yield { cloud, service, row };
    }
  }

  /** Every region table in turn, letting the event loop run between files (for the catalogue). */
  async *regionsYielding(): AsyncGenerator<{ cloud: string; service: string; region: string; rows: FallbackRow[] }> {
    for (const key of this.keys()) {
      const wasLoaded = this.#isLoaded(key.cloud, key.service, key.region);
      const rows = this.rows(key.cloud, key.service, key.region);
      yield { ...key, rows };
      if (!wasLoaded) await yieldToLoop();
    }
  }

  #isLoaded(cloud: string, service: string, region: string): boolean {
    const slot = this.#slots.get(`${cloud}/${service}`)?.get(region);
    return slot !== undefined && "rows" in slot;
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
 * Indexes every `*.json` table under `dir/<cloud>/` for each cloud the catalogue knows:
 * `<service>/<region>.json` files are read on first use, others now. Throws `FallbackTableError` for a
 * file name that is no known service or region, a bad eagerly read table, or no table at all.
 */
export function loadFallbackTables(dir: string, catalog: TableCatalog, clouds: readonly string[]): FallbackTables {
  const eager: LoadedTable[] = [];
  const lazy: Array<{ cloud: string; service: string; option?: Option; region: string; file: string; path: string }> = [];
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
      const file = relative(process.cwd(), path) || path;
      const parts = relative(cloudDir, path).split(sep);
      const option = parts.length === 3 ? OPTIONS.find((o) => o === parts[1]) : undefined;
      if (parts.length === 2 || option) {
        const [service, name] = [parts[0], parts[parts.length - 1]] as [string, string];
        const region = name.slice(0, -".json".length);
        if (!catalog.service(cloud, service)) throw new FallbackTableError(`${file}: "${service}" is not a ${cloud} service Pricebook prices`);
        const regions = catalog.regions(cloud);
        if (!regions?.has(region)) throw new FallbackTableError(`${file}: the file name must be a region: ${regions?.explain(region) ?? "unknown cloud"}`);
        lazy.push({ cloud, service, ...(option ? { option } : {}), region, file, path });
        continue;
      }
      const table = parseTable(file, readFileSync(path, "utf8"), catalog);
      if (table.cloud !== cloud) throw new FallbackTableError(`${path}: declares cloud "${table.cloud}" but is under ${cloud}/`);
      eager.push(table);
    }
  }
  if (eager.length + lazy.length === 0) throw new FallbackTableError(`no fallback tables (*.json) under ${dir}/{${clouds.join(",")}}`);
  return new FallbackTables(catalog, eager, lazy, undefined, dir);
}
