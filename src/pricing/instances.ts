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

const key: Record<InstanceSort, (r: InstanceRow) => string> = {
  price: (r) => r.hourly,
  pricePerVcpu: (r) => r.pricePerVcpuHour,
  pricePerGiB: (r) => r.pricePerGiBHour,
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
        return set.items
          .filter((i) => search.includeBurstable || !i.burstable)
          .map((i) => row(cloud.id, region, service.id, i))
          .filter((r): r is InstanceRow => r !== undefined);
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
  const decorated = rows.map((r) => ({ r, k: new Big(by(r)), p: new Big(r.hourly) }));
  decorated.sort((a, b) => a.k.cmp(b.k) || a.p.cmp(b.p) || (a.r.cloud + a.r.region + a.r.id < b.r.cloud + b.r.region + b.r.id ? -1 : 1));
  return {
    currency: "USD",
    hoursPerMonth: HOURS_PER_MONTH,
    sort: search.sort,
    matched: rows.length,
    rows: decorated.slice(0, search.limit).map((d) => d.r),
    unavailable,
    notes: [
      `monthly = hourly × ${HOURS_PER_MONTH}; per-vCPU and per-GiB prices are quotients rounded half-even to ${QUOTIENT_DP} decimal places`,
      "a vCPU is a hardware thread on most x86 types and a whole core on Arm (Graviton, Ampere, Axion) and a few others: compare architectures by vCPU only with care",
      ...(search.includeBurstable ? [] : ["burstable types (T family, B series, shared-core) are left out unless burstable=true"]),
    ],
  };
}
