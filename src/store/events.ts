/**
 * The seam between the price store and its subscribers (webhooks): the store publishes each change it
 * recorded, once, from the instance that recorded it (a change is a row inserted under a uniqueness
 * constraint, so two instances observing the same new price publish it once between them).
 */
export interface PriceChange {
  /** Stable id of the change (the receiver's de-duplication key is derived from it). */
  id: string;
  cloud: string;
  service: string;
  region: string;
  itemId: string;
  /** `on-demand`, or the purchase option with its terms (`reserved:1yr:no-upfront:standard`, `spot`). */
  purchaseOption: string;
  unit: string;
  currency: string;
  /** Decimal strings; `oldPrice` null for an item first seen, `newPrice` null for one that disappeared. */
  oldPrice: string | null;
  newPrice: string | null;
  /** (new − old) ÷ old × 100, a decimal string; null when either side is null. */
  percent: string | null;
  /** When the new price took effect (the source's own date when it publishes one, else when first observed). */
  effectiveAt: string;
  observedAt: string;
  /** Where the new price came from: `live`, `fallback`, `mock`, … */
  source: string;
}

export type PriceChangeListener = (changes: readonly PriceChange[]) => void;

/** In-process publish/subscribe of recorded price changes. A listener that throws does not stop the others. */
export class PriceChangeBus {
  readonly #listeners = new Set<PriceChangeListener>();
  readonly #onListenerError: (error: unknown) => void;

  constructor(onListenerError: (error: unknown) => void) {
    this.#onListenerError = onListenerError;
  }

  subscribe(listener: PriceChangeListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  publish(changes: readonly PriceChange[]): void {
    if (changes.length === 0) return;
    for (const listener of this.#listeners) {
      try {
        listener(changes);
      } catch (error) {
        this.#onListenerError(error);
      }
    }
  }
}
