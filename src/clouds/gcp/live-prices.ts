import type { Logger } from "pino";
import type { InstanceSpecs, PriceItem } from "../../domain/price.ts";
import type { Listing, LiveServiceSource } from "../../pricing/live-provider.ts";
import type { CachedLoader, Loaded } from "../../resilience/cached-loader.ts";
import { UpstreamError } from "../../resilience/guard.ts";
import { raceSignal } from "../../resilience/sleep.ts";
import { type BillingCatalogClient, CATALOG_REGION } from "./billing-client.ts";
import { CLOUD_RUN_SERVICE, cloudRunItems, cloudRunMatcher } from "./cloud-run.ts";
import { COMPUTE_SERVICE, computeItems, computeMatcher } from "./compute.ts";
import { GKE_SERVICE, gkeItems, gkeMatcher } from "./gke.ts";
import { type BookEntry, type Matcher, type PriceBook, bookEntry, buildBook } from "./price-book.ts";
import { VERTEX_SERVICE, vertexItems, vertexMatcher } from "./vertex-ai.ts";

/** Bumped when what a book keeps changes, so that no instance reads a book of the old shape. */
const BOOK_VERSION = "v2";
const SERVICES_KEY = `gcp:billing-services:${BOOK_VERSION}`;
export const CATALOG_TITLE = "the Google Cloud Billing Catalog API";

/** Failures raised outside the guard (a paging loop, a missing service) are named like the guard's own. */
function titled(error: unknown): never {
  if (error instanceof UpstreamError) error.title ??= CATALOG_TITLE;
  throw error;
}

/** The display names Pricebook resolves to service ids, and the matcher of each service's book. */
const BOOKS: Readonly<Record<string, Matcher>> = {
  [GKE_SERVICE]: gkeMatcher,
  [COMPUTE_SERVICE]: computeMatcher,
  [CLOUD_RUN_SERVICE]: cloudRunMatcher,
  [VERTEX_SERVICE]: vertexMatcher,
};

export interface GcpCatalogDeps {
  client: BillingCatalogClient;
  loader: CachedLoader;
  logger: Logger;
  now: () => Date;
  /** How long a caller waits for a catalogue still being read before the tables answer it. */
  waitMs: number;
}

/** Rejects with a `deadline` failure (the pipeline then answers from the tables) if `flight` takes longer than `ms`. */
function within<T>(flight: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new UpstreamError("cloud-billing", CATALOG_REGION, "deadline", undefined, `the Cloud Billing Catalog's ${name} catalogue is still being read`, 5);
      error.title = CATALOG_TITLE;
      reject(error);
    }, ms);
  });
  return Promise.race([flight, waited]).finally(() => clearTimeout(timer));
}

/**
 * Each service's price book, fetched once (every page of its SKUs) and cached whole; every region is
 * answered from it. The fetch is shared by every caller and not cancelled when one gives up: a large
 * catalogue may take longer than one request should wait (GCP_CATALOG_WAIT_MS), so a caller that stops
 * waiting is answered from the fallback tables while the read goes on and fills the cache. Service ids
 * are resolved by display name from `/v1/services` (cached too), never hard-coded.
 */
export class GcpCatalog {
  readonly #d: GcpCatalogDeps;

  constructor(deps: GcpCatalogDeps) {
    this.#d = deps;
  }

