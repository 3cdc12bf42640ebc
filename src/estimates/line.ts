import Big from "big.js";
import type { z } from "@hono/zod-openapi";
import type { Money } from "../domain/money.ts";
import { money } from "../domain/money.ts";
import type { FreeTier, PriceItem, Source, Unit } from "../domain/price.ts";
import { describeTerms, type PurchaseDetails } from "../domain/purchase.ts";
import { type Band, COMMITMENT_NOTE, commitmentCharge, HOURS_PER_MONTH, hourlyCharge, usageCharge } from "./arithmetic.ts";
import type { Priced } from "./lookup.ts";

/**
 * One estimate line being priced: each priced item with its quantity, unit price, amount, tier bands
 * and free grant, each unpriceable item listed (never counted as 0), and the totals. Estimators of
 * every cloud build their lines with this.
 */

export interface EstimateItem {
  item: string;
  description: string;
  /** Billable quantity a month, in `unit`s (after the free grant). */
  quantity: string;
  unit: Unit;
  /** The unit price (the first tier's, for a tiered item: see `tiers`). */
  price: string;
  amount: Money;
  /** Hourly amount, for time-based items. */
  hourly?: Money;
  /** The tiers the usage fell in, each with its quantity and amount. */
  tiers?: Band[];
  /** The free grant applied to this item, in `unit`s. */
  freeTier?: { quantity: string; note: string };
  source: Source;
  asOf: string;
  /** Bought other than on demand: the terms, and how `price` (the effective rate) was computed. */
  purchase?: PurchaseDetails;
}

export interface EstimateLine {
  id?: string;
  cloud: string;
  service: string;
  region: string;
  /** Null when nothing of the line could be priced. */
  monthly: Money | null;
  /** For lines that are time-based only. */
  hourly?: Money | null;
  items: EstimateItem[];
  unavailable: Array<{ item: string; reason: string }>;
  /** False whenever part of the line could not be priced: `monthly` is then a lower bound. */
  complete: boolean;
  notes: string[];
}

export interface LineContext {
  /** Whether free grants apply (the request's `freeTier`, default true). */
  freeTier: boolean;
  hoursPerMonth: number;
  /**
   * What is left of each monthly free grant (keyed "cloud/service/amount"): a grant is per account, so
   * the lines of one estimate share it, in order.
   */
  grants: Map<string, Big>;
}

/** Finds a price among those gathered for the line (by service and id). */
export type PriceOf = (service: string, id: string) => Priced;

/** A monthly free grant an item's usage may use: its amount by the published free tier, and why. */
export interface FreeGrant {
  /** Shared by every line of the estimate: "aws/lambda/gbSeconds". */
  key: string;
  quantity: Big.BigSource;
  note: string;
}

export class LineBuilder {
  readonly #items: EstimateItem[] = [];
  readonly #unavailable: EstimateLine["unavailable"] = [];
  readonly #notes: string[] = [];
  #timeBased = true;
  #hourly = new Big(0);
  #monthly = new Big(0);

  readonly prices: PriceOf;
  readonly ctx: LineContext;
  /** The free tier a service's price answer published (amounts by name, with source). */
  readonly freeTierOf: (service: string) => FreeTier | undefined;

  constructor(prices: PriceOf, ctx: LineContext, freeTierOf: (service: string) => FreeTier | undefined = () => undefined) {
    this.prices = prices;
    this.ctx = ctx;
    this.freeTierOf = freeTierOf;
  }

  note(text: string): this {
    if (!this.#notes.includes(text)) this.#notes.push(text);
    return this;
  }

  unavailable(item: string, reason: string): this {
    this.#unavailable.push({ item, reason });
    return this;
  }

  /** `quantity` of something priced per hour (instances, clusters), running `hours` a month. */
  hours(service: string, id: string, quantity: Big.BigSource, hours: Big.BigSource = this.ctx.hoursPerMonth, what?: string): this {
    const priced = this.prices(service, id);
    if ("reason" in priced) return this.unavailable(id, priced.reason);
    const { item } = priced;
    const committed = commitmentCharge(item, quantity, this.ctx.hoursPerMonth);
    if (committed) {
      // A commitment is paid for every hour of its term, whether the instance runs or not.
      hours = this.ctx.hoursPerMonth;
      this.note(COMMITMENT_NOTE);
    }
    const { hourly, monthly } = committed ?? hourlyCharge(item.price, quantity, hours);
    this.#hourly = this.#hourly.plus(hourly);
    this.#monthly = this.#monthly.plus(monthly);
    this.#items.push({
      ...this.#base(item, what),
      quantity: new Big(quantity).times(hours).toFixed(),
      amount: money(monthly),
      hourly: money(hourly),
    });
    return this;
  }

  /**
   * A monthly usage of `quantity` units (requests, GB-seconds), priced tier by tier, the first `free`
   * units granted (when the request asks for free tiers to apply).
   */
  usage(service: string, id: string, quantity: Big.BigSource, free?: FreeGrant, what?: string): this {
    this.#timeBased = false;
    const priced = this.prices(service, id);
    if ("reason" in priced) return this.unavailable(id, priced.reason);
    const { item } = priced;
    let grant = new Big(0);
    if (this.ctx.freeTier && free) {
      const left = this.ctx.grants.get(free.key) ?? new Big(free.quantity);
      grant = left.gt(quantity) ? new Big(quantity) : left;
      this.ctx.grants.set(free.key, left.minus(grant));
    }
    const charge = usageCharge(item, quantity, grant);
    this.#monthly = this.#monthly.plus(charge.amount);
    this.#items.push({
      ...this.#base(item, what),
      quantity: charge.billable.toFixed(),
      amount: money(charge.amount),
      ...(item.tiers ? { tiers: charge.bands } : {}),
      ...(free && this.ctx.freeTier ? { freeTier: { quantity: charge.free.toFixed(), note: free.note } } : {}),
    });
    return this;
  }

  #base(item: PriceItem, what: string | undefined) {
    return {
      item: item.id,
      description: what ? `${what}${item.purchase ? ` (${describeTerms(item.purchase)})` : ""}` : item.description,
      unit: item.unit,
      price: item.price,
      source: item.source,
      asOf: item.asOf,
      ...(item.purchase ? { purchase: item.purchase } : {}),
    };
  }

  build(head: { id?: string | undefined; cloud: string; service: string; region: string }): EstimateLine {
    const priced = this.#items.length > 0;
    const complete = this.#unavailable.length === 0;
    return {
      ...(head.id === undefined ? {} : { id: head.id }),
      cloud: head.cloud,
      service: head.service,
      region: head.region,
      monthly: priced || complete ? money(this.#monthly) : null,
      ...(this.#timeBased ? { hourly: priced || complete ? money(this.#hourly) : null } : {}),
      items: this.#items,
      unavailable: this.#unavailable,
      complete,
      notes: this.#notes,
    };
  }
}

/**
 * How one cloud service's usage is estimated: the usage fields it takes (validated with a clear 400),
 * the prices it needs (per service: EKS needs EC2 prices for its nodes), and the arithmetic.
 */
export interface Estimator<U = Record<string, unknown>> {
  /** The line's usage fields (beyond id, cloud, service, region), as a strict object schema. */
  usage: z.ZodType<U>;
  /** Ids to ask the price providers, per service of the same cloud. */
  prices(usage: U): Record<string, string[]>;
  estimate(usage: U, line: LineBuilder): void;
  /** A short example of the usage fields, for the OpenAPI document and errors. */
  example: Record<string, unknown>;
}

export const DEFAULT_HOURS = HOURS_PER_MONTH;
