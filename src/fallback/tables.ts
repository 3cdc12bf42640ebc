import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { z } from "zod";
import { isDecimalString, isZero, lessThan, sameAmount } from "../domain/money.ts";
import { type LambdaFreeTier, type PriceTier, UNITS } from "../domain/price.ts";
import { isAwsRegion } from "../domain/regions.ts";
import { expectedUnit, PRICE_SERVICES, type PriceService } from "../pricing/catalog.ts";

/**
 * The fallback price tables: published AWS list prices, each row with its public source and as-of
 * date. Loaded and validated once at start-up; a bad table stops the start with file and row named.
 */

const decimal = z.string().refine(isDecimalString, 'must be a decimal string such as "0.0000166667"');
const positiveDecimal = decimal.refine((v) => !isDecimalString(v) || !isZero(v), "must be greater than zero");
const isoDate = z.iso.date({ error: "must be an ISO date YYYY-MM-DD" });

const tierSchema = z.strictObject({ from: decimal, to: decimal.nullable(), price: positiveDecimal });

const rowSchema = z.strictObject({
  id: z.string().min(1),
  region: z.string().refine(isAwsRegion, "must be a known AWS region code"),
  description: z.string().min(1),
  unit: z.enum(UNITS),
  price: positiveDecimal,
  tiers: z.array(tierSchema).min(2).optional(),
  usageType: z.string().min(1).optional(),
  sku: z.string().min(1).optional(),
  vcpu: z.number().positive().optional(),
  memoryGiB: z.number().positive().optional(),
  source: z.string().min(8),
  asOf: isoDate,
  note: z.string().optional(),
});

export type FallbackRow = z.infer<typeof rowSchema>;

const freeTierSchema = z.strictObject({
  requests: positiveDecimal,
  gbSeconds: positiveDecimal,
  source: z.string().min(8),
  asOf: isoDate,
});

const tableSchema = z.strictObject({
  cloud: z.literal("aws"),
  service: z.enum(PRICE_SERVICES),
  freeTier: freeTierSchema.optional(),
  rows: z.array(z.unknown()),
});

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

interface LoadedTable {
  service: PriceService;
  file: string;
  rows: FallbackRow[];
  freeTier: LambdaFreeTier | undefined;
}

function parseTable(file: string, text: string): LoadedTable {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new FallbackTableError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
  const table = tableSchema.safeParse(json);
  if (!table.success) throw new FallbackTableError(`${file}: ${describeIssues(table.error)}`);
  const { service } = table.data;
  const seen = new Set<string>();
  const rows = table.data.rows.map((raw, index) => {
    const label = (): string => {
      const r = raw as { id?: unknown; region?: unknown };
      return `${file} rows[${index}] (id ${String(r?.id)}, region ${String(r?.region)})`;
    };
    const parsed = rowSchema.safeParse(raw);
    if (!parsed.success) throw new FallbackTableError(`${label()}: ${describeIssues(parsed.error)}`);
    const row = parsed.data;
    const unit = expectedUnit(service, row.id);
    if (!unit) throw new FallbackTableError(`${label()}: id is not a ${service} item id`);
    if (row.unit !== unit) throw new FallbackTableError(`${label()}: unit must be "${unit}" for this id`);
    if (row.tiers) {
      const problem = tierProblem(row.tiers, row.price);
      if (problem) throw new FallbackTableError(`${label()}: ${problem}`);
    }
    const key = `${row.region}\u0000${row.id}`;
    if (seen.has(key)) throw new FallbackTableError(`${label()}: duplicate of an earlier row`);
    seen.add(key);
    return row;
  });
  if (table.data.freeTier && service !== "lambda") {
    throw new FallbackTableError(`${file}: freeTier is only defined for lambda`);
  }
  return { service, file, rows, freeTier: table.data.freeTier };
}

/** Read-only index over the validated tables: service → region → id → row. */
export class FallbackTables {
  readonly #byService = new Map<PriceService, Map<string, Map<string, FallbackRow>>>();
  readonly #freeTier: LambdaFreeTier | undefined;
  readonly files: string[];

  constructor(tables: LoadedTable[]) {
    this.files = tables.map((t) => t.file);
    let freeTier: LambdaFreeTier | undefined;
    for (const table of tables) {
      const byRegion = this.#byService.get(table.service) ?? new Map<string, Map<string, FallbackRow>>();
      this.#byService.set(table.service, byRegion);
      for (const row of table.rows) {
        const byId = byRegion.get(row.region) ?? new Map<string, FallbackRow>();
        byRegion.set(row.region, byId);
        if (byId.has(row.id)) {
          throw new FallbackTableError(`${table.file}: ${row.region} ${row.id} is defined in two files`);
        }
        byId.set(row.id, row);
      }
      freeTier ??= table.freeTier;
    }
    this.#freeTier = freeTier;
  }

  /** Rows of one service in one region, in table order. */
  rows(service: PriceService, region: string): FallbackRow[] {
    return [...(this.#byService.get(service)?.get(region)?.values() ?? [])];
  }

  get(service: PriceService, region: string, id: string): FallbackRow | undefined {
    return this.#byService.get(service)?.get(region)?.get(id);
  }

  /** Regions with at least one row for the service, sorted. */
  regions(service: PriceService): string[] {
    return [...(this.#byService.get(service)?.keys() ?? [])].sort();
  }

  get lambdaFreeTier(): LambdaFreeTier | undefined {
    return this.#freeTier;
  }

  /** Every row, for reports and tests. */
  *allRows(): Generator<{ service: PriceService; row: FallbackRow }> {
    for (const [service, byRegion] of this.#byService) {
      for (const byId of byRegion.values()) for (const row of byId.values()) yield { service, row };
    }
  }
}

/** Loads every `*.json` table under `dir/aws/`. Throws `FallbackTableError` on the first bad table. */
export function loadFallbackTables(dir: string): FallbackTables {
  const awsDir = join(dir, "aws");
  let names: string[];
  try {
    names = readdirSync(awsDir)
      .filter((n) => n.endsWith(".json"))
      .sort();
  } catch (error) {
    throw new FallbackTableError(`cannot read fallback tables in ${awsDir}: ${(error as Error).message}`);
  }
  if (names.length === 0) throw new FallbackTableError(`no fallback tables (*.json) in ${awsDir}`);
  const tables = names.map((name) => {
    const path = join(awsDir, name);
    return parseTable(relative(process.cwd(), path) || path, readFileSync(path, "utf8"));
  });
  return new FallbackTables(tables);
}
