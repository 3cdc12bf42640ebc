import { readdirSync, readFileSync } from "node:fs";
import { join, relative, sep } from "node:path";
import { setImmediate as yieldToLoop } from "node:timers/promises";
import type { FreeTier } from "../domain/price.ts";
import { type FallbackRow, FallbackTableError, type LoadedTable, parseTable, type TableCatalog } from "./schema.ts";

export { type FallbackRow, FallbackTableError, type LoadedTable, parseTable, type TableCatalog } from "./schema.ts";

/**
 * The fallback price tables, indexed cloud → service → region. A table laid out as
 * `<cloud>/<service>/<region>.json` is read and validated the first time its region is asked for:
 * tens of thousands of rows cost nothing at start-up and no memory until used. Any other file (one
 * table for many regions) is read at start-up. Start-up checks the layout (cloud, service, region of
 * every file name); `npm run fallback:report` and the test suite validate every row.
 */

/** One region of one service: its rows by id and the free grant its table publishes. */
interface RegionTable {
  rows: Map<string, FallbackRow>;
  freeTier: FreeTier | undefined;
}

type Slot = RegionTable | { file: string; path: string };

export class FallbackTables {
  /** `cloud/service` → region → the loaded table, or the file that holds it. */
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
    lazy: Array<{ cloud: string; service: string; region: string; file: string; path: string }> = [],
    read: (path: string) => string = (path) => readFileSync(path, "utf8"),
    dir?: string,
  ) {
    this.dir = dir;
    this.#catalog = catalog;
    this.#read = read;
    this.files = [...eager.map((t) => t.file), ...lazy.map((l) => l.file)];
    for (const table of eager) this.#add(table);
    for (const entry of lazy) {
      const byRegion = this.#byRegion(entry.cloud, entry.service);
      if (byRegion.has(entry.region)) {
        throw new FallbackTableError(`${entry.file}: ${entry.cloud} ${entry.service} ${entry.region} is also defined in another file`);
      }
      byRegion.set(entry.region, { file: entry.file, path: entry.path });
    }
  }

  #byRegion(cloud: string, service: string): Map<string, Slot> {
    const key = `${cloud}/${service}`;
    let byRegion = this.#slots.get(key);
    if (!byRegion) this.#slots.set(key, (byRegion = new Map()));
    return byRegion;
  }

  #add(table: LoadedTable): void {
    const byRegion = this.#byRegion(table.cloud, table.service);
    for (const row of table.rows) {
      let slot = byRegion.get(row.region) as RegionTable | undefined;
      if (!slot) byRegion.set(row.region, (slot = { rows: new Map(), freeTier: table.freeTier }));
      if (slot.rows.has(row.id)) {
        throw new FallbackTableError(`${table.file}: ${table.cloud} ${table.service} ${row.region} ${row.id} is defined in two files`);
      }
      slot.rows.set(row.id, row);
    }
  }

  /** The region's table, read and validated on first use. */
  #table(cloud: string, service: string, region: string): RegionTable | undefined {
    const byRegion = this.#slots.get(`${cloud}/${service}`);
    const slot = byRegion?.get(region);
    if (!slot || "rows" in slot) return slot;
    const table = parseTable(slot.file, this.#read(slot.path), this.#catalog);
    if (table.cloud !== cloud || table.service !== service) {
      throw new FallbackTableError(`${slot.file}: declares ${table.cloud} ${table.service}, but its path says ${cloud} ${service}`);
    }
    const rows = new Map<string, FallbackRow>();
    for (const row of table.rows) {
      if (row.region !== region) throw new FallbackTableError(`${slot.file}: row ${row.id} is of region ${row.region}, but the file is ${region}.json`);
      rows.set(row.id, row);
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

  /** Every (cloud, service, region) there is a table for. */
  *keys(): Generator<{ cloud: string; service: string; region: string }> {
    for (const [key, byRegion] of this.#slots) {
      const [cloud, service] = key.split("/") as [string, string];
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
  const lazy: Array<{ cloud: string; service: string; region: string; file: string; path: string }> = [];
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
      if (parts.length === 2) {
        const [service, name] = parts as [string, string];
        const region = name.slice(0, -".json".length);
        if (!catalog.service(cloud, service)) throw new FallbackTableError(`${file}: "${service}" is not a ${cloud} service Pricebook prices`);
        const regions = catalog.regions(cloud);
        if (!regions?.has(region)) throw new FallbackTableError(`${file}: the file name must be a region: ${regions?.explain(region) ?? "unknown cloud"}`);
        lazy.push({ cloud, service, region, file, path });
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
