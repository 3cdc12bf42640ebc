import Big from "big.js";
import { hourlyCharge } from "../../../estimates/arithmetic.ts";
import { type Priced, PriceLookup } from "../../../estimates/lookup.ts";
import { HOURS_PER_MONTH, type ResourceOrigin, type RunRateLine, type RunRateTotals } from "./model.ts";

// ---------------------------------------------------------------------------------------------
// Lines and totals.
// ---------------------------------------------------------------------------------------------

export { PriceLookup };

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
  const { hourly, monthly } = hourlyCharge(item.price, quantity);
  return {
    id: base.id,
    description: base.description,
    priceId: base.priceId,
    quantity,
    unit: item.unit,
    unitPrice: item.price,
    hourly: hourly.toFixed(),
    monthly: monthly.toFixed(),
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
