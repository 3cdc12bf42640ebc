import sizes from "./vm-sizes.json" with { type: "json" };

/**
 * Azure VM sizes by their ARM SKU names. The Retail Prices API matches `armSkuName` case-sensitively
 * (`Standard_NC4as_T4_v3` matches, `Standard_NC4as_t4_v3` returns nothing), so a size typed in any case
 * is answered in Azure's own casing, from the names Azure has priced (`vm-sizes.json`, with its source).
 */

/** What an ARM SKU name looks like: `Standard_` or `Basic_`, then the size (`D2s_v5`, `E64-32ds_v4`). */
export const ARM_SKU_NAME = /^(?:Standard|Basic)_[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*$/;

/** Every ARM SKU name Azure has priced, in Azure's casing. */
export const KNOWN_VM_SIZES: readonly string[] = sizes.names;

const BY_LOWER = new Map(KNOWN_VM_SIZES.map((name) => [name.toLowerCase(), name]));

/**
 * A size typed in any case, in Azure's casing: a known name as Azure writes it (also without its
 * `Standard_` or `Basic_` prefix, when only one of the two names exists); an unknown one with its prefix
 * in Azure's casing and the rest as typed (Azure may not price it, and is then asked as typed).
 */
export function canonicalVmSize(raw: string): string {
  const lower = raw.toLowerCase();
  const known = BY_LOWER.get(lower);
  if (known) return known;
  const prefix = /^(standard|basic)_/i.exec(raw);
  if (!prefix) {
    const named = [BY_LOWER.get(`standard_${lower}`), BY_LOWER.get(`basic_${lower}`)].filter((n) => n !== undefined);
    return named.length === 1 ? (named[0] as string) : raw;
  }
  return `${prefix[1]?.toLowerCase() === "basic" ? "Basic" : "Standard"}_${raw.slice(prefix[0].length)}`;
}

const SERIES = /^(?:Standard|Basic)_([A-Z]+)\d+(?:-\d+)?([a-z]*)((?:_[A-Za-z0-9]+)*)$/;

/**
 * The size's series as a family for the spec search, lower case and without the vCPU count or
 * separators: Standard_D2s_v5 → dsv5, Standard_E64-32ds_v4 → edsv4, Standard_NC4as_T4_v3 → ncast4v3,
 * Standard_B2ms → bms. It names the series, it states nothing about the size (specs come from sources).
 */
export function vmFamily(id: string): string {
  const m = SERIES.exec(id);
  if (!m) return id.replace(/^(?:Standard|Basic)_/, "").toLowerCase();
  return `${m[1]}${m[2]}${(m[3] ?? "").replaceAll("_", "")}`.toLowerCase();
}
