import Big from "big.js";
import type { PriceItem, PriceTier } from "../domain/price.ts";
import { HOURS_PER_YEAR, TERM_YEARS } from "../domain/purchase.ts";

/**
 * The arithmetic of cost, in one place (estimates, comparisons and the run-rate of what is running
 * all use it): exact decimals (big.js over the published strings), never binary floats. Nothing here
 * rounds; rounding is for display only (`display`).
 */

/** The clouds' convention for a month of hours (365 × 24 / 12). */
export const HOURS_PER_MONTH = 730;

/** A time-based charge: `quantity` units (instances, clusters, vCPUs) at an hourly price. */
export function hourlyCharge(price: string, quantity: Big.BigSource, hoursPerMonth: Big.BigSource = HOURS_PER_MONTH): { hourly: Big; monthly: Big } {
  const hourly = new Big(price).times(quantity);
  return { hourly, monthly: hourly.times(hoursPerMonth) };
}

/** One tier's part of a usage charge. */
export interface Band {
  from: string;
  to: string | null;
  quantity: string;
  price: string;
  amount: string;
}

/**
 * A usage charge over a month: the range (free, total] of the item's unit, priced tier by tier (an item
 * without tiers is one open tier at its price). The free grant covers the first units, so it is worth
 * the first tiers' prices; it never makes an amount negative.
 */
export function usageCharge(item: Pick<PriceItem, "price" | "tiers">, total: Big.BigSource, free: Big.BigSource = 0): { billable: Big; free: Big; amount: Big; bands: Band[] } {
  const used = new Big(total);
  const granted = new Big(free);
  const start = granted.gt(used) ? used : granted;
  const tiers: PriceTier[] = item.tiers ?? [{ from: "0", to: null, price: item.price }];
  let amount = new Big(0);
  const bands: Band[] = [];
  for (const tier of tiers) {
    const lo = new Big(tier.from).gt(start) ? new Big(tier.from) : start;
    const hi = tier.to === null || new Big(tier.to).gt(used) ? used : new Big(tier.to);
    if (!hi.gt(lo)) continue;
    const part = hi.minus(lo).times(tier.price);
    amount = amount.plus(part);
    bands.push({ from: tier.from, to: tier.to, quantity: hi.minus(lo).toFixed(), price: tier.price, amount: part.toFixed() });
  }
  return { billable: used.minus(start), free: start, amount, bands };
}

/** Rounds up to a whole multiple of `step` (billing increments: 1 ms, 100 ms, 128 MB). */
export function roundUpTo(value: Big.BigSource, step: Big.BigSource): Big {
  const v = new Big(value);
  const s = new Big(step);
  const steps = v.div(s).round(0, Big.roundUp);
  return steps.times(s);
}

/** For display only: half-up to cents. Amounts in answers stay exact. */
export function display(amount: Big.BigSource): string {
  return new Big(amount).round(2, Big.roundHalfUp).toFixed(2);
}

export const ROUNDING_NOTE = "amounts are exact decimals, never rounded; `display` values are rounded half-up to cents";

/** Places of the effective hourly rate when upfront ÷ hours does not terminate (half-even). */
export const EFFECTIVE_RATE_PLACES = 10;
/** Places of a saving (percent) and of a break-even utilisation (fraction). */
export const SAVING_PLACES = 4;
export const BREAK_EVEN_PLACES = 6;

export interface CommitmentRates {
  /** recurring + upfront ÷ term hours, per hour. */
  effectiveHourly: string;
  /** Whether `effectiveHourly` is exact (else rounded to EFFECTIVE_RATE_PLACES). */
  exact: boolean;
  /** What the whole term costs per unit: recurring × term hours + upfront. */
  termCost: string;
  /** Percent saved against on-demand over the term (negative when the commitment costs more). */
  savingPercent?: string;
  /**
   * The share of the term's hours an instance must run for the commitment to cost no more than
   * on-demand: term cost ÷ (on-demand × term hours). Below it, on-demand is cheaper.
   */
  breakEvenUtilisation?: string;
}

/**
 * The rates of a commitment, from its published recurring rate and upfront fee: computed on the exact
 * term totals (big.js), rounded once at the end (half-even) where a quotient does not terminate.
 */
export function commitmentRates(recurring: string, upfront: string, termHours: number, onDemand?: string): CommitmentRates {
  const hours = new Big(termHours);
  const termCost = new Big(recurring).times(hours).plus(upfront);
  const precise = termCost.div(hours);
  const effective = precise.round(EFFECTIVE_RATE_PLACES, Big.roundHalfEven);
  const out: CommitmentRates = { effectiveHourly: effective.toFixed(), exact: effective.times(hours).eq(termCost), termCost: termCost.toFixed() };
  if (onDemand !== undefined && new Big(onDemand).gt(0)) {
    const onDemandTerm = new Big(onDemand).times(hours);
    const share = termCost.div(onDemandTerm);
    out.breakEvenUtilisation = share.round(BREAK_EVEN_PLACES, Big.roundHalfEven).toFixed();
    out.savingPercent = new Big(1).minus(share).times(100).round(SAVING_PLACES, Big.roundHalfEven).toFixed();
  }
  return out;
}

/** Percent saved by a rate against on-demand (spot), rounded half-even to SAVING_PLACES. */
export function savingPercent(rate: string, onDemand: string): string | undefined {
  if (!new Big(onDemand).gt(0)) return undefined;
  return new Big(1).minus(new Big(rate).div(onDemand)).times(100).round(SAVING_PLACES, Big.roundHalfEven).toFixed();
}

export const COMMITMENT_NOTE =
  "a reserved or savings-plan commitment is paid for every hour of its term whether the instance runs or not: its month is the term's exact cost × hoursPerMonth ÷ term hours";

/**
 * A committed item's charge for `quantity` units over a month: from the term's exact cost (recurring ×
 * term hours + upfront), not from the rounded effective rate, so 3 × $494 a year is $123.5 a month of
 * 730 hours exactly. Undefined for an item that is not committed.
 */
export function commitmentCharge(item: Pick<PriceItem, "purchase">, quantity: Big.BigSource, hoursPerMonth: Big.BigSource): { hourly: Big; monthly: Big } | undefined {
  const p = item.purchase;
  if (!p?.term || p.termCost === undefined) return undefined;
  const termHours = new Big(TERM_YEARS[p.term] * HOURS_PER_YEAR);
  const perTerm = new Big(p.termCost).times(quantity);
  const round = (v: Big) => v.round(EFFECTIVE_RATE_PLACES, Big.roundHalfEven);
  return { hourly: round(perTerm.div(termHours)), monthly: round(perTerm.times(hoursPerMonth).div(termHours)) };
}
