import { z } from "zod";
import type { AnyServiceDef } from "../clouds/types.ts";
import { unitOf } from "../clouds/types.ts";
import Big from "big.js";
import { isDecimalString, isZero, lessThan, sameAmount } from "../domain/money.ts";
import { ARCHITECTURES, type FreeTier, type PriceFields, type PriceTier, UNITS } from "../domain/price.ts";
import { OFFERING_CLASSES, PAYMENTS, PLAN_TYPES, PURCHASE_OPTIONS, type PurchaseTerms, TERMS, termsKey } from "../domain/purchase.ts";
import type { RegionCatalog } from "../domain/regions.ts";

/**
 * One fallback table file's contract (`fallback-pricing/FORMAT.md`): every row a published list price
 * with its source and as-of date, validated against the cloud's own catalogue (regions, item ids,
 * units). A bad file is refused with the file and the row named.
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
const partSchema = z.strictObject({ name: z.string().min(1), price: positiveDecimal, sku: z.string().min(1).optional() });

export const gpuSchema = z.strictObject({
  /** 0 for a fraction of one GPU (g6f), as DescribeInstanceTypes reports it; memoryGiB is then the share. */
  count: z.number().int().nonnegative(),
  /** Absent when no source names the model (Azure's newest GPU sizes): the count is still stated. */
  model: z.string().min(1).optional(),
  manufacturer: z.string().min(1).optional(),
  memoryGiB: z.number().positive().optional(),
});

const rowSchema = z.strictObject({
  id: z.string().min(1),
  region: z.string().optional(),
  description: z.string().min(1).optional(),
  unit: z.enum(UNITS),
  /** Greater than zero, except for the items a service declares published at $0 (checked below). */
  price: decimal,
  tiers: z.array(tierSchema).min(2).optional(),
  parts: z.array(partSchema).min(2).optional(),
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
  /** Purchase-option tables only (FORMAT.md, "Purchase options"). */
  term: z.enum(TERMS).optional(),
  payment: z.enum(PAYMENTS).optional(),
  offeringClass: z.enum(OFFERING_CLASSES).optional(),
  planType: z.enum(PLAN_TYPES).optional(),
  upfront: positiveDecimal.optional(),
  termTotal: positiveDecimal.optional(),
});

const sourceSchema = z.strictObject({ citation, asOf: isoDate.optional(), note: z.string().optional() });

const tableSchema = z.strictObject({
  cloud: z.string().min(1),
  service: z.string().min(1),
  /** Set when every row of the file is of one region (rows may then omit theirs). */
  region: z.string().optional(),
  /** Absent for on-demand tables; a purchase-option table says which option its rows are. */
  purchaseOption: z.enum(PURCHASE_OPTIONS).exclude(["on-demand"]).optional(),
  sources: z.record(z.string().min(1), sourceSchema).optional(),
  freeTier: z.record(z.string(), z.string()).optional(),
  rows: z.array(z.unknown()),
});

/** A validated row: every reference resolved, region and description filled in. */
export interface FallbackRow extends PriceFields {
  region: string;
  /** The citation of where the price is published. */
  source: string;
  /** The key of that citation in the file's `sources`, when it was given by key. */
  sourceKey?: string;
  specSource?: string;
  note?: string;
  /** Purchase-option rows: the terms of the price, the one-off fee, Azure's term total. */
  purchase?: PurchaseTerms;
  upfront?: string;
  termTotal?: string;
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
  purchaseOption?: PurchaseTerms["option"] | undefined;
}

/** The key that makes a row unique in its region's table: its id, and its terms if it has any. */
export function variantKey(row: Pick<FallbackRow, "id" | "purchase">): string {
  return row.purchase ? `${row.id}\u0000${termsKey(row.purchase)}` : row.id;
}

