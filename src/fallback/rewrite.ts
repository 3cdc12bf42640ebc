import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { sameAmount } from "../domain/money.ts";
import { parseTable, type TableCatalog } from "./schema.ts";

/**
 * Replacing one region's table with freshly read rows (any cloud's refresh): what was added, changed
 * and removed, and a write that is validated exactly as the server reads it before it replaces the
 * file (a bad result never lands; the old file stays).
 */

/** A row as written in a table file (v2 layout: region from the file). */
export interface TableRow {
  id: string;
  unit: string;
  price: string;
  tiers?: Array<{ from: string; to: string | null; price: string }>;
  source: string;
  asOf: string;
  [field: string]: unknown;
}

export interface TableFile {
  cloud: string;
  service: string;
  region: string;
  sources: Record<string, { citation: string; asOf?: string; note?: string }>;
  freeTier?: Record<string, string>;
  rows: TableRow[];
}

export interface RowChange {
  id: string;
  kind: "added" | "changed" | "removed";
  from?: string;
  to?: string;
}

export interface RegionChanges {
  cloud: string;
  service: string;
  region: string;
  changes: RowChange[];
  unchanged: number;
}

function samePrice(a: TableRow, b: TableRow): boolean {
  if (!sameAmount(a.price, b.price)) return false;
  const [x, y] = [a.tiers ?? [], b.tiers ?? []];
  return x.length === y.length && x.every((t, i) => sameAmount(t.price, y[i]?.price ?? "-1") && t.from === y[i]?.from && t.to === y[i]?.to);
}

/** Rows added, changed (price or tiers) and removed between two versions of a region's table. */
export function diffRows(before: readonly TableRow[], after: readonly TableRow[]): { changes: RowChange[]; unchanged: number } {
  const old = new Map(before.map((r) => [r.id, r]));
  const changes: RowChange[] = [];
  let unchanged = 0;
  for (const row of after) {
    const was = old.get(row.id);
    if (!was) changes.push({ id: row.id, kind: "added", to: row.price });
    else if (!samePrice(was, row)) changes.push({ id: row.id, kind: "changed", from: was.price, to: row.price });
    else unchanged++;
    old.delete(row.id);
  }
  for (const row of old.values()) changes.push({ id: row.id, kind: "removed", from: row.price });
  return { changes, unchanged };
}

export function tablePath(dir: string, cloud: string, service: string, region: string): string {
  return join(dir, cloud, service, `${region}.json`);
}

export function readTableFile(dir: string, cloud: string, service: string, region: string): TableFile | undefined {
  const path = tablePath(dir, cloud, service, region);
  if (!existsSync(path)) return undefined;
  return JSON.parse(readFileSync(path, "utf8")) as TableFile;
}

/** Validates the table as the server would, then writes it in place of the old one (rename). */
export function writeTableFile(dir: string, table: TableFile, catalog: TableCatalog): void {
  const path = tablePath(dir, table.cloud, table.service, table.region);
  const text = `${JSON.stringify(table, null, 1)}\n`;
  parseTable(path, text, catalog);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}
