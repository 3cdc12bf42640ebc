import Big from "big.js";
import type { CostFilters, CostSource } from "../domain/costs.ts";
import { addMonths } from "../domain/dates.ts";
import { didYouMean } from "../domain/suggest.ts";

/**
 * A budget whose filters match no cost answers 0, which reads like "no spend" rather than "wrong filter".
 * Its answers carry `notes` that say so, the way the API's other answers explain themselves (estimates,
 * run-rates): a tag value no cost carries is named, with the values that do and a suggestion when one is
 * close; filters that each match costs but never together are said to.
 *
 * Asked of Cost Explorer (or the mock account) through the CostSource: one MONTHLY history over the last
 * 13 months grouped by each tag key in the filters, and one for the filters together. Tag values are not
 * validated when a budget is created (AWS accepts a tag before any cost carries it), so this is a hint,
 * never a refusal.
 */
export type FilterNotes = (filters: CostFilters) => Promise<string[]>;

/** Notes for budget filters, for one request: a tag key's values are asked for once however many budgets. */
export function filterNotes(costs: CostSource, today: string, signal?: AbortSignal): FilterNotes {
  const start = addMonths(today, -13);
  const known = new Map<string, Promise<{ values: string[]; untagged: boolean }>>();
  const valuesOf = (key: string) => {
    let found = known.get(key);
    if (!found) {
      found = costs
        .costs({ start, end: today, granularity: "MONTHLY", metric: "UnblendedCost", groupBy: [{ type: "TAG", key }], filters: {} }, signal)
        .then((report) => {
          const values = new Set<string>();
          for (const period of report.periods)
            for (const group of period.groups) if (new Big(group.amount.amount).gt(0)) values.add((group.keys[0] ?? "").slice(key.length + 1));
          return { values: [...values].filter(Boolean).sort(), untagged: values.has("") };
        });
      known.set(key, found);
    }
    return found;
  };

  return async (filters) => {
    const tags = Object.entries(filters.tags ?? {}).filter(([, values]) => values.length > 0);
    if (start >= today || tags.length === 0) return [];
    const notes: string[] = [];
    for (const [key, values] of tags) {
      const { values: withCosts, untagged } = await valuesOf(key);
      const carried = (v: string) => (v === "" ? untagged : withCosts.includes(v));
      if (values.some(carried)) continue;
      const asked = values.map((v) => `${key}=${v}`).join(" or ");
      const list = withCosts.length ? withCosts.join(", ") : "none";
      const hint = values.length === 1 ? didYouMean(values[0] as string, withCosts) : "";
      notes.push(
        `no cost in the last 13 months carries the tag ${asked}: this budget's spend is 0. Values of ${key} with costs: ${list}${untagged ? ` (and untagged costs: ${key}="")` : ""}${hint}`,
      );
    }
    if (notes.length > 0) return notes;
    const together = await costs.costs({ start, end: today, granularity: "MONTHLY", metric: "UnblendedCost", groupBy: [], filters }, signal);
    if (new Big(together.total.amount).eq(0)) {
      notes.push("no cost in the last 13 months matched all of this budget's filters together (each tag value alone carries costs): this budget's spend is 0");
    }
    return notes;
  };
}
