import { z } from "@hono/zod-openapi";
import { compare } from "../domain/money.ts";
import { ARCHITECTURES, type PriceItem, type SpecFilter } from "../domain/price.ts";
import { ApiError } from "../errors.ts";

/**
 * Search by what an instance is, for any cloud's instance service (EC2 today; Azure VMs and GCE
 * machine types later, and the cross-cloud search): vCPU and memory ranges, architecture, GPU, family,
 * then a sort and a limit. Specs come from the items themselves (as the cloud states them); an item
 * whose spec is unknown never matches a constraint on that spec.
 */

export const SORT_KEYS = ["price", "vcpu", "memory"] as const;
type SortKey = (typeof SORT_KEYS)[number];
export const MAX_LIMIT = 1000;

const number = (name: string, description: string, example: number) =>
  z.coerce
    .number({ error: `${name} must be a number` })
    .nonnegative(`${name} must be 0 or more`)
    .max(1_000_000, `${name} must be at most 1000000`)
    .optional()
    .openapi({ param: { name, in: "query" }, description, example });

/** The query parameters, shared by every instance service's GET route and the batch. */
export const SPEC_PARAMS = {
  minVcpu: number("minVcpu", "At least this many vCPUs.", 4),
  maxVcpu: number("maxVcpu", "At most this many vCPUs.", 16),
  minMemoryGiB: number("minMemoryGiB", "At least this much memory, GiB.", 16),
  maxMemoryGiB: number("maxMemoryGiB", "At most this much memory, GiB.", 64),
  architecture: z
    .enum(ARCHITECTURES, { error: `must be one of ${ARCHITECTURES.join(", ")}` })
    .optional()
    .openapi({ param: { name: "architecture", in: "query" }, description: "CPU architecture.", example: "arm64" }),
  gpu: z
    .string()
    .max(40)
    .regex(/^[A-Za-z0-9][A-Za-z0-9 ._-]*$/, 'must be "true", "false" or a GPU model such as T4, A10G, H100')
    .optional()
    .openapi({ param: { name: "gpu", in: "query" }, description: '"true" (has GPUs), "false" (has none), or a GPU model (T4, A10G, L4, H100; any case).', example: "true" }),
  family: z
    .string()
    .max(400)
    .regex(/^[a-z0-9-]+(,[a-z0-9-]+)*$/i, "must be comma-separated family names such as m7g,c7g")
    .optional()
    .openapi({ param: { name: "family", in: "query" }, description: "Instance families, comma-separated (m7g,c7g).", example: "m7g" }),
  sort: z
    .enum([...SORT_KEYS, ...SORT_KEYS.map((k) => `-${k}` as const)], { error: `must be one of ${SORT_KEYS.join(", ")} (prefix - for descending)` })
    .optional()
    .openapi({ param: { name: "sort", in: "query" }, description: "Order by price, vcpu or memory, ascending; a leading - sorts descending. Ties go to the lower price, then the id.", example: "price" }),
  limit: z.coerce
    .number({ error: "limit must be a number" })
    .int("limit must be a whole number")
    .min(1, "limit must be at least 1")
    .max(MAX_LIMIT, `limit must be at most ${MAX_LIMIT}`)
    .optional()
    .openapi({ param: { name: "limit", in: "query" }, description: `At most this many items (1–${MAX_LIMIT}), after sorting.`, example: 5 }),
};

type SpecParams = { [K in keyof typeof SPEC_PARAMS]?: z.output<(typeof SPEC_PARAMS)[K]> };

