import Big from "big.js";
import type { CloudPlugin } from "../clouds/types.ts";
import { HOURS_PER_MONTH } from "../estimates/arithmetic.ts";
import type { Gpu, PriceItem, PriceProvider, SpecFilter } from "../domain/price.ts";
import { ApiError } from "../errors.ts";

/**
 * The cheapest fit across clouds (`GET /v1/instances`): each chosen cloud's instance service asked, in
 * each chosen region, for the types that meet the search (the same spec filter as the price routes,
 * so the numbers are the price routes' own), then ranked together. A region a cloud cannot answer is
 * listed in `unavailable`; the rest still answers.
 */

export const INSTANCE_SORTS = ["price", "pricePerVcpu", "pricePerGiB"] as const;
export type InstanceSort = (typeof INSTANCE_SORTS)[number];

/** Decimal places of the derived per-vCPU and per-GiB prices (quotients; the hourly price is exact). */
export const QUOTIENT_DP = 10;

export interface InstanceSearch {
  filter: Omit<SpecFilter, "sort" | "limit">;
  includeBurstable: boolean;
  /** (cloud, region) pairs to search. */
  where: Array<{ cloud: CloudPlugin; region: string }>;
  sort: InstanceSort;
  limit: number;
}

export interface InstanceRow {
  cloud: string;
  region: string;
  service: string;
  id: string;
  description: string;
  vcpu: number;
  memoryGiB: number;
  architecture?: string;
  gpu?: Gpu;
  burstable?: boolean;
  hourly: string;
  monthly: string;
  pricePerVcpuHour: string;
  pricePerGiBHour: string;
  source: string;
  asOf: string;
}

export interface InstanceAnswer {
  currency: "USD";
  hoursPerMonth: number;
  sort: InstanceSort;
  /** Rows that met the search, before `limit`. */
  matched: number;
  rows: InstanceRow[];
  unavailable: Array<{ cloud: string; region: string; reason: string }>;
  notes: string[];
}

function quotient(price: string, by: number): Big {
  return new Big(price).div(by).round(QUOTIENT_DP, Big.roundHalfEven);
}

/** A row with its exact sort keys. */
interface Ranked {
  row: InstanceRow;
  price: Big;
  perVcpu: Big;
  perGiB: Big;
}

/**
 * Items are immutable (the tables' are frozen and cached, live ones cached by the loader), so each
 * item's row and its quotients are computed once, not on every search.
 */
const rowsOf = new WeakMap<PriceItem, Ranked | null>();

function ranked(cloud: string, region: string, service: string, item: PriceItem): Ranked | undefined {
  let known = rowsOf.get(item);
  if (known === undefined) {
    const r = row(cloud, region, service, item);
    known = r ? { row: r, price: new Big(r.hourly), perVcpu: new Big(r.pricePerVcpuHour), perGiB: new Big(r.pricePerGiBHour) } : null;
    rowsOf.set(item, known);
  }
  // The same item object may serve another region only if it is the same row: check the place.
  if (known && (known.row.cloud !== cloud || known.row.region !== region)) {
    const r = row(cloud, region, service, item);
    return r ? { row: r, price: new Big(r.hourly), perVcpu: new Big(r.pricePerVcpuHour), perGiB: new Big(r.pricePerGiBHour) } : undefined;
  }
  return known ?? undefined;
}

function row(cloud: string, region: string, service: string, item: PriceItem): InstanceRow | undefined {
  if (item.vcpu === undefined || item.memoryGiB === undefined || item.vcpu <= 0 || item.memoryGiB <= 0) return undefined;
  return {
    cloud,
    region,
    service,
    id: item.id,
    description: item.description,
    vcpu: item.vcpu,
    memoryGiB: item.memoryGiB,
    ...(item.architecture ? { architecture: item.architecture } : {}),
    ...(item.gpu ? { gpu: item.gpu } : {}),
    ...(item.burstable ? { burstable: true } : {}),
    hourly: item.price,
    monthly: new Big(item.price).times(HOURS_PER_MONTH).toFixed(),
    pricePerVcpuHour: quotient(item.price, item.vcpu).toFixed(),
    pricePerGiBHour: quotient(item.price, item.memoryGiB).toFixed(),
    source: item.source,
    asOf: item.asOf,
  };
}

const key: Record<InstanceSort, (r: Ranked) => Big> = {
  price: (r) => r.price,
  pricePerVcpu: (r) => r.perVcpu,
  pricePerGiB: (r) => r.perGiB,
};

export async function searchInstances(search: InstanceSearch, prices: (cloud: string) => PriceProvider, signal?: AbortSignal): Promise<InstanceAnswer> {
  const unavailable: InstanceAnswer["unavailable"] = [];
  const found = await Promise.all(
    search.where.map(async ({ cloud, region }) => {
      const service = cloud.services.find((s) => s.instances);
      if (!service) {
        unavailable.push({ cloud: cloud.id, region, reason: `${cloud.title} has no instance service in Pricebook` });
        return [];
      }
      try {
        const set = await prices(cloud.id).price({ cloud: cloud.id, service: service.id, region, specs: search.filter }, { signal });
        const out: Ranked[] = [];
        for (const item of set.items) {
          if (!search.includeBurstable && item.burstable) continue;
          const r = ranked(cloud.id, region, service.id, item);
          if (r) out.push(r);
        }
        return out;
      } catch (error) {
        // "Nothing matches here" and "nothing can answer here" are per region; the rest is a bug.
        if (error instanceof ApiError && (error.code === "price_not_available" || error.code === "upstream_unavailable")) {
          if (error.code === "upstream_unavailable" || !/no .* price for/.test(error.message)) unavailable.push({ cloud: cloud.id, region, reason: error.message });
          return [];
        }
        throw error;
      }
    }),
  );
  const rows = found.flat();
  const by = key[search.sort];
  const tie = (a: InstanceRow) => `${a.cloud}\u0000${a.region}\u0000${a.id}`;
  rows.sort((a, b) => by(a).cmp(by(b)) || a.price.cmp(b.price) || (tie(a.row) < tie(b.row) ? -1 : 1));
  return {
    currency: "USD",
    hoursPerMonth: HOURS_PER_MONTH,
    sort: search.sort,
    matched: rows.length,
    rows: rows.slice(0, search.limit).map((d) => d.row),
    unavailable,
    notes: [
      `monthly = hourly × ${HOURS_PER_MONTH}; per-vCPU and per-GiB prices are quotients rounded half-even to ${QUOTIENT_DP} decimal places`,
      "a vCPU is a hardware thread on most x86 types and a whole core on Arm (Graviton, Ampere, Axion) and a few others: compare architectures by vCPU only with care",
      ...(search.includeBurstable ? [] : ["burstable types (T family, B series, shared-core) are left out unless burstable=true"]),
    ],
  };
}
