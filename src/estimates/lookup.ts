import type { FreeTier, PriceItem, PriceSet } from "../domain/price.ts";
import { ApiError } from "../errors.ts";

/**
 * Prices gathered for a calculation (an estimate, a run-rate): one provider call per service and
 * region, each id then either priced or explained. A provider's "nothing here" or "nothing can answer"
 * becomes the reason of every id it would have priced; any other error is a bug and propagates.
 */
export type Priced = { item: PriceItem } | { reason: string };

/** A price lookup over one or more provider answers; a failed answer explains every id it would have had. */
export class PriceLookup {
  readonly #items = new Map<string, PriceItem>();
  readonly #reasons = new Map<string, string>();
  readonly #failures: Array<{ ids: Set<string> | "all"; reason: string }> = [];
  /** The free grant the answers published (Lambda's requests and GB-seconds …), with its source. */
  freeTier: FreeTier | undefined;

  async add(ids: readonly string[] | "all", load: () => Promise<PriceSet>): Promise<void> {
    try {
      const set = await load();
      for (const item of set.items) if (!this.#items.has(item.id)) this.#items.set(item.id, item);
      for (const u of set.unavailable) this.#reasons.set(u.id, u.reason);
      this.freeTier ??= set.freeTier;
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