  async #serviceId(name: string): Promise<string> {
    const { loader, client } = this.#d;
    const loaded = await loader.load<Record<string, string>>(SERVICES_KEY, async (signal) => {
      const wanted = new Set(Object.keys(BOOKS));
      const ids: Record<string, string> = {};
      for (const s of await client.services(signal).catch(titled)) if (wanted.has(s.displayName)) ids[s.displayName] ??= s.serviceId;
      return ids;
    });
    const id = loaded.value[name];
    if (!id) throw new UpstreamError("cloud-billing", CATALOG_REGION, "malformed", undefined, `the Cloud Billing Catalog lists no service named "${name}"`);
    return id;
  }

  /** The service's book, with how fresh it is. */
  book(name: string, caller?: AbortSignal): Promise<Loaded<PriceBook>> {
    const { loader, client, logger, now } = this.#d;
    const matcher = BOOKS[name] as Matcher;
    const flight = loader.load<PriceBook>(
      `gcp:book:${BOOK_VERSION}:${name}`,
      async (signal) => {
        const serviceId = await this.#serviceId(name).catch(titled);
        const entries = await client.skus<BookEntry>(serviceId, (sku) => bookEntry(sku, matcher, logger), signal).catch(titled);
        const book = buildBook(serviceId, now().toISOString().slice(0, 10), entries, logger);
        logger.info({ service: name, serviceId, skus: entries.length, regions: Object.keys(book.regions).length }, "read a Cloud Billing Catalog service");
        return book;
      },
      { isNotFound: (book) => Object.keys(book.regions).length === 0 },
    );
    // The read goes on when a caller stops waiting (no signal reaches it): the next caller finds it cached.
    return raceSignal(within(flight, this.#d.waitMs, name), caller);
  }
}

/** Per book and region, what was computed from it (a book is immutable once cached; the LRU hands back the same object). */
function memo<T>(): (book: PriceBook, key: string, make: () => T) => T {
  const cache = new WeakMap<PriceBook, Map<string, T>>();
  return (book, key, make) => {
    let byKey = cache.get(book);
    if (!byKey) cache.set(book, (byKey = new Map()));
    let value = byKey.get(key);
    if (value === undefined) byKey.set(key, (value = make()));
    return value;
  };
}

/**
 * The Billing Catalog as live sources, one per service: each reads its service's book and builds the
 * region's items from it (gke.ts, compute.ts, cloud-run.ts, vertex-ai.ts know the SKUs). Caching,
 * fallback and provenance are the cloud-neutral pipeline's.
 */
export function gcpPriceSources(catalog: GcpCatalog, machineTypes: () => ReadonlyMap<string, InstanceSpecs>): Record<string, LiveServiceSource> {
  const simple = (name: string, items: (book: PriceBook, region: string) => PriceItem[]): LiveServiceSource => {
    const made = memo<PriceItem[]>();
    return {
      async list(q, ctx): Promise<Listing> {
        const loaded = await catalog.book(name, ctx.signal);
        return { items: made(loaded.value, q.region, () => items(loaded.value, q.region)), source: loaded.source };
      },
    };
  };
  const allTypes = memo<{ items: PriceItem[]; reasons: Map<string, string> }>();
  const compute: LiveServiceSource = {
    async list(q, ctx) {
      const { value: book, source } = await catalog.book(COMPUTE_SERVICE, ctx.signal);
      const found = q.ids ? computeItems(book, q.region, machineTypes(), q.ids) : allTypes(book, q.region, () => computeItems(book, q.region, machineTypes()));
      return { items: found.items, reasons: found.reasons, source };
    },
  };
  const vertexAll = memo<{ items: PriceItem[]; reasons: Map<string, string> }>();
  const vertex: LiveServiceSource = {
    async list(q, ctx) {
      const { value: book, source } = await catalog.book(VERTEX_SERVICE, ctx.signal);
      const filter = { component: q.filter?.component, machineType: q.filter?.machineType };
      const found =
        q.ids || filter.component || filter.machineType
          ? vertexItems(book, q.region, machineTypes(), filter, q.ids)
          : vertexAll(book, q.region, () => vertexItems(book, q.region, machineTypes(), {}));
      return { items: found.items, reasons: found.reasons, source };
    },
  };
  return {
    gke: simple(GKE_SERVICE, gkeItems),
    compute,
    "cloud-run": simple(CLOUD_RUN_SERVICE, cloudRunItems),
    "vertex-ai": vertex,
  };
}