/** What a purchase-option row must state (and must not), beyond the on-demand row's contract. */
function purchaseProblem(option: PurchaseTerms["option"] | undefined, row: z.output<typeof rowSchema>): string | undefined {
  const given = (["term", "payment", "offeringClass", "planType", "upfront", "termTotal"] as const).filter((k) => row[k] !== undefined);
  if (option === undefined) return given.length > 0 ? `${given.join(", ")}: only purchase-option tables (with "purchaseOption") have these` : undefined;
  if (option === "spot") return given.length > 0 ? `${given.join(", ")}: a spot row has no term or payment` : undefined;
  if (row.term === undefined || row.payment === undefined) return `term and payment are required in a ${option} table`;
  if (row.offeringClass !== undefined && option !== "reserved") return "offeringClass: only reserved rows have one";
  if (row.planType !== undefined && option !== "savings-plan") return "planType: only savings-plan rows have one";
  if (row.termTotal !== undefined && (option !== "reserved" || row.payment !== "all-upfront" || !isZero(row.price) || row.upfront !== undefined)) {
    return 'termTotal: only on a reserved all-upfront row with price "0" and no upfront (Azure\'s term total)';
  }
  const paidUpfront = row.upfront ?? row.termTotal;
  if (row.payment === "no-upfront" && paidUpfront !== undefined) return "upfront: a no-upfront row has none";
  if (row.payment !== "no-upfront" && paidUpfront === undefined) return `upfront: required with payment ${row.payment}`;
  if (row.payment === "partial-upfront" && isZero(row.price)) return "price: a partial-upfront row has a recurring rate above zero";
  if (row.payment === "all-upfront" && !isZero(row.price)) return 'price: an all-upfront row has no recurring rate (price "0")';
  return undefined;
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
  const { cloud, service: serviceId, sources = {}, purchaseOption } = table.data;
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
    const { specSource, source, region: rowRegion, term, payment, offeringClass, planType, ...row } = parsed.data;
    const region = rowRegion ?? table.data.region ?? fail("region is required (in the row or the file)");
    if (table.data.region !== undefined && region !== table.data.region) fail(`region must be the file's (${table.data.region})`);
    if (!regions.has(region)) fail(`region: ${regions.explain(region)}`);
    const unit = unitOf(service, row.id);
    if (!unit) fail(`id is not a ${cloud} ${serviceId} item id`);
    if (row.unit !== unit) fail(`unit must be "${unit}" for this id`);
    const problem = purchaseProblem(purchaseOption, parsed.data);
    if (problem) fail(problem);
    const purchase: PurchaseTerms | undefined = purchaseOption
      ? { option: purchaseOption, ...(term ? { term } : {}), ...(payment ? { payment } : {}), ...(offeringClass ? { offeringClass } : {}), ...(planType ? { planType } : {}) }
      : undefined;
    const allUpfront = purchase?.payment === "all-upfront";
    if (isZero(row.price) && !allUpfront && !service.publishedFree?.includes(row.id)) {
      fail(`price: must be greater than zero${service.publishedFree?.length ? ` (only ${service.publishedFree.join(", ")} is published at $0)` : ""}`);
    }
    if (row.parts) {
      const sum = row.parts.reduce((total, part) => total.plus(part.price), new Big(0));
      if (!sum.eq(row.price)) fail(`price must equal the sum of its parts (${sum.toFixed()})`);
    }
    if (row.tiers) {
      const problem = tierProblem(row.tiers, row.price);
      if (problem) fail(problem);
    }
    const key = `${region}\u0000${variantKey({ id: row.id, ...(purchase ? { purchase } : {}) })}`;
    if (seen.has(key)) fail("duplicate of an earlier row");
    seen.add(key);
    const cited = resolve(source) ?? fail(`source: ${CITE}`);
    const specCited = specSource === undefined ? undefined : (resolve(specSource) ?? fail(`specSource: ${CITE}`));
    return {
      ...row,
      region,
      description: row.description ?? `${service.title} ${row.id} in ${region}`,
      source: cited.citation,
      ...(Object.hasOwn(sources, source) ? { sourceKey: source } : {}),
      ...(specCited ? { specSource: specCited.citation } : {}),
      ...(purchase ? { purchase } : {}),
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
  if (purchaseOption && freeTier) throw new FallbackTableError(`${file}: a purchase-option table has no free tier`);
  return { cloud, service: serviceId, file, rows, freeTier, purchaseOption };
}
