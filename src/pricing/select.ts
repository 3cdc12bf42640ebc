import type { AnyServiceDef } from "../clouds/types.ts";
import type { PriceItem, PriceQuestion, PriceSet, Unavailable } from "../domain/price.ts";
import { ApiError } from "../errors.ts";
import { applySpecFilter, describeSpecFilter } from "./spec-filter.ts";

/** What one price source has for one service in one region. */
export interface Offer {
  get(id: string): PriceItem | undefined;
  list(): Iterable<PriceItem>;
}

export function offerOf(items: Iterable<PriceItem>): Offer {
  const byId = new Map<string, PriceItem>();
  for (const item of items) if (!byId.has(item.id)) byId.set(item.id, item);
  return { get: (id) => byId.get(id), list: () => byId.values() };
}

export function listHint(values: readonly string[], max = 12): string {
  if (values.length === 0) return "none";
  const shown = values.slice(0, max).join(", ");
  return values.length > max ? `${shown}, … (${values.length} in all)` : shown;
}

function filterText(q: PriceQuestion): string {
  const parts = Object.entries(q.filter ?? {}).map(([k, v]) => `${k} ${v}`);
  if (q.specs) parts.push(describeSpecFilter(q.specs));
  return parts.length > 0 ? parts.join(" and ") : "anything";
}

/** The question's spec search (filter, sort, limit) over the items, for instance services. */
function bySpecs(service: AnyServiceDef, q: PriceQuestion, items: PriceItem[]): PriceItem[] {
  if (!q.specs) return items;
  const familyOf = service.instances?.familyOf ?? ((id: string) => id);
  return applySpecFilter(items, q.specs, familyOf);
}

/**
 * The answer to a question from what a source has (the fallback tables and every live pipeline use
 * this, so they answer alike): the ids asked for, each priced or listed unavailable with `missing`;
 * a fixed catalogue in its order, missing items unavailable; or every listed item the filter matches.
 * Nothing priced at all is a `price_not_available` naming what was asked and what there is.
 */
export function answer(service: AnyServiceDef, q: PriceQuestion, offer: Offer, missing: string): PriceSet {
  const items: PriceItem[] = [];
  const unavailable: Unavailable[] = [];
  const wanted = q.ids ?? (service.items ? Object.keys(service.items) : undefined);
  if (wanted) {
    for (const id of wanted) {
      const item = offer.get(id);
      if (item) items.push(item);
      else unavailable.push({ id, reason: missing });
    }
    const found = bySpecs(service, q, items);
    if (found.length === 0 && q.ids) {
      throw new ApiError(
        "price_not_available",
        `no ${service.title} price for ${listHint(q.ids)}${q.specs ? ` with ${describeSpecFilter(q.specs)}` : ""} in ${q.region}; items with prices there: ${listHint([...offer.list()].map((i) => i.id))}`,
      );
    }
    return { items: found, unavailable };
  }
  for (const item of offer.list()) if (!q.filter || !service.matches || service.matches(item.id, q.filter)) items.push(item);
  const found = bySpecs(service, q, items);
  if (found.length === 0) {
    throw new ApiError(
      "price_not_available",
      `no ${service.title} price for ${filterText(q)} in ${q.region}; items with prices there: ${listHint([...offer.list()].map((i) => i.id))}`,
    );
  }
  return { items: found, unavailable };
}

/** A merged answer indexed by id: its items and its reasons for what it could not price. */
export interface Offerings {
  items: ReadonlyMap<string, PriceItem>;
  reasons: ReadonlyMap<string, string>;
}

export function offerings(set: PriceSet): Offerings {
  return { items: new Map(set.items.map((i) => [i.id, i])), reasons: new Map(set.unavailable.map((u) => [u.id, u.reason])) };
}

/**
 * The part of a merged answer (a batch asks once for the ids of many questions) that answers one
 * question: its ids in its order, each priced or unavailable with the merged answer's reason.
 */
export function pick(service: AnyServiceDef, q: PriceQuestion & { ids: readonly string[] }, merged: PriceSet, index: Offerings = offerings(merged)): PriceSet {
  const offer: Offer = { get: (id) => index.items.get(id), list: () => index.items.values() };
  const set = answer(service, q, offer, "no published price for it");
  for (const u of set.unavailable) u.reason = index.reasons.get(u.id) ?? u.reason;
  return merged.freeTier ? { ...set, freeTier: merged.freeTier } : set;
}