/** Validated parameters → the filter (undefined when none is set); inverted ranges are a 400 naming both. */
export function specFilterOf(p: SpecParams): SpecFilter | undefined {
  const problems: Array<{ parameter: string; message: string }> = [];
  const range = (min: keyof SpecParams, max: keyof SpecParams) => {
    const lo = p[min] as number | undefined;
    const hi = p[max] as number | undefined;
    if (lo !== undefined && hi !== undefined && lo > hi) problems.push({ parameter: min, message: `must not exceed ${max} (${lo} > ${hi})` });
  };
  range("minVcpu", "maxVcpu");
  range("minMemoryGiB", "maxMemoryGiB");
  if (problems.length > 0) throw new ApiError("invalid_request", problems.map((x) => `${x.parameter} ${x.message}`).join("; "), { errors: problems });
  const gpu = p.gpu === undefined ? undefined : p.gpu.toLowerCase() === "true" ? true : p.gpu.toLowerCase() === "false" ? false : p.gpu;
  const filter: SpecFilter = {
    ...(p.minVcpu === undefined ? {} : { minVcpu: p.minVcpu }),
    ...(p.maxVcpu === undefined ? {} : { maxVcpu: p.maxVcpu }),
    ...(p.minMemoryGiB === undefined ? {} : { minMemoryGiB: p.minMemoryGiB }),
    ...(p.maxMemoryGiB === undefined ? {} : { maxMemoryGiB: p.maxMemoryGiB }),
    ...(p.architecture === undefined ? {} : { architecture: p.architecture }),
    ...(gpu === undefined ? {} : { gpu }),
    ...(p.family === undefined ? {} : { families: [...new Set(p.family.toLowerCase().split(","))] }),
    ...(p.sort === undefined ? {} : { sort: { key: p.sort.replace(/^-/, "") as SortKey, descending: p.sort.startsWith("-") } }),
    ...(p.limit === undefined ? {} : { limit: p.limit }),
  };
  return Object.keys(filter).length > 0 ? filter : undefined;
}

function hasGpu(item: PriceItem): boolean {
  return item.gpu !== undefined && (item.gpu.count > 0 || (item.gpu.memoryGiB ?? 0) > 0);
}

/** Whether one item meets the filter's constraints (sort and limit aside). */
export function meetsSpecs(item: PriceItem, f: SpecFilter, familyOf: (id: string) => string): boolean {
  const within = (value: number | undefined, min: number | undefined, max: number | undefined) =>
    (min === undefined && max === undefined) || (value !== undefined && (min === undefined || value >= min) && (max === undefined || value <= max));
  if (!within(item.vcpu, f.minVcpu, f.maxVcpu)) return false;
  if (!within(item.memoryGiB, f.minMemoryGiB, f.maxMemoryGiB)) return false;
  if (f.architecture !== undefined && item.architecture !== f.architecture) return false;
  if (f.gpu === true && !hasGpu(item)) return false;
  if (f.gpu === false && hasGpu(item)) return false;
  if (typeof f.gpu === "string" && (!hasGpu(item) || item.gpu?.model?.toLowerCase() !== f.gpu.toLowerCase())) return false;
  if (f.families !== undefined && !f.families.includes(familyOf(item.id))) return false;
  return true;
}

/** The items that meet the filter, sorted and limited as it asks (decimal comparison for prices). */
export function applySpecFilter(items: readonly PriceItem[], f: SpecFilter, familyOf: (id: string) => string): PriceItem[] {
  const kept = items.filter((item) => meetsSpecs(item, f, familyOf));
  if (f.sort) {
    const { key, descending } = f.sort;
    const value = (i: PriceItem) => (key === "vcpu" ? i.vcpu : i.memoryGiB);
    kept.sort((a, b) => {
      let order: number;
      if (key !== "price") {
        const [x, y] = [value(a), value(b)];
        // Unknown specs sort last either way.
        if (x === undefined || y === undefined) return x === y ? 0 : x === undefined ? 1 : -1;
        order = x - y;
      } else order = compare(a.price, b.price);
      if (descending) order = -order;
      return order || compare(a.price, b.price) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
    });
  }
  return f.limit === undefined ? kept : kept.slice(0, f.limit);
}

/** The filter in words, for "nothing matched" answers. */
export function describeSpecFilter(f: SpecFilter): string {
  const parts: string[] = [];
  if (f.minVcpu !== undefined) parts.push(`≥ ${f.minVcpu} vCPU`);
  if (f.maxVcpu !== undefined) parts.push(`≤ ${f.maxVcpu} vCPU`);
  if (f.minMemoryGiB !== undefined) parts.push(`≥ ${f.minMemoryGiB} GiB`);
  if (f.maxMemoryGiB !== undefined) parts.push(`≤ ${f.maxMemoryGiB} GiB`);
  if (f.architecture) parts.push(f.architecture);
  if (f.gpu !== undefined) parts.push(f.gpu === true ? "with GPU" : f.gpu === false ? "without GPU" : `GPU ${f.gpu}`);
  if (f.families) parts.push(`family ${f.families.join("/")}`);
  return parts.join(", ") || "anything";
}
