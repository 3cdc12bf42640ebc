import type { Logger } from "pino";
import type { AnyServiceDef } from "../clouds/types.ts";
import type { FreeTier, PriceItem, PriceProvider, PriceQuestion, PriceRequestOptions, PriceSet } from "../domain/price.ts";
import { ApiError, fromUpstream } from "../errors.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { CachedLoader, Fetch, FetchMany, Loaded, LoadSource } from "../resilience/cached-loader.ts";
import { UpstreamError } from "../resilience/guard.ts";
import { type FallbackPriceProvider, onDemandOnly } from "./fallback-provider.ts";
import { answer, offerOf } from "./select.ts";

/** What a live source may use to fetch: the cache-aside loader, bound to the caller's signal. */
export interface LiveContext {
  load<T>(key: string, fetch: Fetch<T>, isNotFound?: (value: T) => boolean): Promise<Loaded<T>>;
  loadMany<T>(keys: readonly string[], fetchMany: FetchMany<T>): Promise<Map<string, Loaded<T | undefined>>>;
  /** The caller's signal, for a source that shares one fetch among callers its own way. */
  signal?: AbortSignal | undefined;
}

/** The items a listing found, and how fresh the oldest part of them is. */
export interface Listing {
  items: PriceItem[];
  source: LoadSource;
  /** The monthly free grant the upstream itself states (Azure's 0-priced first tiers), if it does. */
  freeTier?: FreeTier | undefined;
  /** Why ids the source knows of could not be priced (a machine type it cannot compose), by id. */
  reasons?: ReadonlyMap<string, string>;
}

/**
 * How one cloud's live API answers one service. `list` answers a region (narrowed by the question's
 * filter); `byIds`, when a service has one, looks up just the ids asked (EC2: one query sequence for
 * all of a batch's instance types) and answers each with its own freshness.
 */
export interface LiveServiceSource {
  list(q: PriceQuestion, ctx: LiveContext): Promise<Listing>;
  byIds?(q: PriceQuestion & { ids: readonly string[] }, ctx: LiveContext): Promise<Map<string, Loaded<PriceItem | undefined>>>;
}

export interface LivePriceProviderDeps {
  cloud: string;
  /** "AWS", "Azure": how errors name the cloud. */
  cloudTitle: string;
  services: readonly AnyServiceDef[];
  sources: Readonly<Record<string, LiveServiceSource>>;
  loader: CachedLoader;
  fallback: FallbackPriceProvider;
  metrics: Metrics;
  logger: Logger;
}

function stamp(item: PriceItem, source: LoadSource): PriceItem {
  return source === "live" || item.source === source ? item : { ...item, source };
}

/**
 * One cloud's live prices: each question goes to the service's live source through the cache-aside
 * loader (single flight per key and across the fleet, stale-while-revalidate, stale-if-error), and when
 * the upstream cannot answer and nothing stale is cached, to the fallback tables; when those have
 * nothing either, 503 with the failure's own Retry-After. Cloud-neutral: the sources know the cloud.
 */
export class LivePriceProvider implements PriceProvider {
  readonly origin = "live" as const;
  readonly #d: LivePriceProviderDeps;
  readonly #services: ReadonlyMap<string, AnyServiceDef>;
  readonly #notPublished: string;

  constructor(deps: LivePriceProviderDeps) {
    this.#d = deps;
    this.#services = new Map(deps.services.map((s) => [s.id, s]));
    this.#notPublished = `${deps.cloudTitle} publishes no price for it in this region`;
  }

  async price(q: PriceQuestion, options: PriceRequestOptions = {}): Promise<PriceSet> {
    onDemandOnly(q, `${this.#d.cloudTitle}'s live on-demand provider`);
    const service = this.#services.get(q.service);
    const source = this.#d.sources[q.service];
    if (!service || !source) throw new ApiError("not_found", `${this.#d.cloud} has no priced service "${q.service}"`);
    const what = `${service.title} in ${q.region}`;
    let set: PriceSet;
    try {
      set = await this.#live(service, source, q, options.signal);
      this.#d.metrics.answers.inc({ source: set.items[0]?.source ?? "live" });
    } catch (error) {
      if (!(error instanceof UpstreamError) || error.kind === "aborted") throw error;
      this.#d.logger.warn(
        { what, api: error.api, kind: error.kind, code: error.code, err: error.message },
        `${this.#d.cloudTitle} price lookup failed; serving the fallback tables`,
      );
      try {
        set = await this.#d.fallback.price(q);
        this.#d.metrics.answers.inc({ source: "fallback" });
        return set;
      } catch (fallbackError) {
        if (fallbackError instanceof ApiError && fallbackError.code === "price_not_available") {
          throw fromUpstream(error, `and no cached or fallback price can answer for ${what}`);
        }
        throw fallbackError;
      }
    }
    const freeTier = set.freeTier ?? this.#d.fallback.freeTier(q.service, q.region);
    return freeTier ? { ...set, freeTier } : set;
  }

  async #live(service: AnyServiceDef, source: LiveServiceSource, q: PriceQuestion, signal: AbortSignal | undefined): Promise<PriceSet> {
    const loader = this.#d.loader;
    const ctx: LiveContext = {
      load: (key, fetch, isNotFound) => loader.load(key, fetch, { signal, ...(isNotFound ? { isNotFound } : {}) }),
      loadMany: (keys, fetchMany) => loader.loadMany(keys, fetchMany, { signal }),
      signal,
    };
    if (q.ids && source.byIds) {
      const found = await source.byIds({ ...q, ids: q.ids }, ctx);
      const items: PriceItem[] = [];
      for (const id of q.ids) {
        const hit = found.get(id);
        if (hit?.value) items.push(stamp(hit.value, hit.source));
      }
      return answer(service, q, offerOf(items), this.#notPublished);
    }
    const listing = await source.list(q, ctx);
    const reasons = listing.reasons;
    // Nothing asked could be priced: say why for each id the source explained.
    const why = () => {
      const said = (q.ids ?? []).filter((id) => reasons?.has(id)).slice(0, 5).map((id) => `${id}: ${reasons?.get(id)}`);
      return said.length > 0 ? ` (${said.join("; ")})` : "";
    };
    if (listing.items.length === 0) {
      throw new ApiError("price_not_available", `${this.#d.cloudTitle} publishes no ${service.title} prices for ${q.region}${why()}`);
    }
    try {
      const set = answer(service, q, offerOf(listing.items.map((i) => stamp(i, listing.source))), this.#notPublished);
      if (reasons) for (const u of set.unavailable) u.reason = reasons.get(u.id) ?? u.reason;
      return listing.freeTier ? { ...set, freeTier: listing.freeTier } : set;
    } catch (error) {
      if (error instanceof ApiError && error.code === "price_not_available" && why()) throw new ApiError("price_not_available", `${error.message}${why()}`);
      throw error;
    }
  }
}
