import Big from "big.js";
import type { PriceItem, PriceSet } from "../../../domain/price.ts";
import { ApiError } from "../../../errors.ts";
import { HOURS_PER_MONTH, type ResourceOrigin, type RunRateLine, type RunRateTotals } from "./model.ts";

// ---------------------------------------------------------------------------------------------
// Prices: one provider call per kind, each missing id explained.
// ---------------------------------------------------------------------------------------------

type Priced = { item: PriceItem } | { reason: string };

/** A price lookup over one or more provider answers; a failed answer explains every id it would have had. */
export class PriceLookup {
  readonly #items = new Map<string, PriceItem>();
  readonly #reasons = new Map<string, string>();
  readonly #failures: Array<{ ids: Set<string> | "all"; reason: string }> = [];

  async add(ids: readonly string[] | "all", load: () => Promise<PriceSet>): Promise<void> {
    try {
      const set = await load();
      for (const item of set.items) if (!this.#items.has(item.id)) this.#items.set(item.id, item);
      for (const u of set.unavailable) this.#reasons.set(u.id, u.reason);
    } catch (error) {
      // The provider's "nothing here" and "nothing can answer" become per-line reasons; the rest is a bug.
      if (
        !(error instanceof ApiError) ||
        (error.code !== "price_not_available" && error.code !== "upstream_unavailable")
      )
        throw error;
      this.#failures.push({ ids: ids === "all" ? "all" : new Set(ids), reason: error.message });
    }
  }

  get(id: string): Priced {
    const item = this.#items.get(id);
    if (item) return { item };
    const reason = this.#reasons.get(id);
    if (reason) return { reason };
    const failure = this.#failures.find((f) => f.ids === "all" || f.ids.has(id));
    if (failure) return { reason: failure.reason };
    return { reason: "the price source has no price for it in this region" };
  }
}

// ---------------------------------------------------------------------------------------------
// Lines and totals.
// ---------------------------------------------------------------------------------------------

export function pricedLine(
  base: { id: string; description: string; priceId: string; quantity: number | string; reason?: string },
  priced: Priced,
  mode: "hourly" | "usage" = "hourly",
): RunRateLine {
  const quantity = new Big(base.quantity).toFixed();
  if ("reason" in priced) {
    return {
      id: base.id,
      description: base.description,
      priceId: base.priceId,
      quantity,
      unit: null,
      unitPrice: null,
      hourly: null,
      monthly: null,
      status: "not-available",
      inTotal: false,
      reason: base.reason ? `${base.reason}; ${priced.reason}` : priced.reason,
    };
  }
  const { item } = priced;
  const price = { source: item.source, asOf: item.asOf };
  if (mode === "usage" || item.unit !== "hour") {
    return {
      id: base.id,
      description: base.description,
      priceId: base.priceId,
      quantity,
      unit: item.unit,
      unitPrice: item.price,
      hourly: null,
      monthly: null,
      status: "usage-based",
      inTotal: false,
      reason:
        base.reason ??
        `billed per ${item.unit} of use, not by the hour: not part of the hourly run-rate`,
      price,
    };
  }
  const hourly = new Big(item.price).times(quantity);
  return {
    id: base.id,
    description: base.description,
    priceId: base.priceId,
    quantity,
    unit: item.unit,
    unitPrice: item.price,
    hourly: hourly.toFixed(),
    monthly: hourly.times(HOURS_PER_MONTH).toFixed(),
    status: "priced",
    inTotal: true,
    ...(base.reason ? { reason: base.reason } : {}),
    price,
  };
}

export function unpricedLine(
  base: { id: string; description: string; priceId: string | null; quantity: number | string },
  status: "not-priced" | "not-available",
  reason: string,
): RunRateLine {
  return {
    id: base.id,
    description: base.description,
    priceId: base.priceId,
    quantity: new Big(base.quantity).toFixed(),
    unit: null,
    unitPrice: null,
    hourly: null,
    monthly: null,
    status,
    inTotal: false,
    reason,
  };
}

/**
 * Sums the lines in the total (big.js); `prefix` names the resource in `excluded`. The total is a
 * number only when something was priced (or nothing runs at all); when every line was left out it is
 * `null`, never "0". `complete` is false whenever any line is left out of it, whatever the reason.
 */
export function totalsOf(lines: readonly RunRateLine[], prefix = ""): RunRateTotals {
  let hourly = new Big(0);
  let priced = 0;
  const excluded: RunRateTotals["excluded"] = [];
  for (const line of lines) {
    if (line.inTotal && line.hourly !== null) {
      hourly = hourly.plus(line.hourly);
      priced++;
    } else excluded.push({ id: `${prefix}${line.id}`, status: line.status, reason: line.reason ?? "" });
  }
  return totals(priced > 0 || excluded.length === 0 ? hourly : null, excluded);
}

/** Adds resource totals into one (exact decimal sums); null only when every part is null. */
export function sumTotals(parts: readonly RunRateTotals[]): RunRateTotals {
  const known = parts.filter((p) => p.hourly !== null);
  const hourly = known.reduce((acc, p) => acc.plus(p.hourly as string), new Big(0));
  return totals(known.length > 0 || parts.length === 0 ? hourly : null, parts.flatMap((p) => p.excluded));
}

function totals(hourly: Big | null, excluded: RunRateTotals["excluded"]): RunRateTotals {
  return {
    hourly: hourly === null ? null : hourly.toFixed(),
    monthly: hourly === null ? null : hourly.times(HOURS_PER_MONTH).toFixed(),
    hoursPerMonth: HOURS_PER_MONTH,
    complete: excluded.length === 0,
    excluded,
  };
}

/** The envelope every run-rate report shares. */
export function reportEnvelope(region: string, options: PricingOptions, notes: string[]) {
  return {
    cloud: "aws" as const,
    region,
    currency: "USD" as const,
    source: options.source,
    asOf: options.now.toISOString(),
    notes: [`monthly = hourly × ${HOURS_PER_MONTH}`, ...notes],
  };
}

export interface PricingOptions {
  source: ResourceOrigin;
  now: Date;
  signal?: AbortSignal | undefined;
}

export const FARGATE_NOTE =
  "Fargate is billed per pod (vCPU and memory requested, per second), not per profile: listed, not priced";
