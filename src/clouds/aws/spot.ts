import type * as Ec2 from "@aws-sdk/client-ec2";
import type { PriceQuestion, PriceRequestOptions } from "../../domain/price.ts";
import { canonical, compare, isDecimalString } from "../../domain/money.ts";
import type { PurchaseOption, PurchaseTerms } from "../../domain/purchase.ts";
import { ApiError, fromUpstream } from "../../errors.ts";
import type { OptionQuote, OptionQuotes, OptionSource } from "../../pricing/purchase-provider.ts";
import type { CachedLoader, Loaded } from "../../resilience/cached-loader.ts";
import { type Guard, UpstreamError } from "../../resilience/guard.ts";
import { guardedPages } from "../../resilience/paginate.ts";
import { requireGuard } from "./sdk.ts";
import type { Advice, SpotAdvisor } from "./spot-advisor.ts";

/** The one product spot prices are asked for: the on-demand prices they are compared with are Linux too. */
export const SPOT_PRODUCT = "Linux/UNIX";
/** DescribeSpotPriceHistory's largest page. */
const PAGE_SIZE = 1000;
/** 100 types × a region's zones fit in one page; past this many pages the answer loops or is not a spot list. */
const MAX_PAGES = 20;
const SPOT: PurchaseTerms = { option: "spot" };

/** A type's current spot price in one availability zone, as cached. */
export interface ZonePrice {
  zone: string;
  /** Canonical decimal string, USD per hour. */
  price: string;
  /** When EC2 set the price (ISO timestamp). */
  timestamp: string;
}

export interface AwsSpotOptions {
  /** The SDK configuration of a region's client (one attempt per call, timeouts that throw). */
  clientConfig(region: string): Ec2.EC2ClientConfig;
  guard: Guard;
  /** Cache of each type's zone prices, with a short TTL: a spot price is a point in time. */
  loader: CachedLoader;
  advisor: SpotAdvisor;
  now: () => Date;
}

/**
 * AWS EC2 spot prices, live only: the current price in each availability zone from EC2's
 * DescribeSpotPriceHistory (StartTime = now answers the price in force in each zone), quoted at the
 * lowest zone's price, with the Spot Advisor's interruption band. When EC2 cannot answer and nothing is
 * cached, the question fails: a spot price is never guessed nor taken from a table.
 */
export class AwsSpotPrices implements OptionSource {
  readonly origin = "live";
  readonly #o: AwsSpotOptions;
  readonly #clients = new Map<string, Ec2.EC2Client>();
  // client-ec2 is the largest AWS SDK package: loaded on the first spot question, not at start-up.
  #sdk: Promise<typeof Ec2> | undefined;

  constructor(options: AwsSpotOptions) {
    this.#o = options;
  }

  async quotes(q: PriceQuestion & { purchase: PurchaseOption }, options: PriceRequestOptions): Promise<OptionQuotes | undefined> {
    if (q.service !== "ec2" || q.purchase.option !== "spot") return undefined;
    if (!q.ids || q.ids.length === 0) {
      const message = "spot prices are asked per instance type: give instanceType (one or more, comma-separated)";
      throw new ApiError("invalid_request", `Amazon EC2 ${message}; a spot price is one zone's price at one moment, so there is no spot listing of a region`, {
        errors: [{ parameter: "instanceType", message }],
      });
    }
    const ids = [...new Set(q.ids)];
    const [prices, advice] = await Promise.all([this.#prices(q.region, ids, options.signal), this.#o.advisor.lookup(q.region, options.signal)]);
    const quotes = new Map<string, OptionQuote>();
    for (const id of ids) {
      const loaded = prices.get(id);
      if (!loaded || loaded.zones.length === 0) continue;
      quotes.set(id, quoteOf(id, loaded.zones, loaded.source, advice));
    }
    return { terms: [SPOT], quotes, resolved: SPOT };
  }

  /** Each type's zone prices, from the cache or one paged DescribeSpotPriceHistory for the types missing. */
  async #prices(region: string, ids: readonly string[], signal: AbortSignal | undefined) {
    const keyOf = (type: string) => `ec2:spot:${region}:${type}`;
    let loaded: Map<string, Loaded<ZonePrice[] | undefined>>;
    try {
      loaded = await this.#o.loader.loadMany<ZonePrice[]>(
        ids.map(keyOf),
        async (keys, s) => {
          const byType = await this.#describe(region, keys.map((k) => k.slice(k.lastIndexOf(":") + 1)), s);
          return new Map([...byType].map(([type, zones]) => [keyOf(type), zones]));
        },
        { signal },
      );
    } catch (error) {
      if (error instanceof UpstreamError) {
        throw fromUpstream(error, `and AWS spot prices are live only: none is cached for ${ids.join(", ")} in ${region}, and none is guessed; retry after ${error.retryAfterSeconds} s`);
      }
      throw error;
    }
    const out = new Map<string, { zones: ZonePrice[]; source: OptionQuote["source"] }>();
    for (const id of ids) {
      const hit = loaded.get(keyOf(id));
      if (hit?.value) out.set(id, { zones: hit.value, source: hit.source });
    }
    return out;
  }

  /** The current price of each type in each zone of the region (types without any are left out). */
  async #describe(region: string, types: string[], signal: AbortSignal): Promise<Map<string, ZonePrice[]>> {
    const sdk = await (this.#sdk ??= import("@aws-sdk/client-ec2"));
    const client = this.#client(sdk, region);
    const StartTime = this.#o.now();
    const items = await guardedPages<Ec2.SpotPrice>(
      this.#o.guard,
      region,
      signal,
      async (token, abortSignal) => {
        const page = await client.send(
          new sdk.DescribeSpotPriceHistoryCommand({
            InstanceTypes: types as Ec2._InstanceType[],
            ProductDescriptions: [SPOT_PRODUCT],
            StartTime,
            MaxResults: PAGE_SIZE,
            ...(token ? { NextToken: token } : {}),
          }),
          { abortSignal },
        );
        return { items: page.SpotPriceHistory, next: page.NextToken };
      },
      MAX_PAGES,
    );
    return currentByType(items, new Set(types));
  }

  #client(sdk: typeof Ec2, region: string): Ec2.EC2Client {
    let client = this.#clients.get(region);
    if (!client) {
      client = requireGuard(new sdk.EC2Client(this.#o.clientConfig(region)));
      this.#clients.set(region, client);
    }
    return client;
  }

  close(): void {
    for (const client of this.#clients.values()) client.destroy();
    this.#clients.clear();
  }
}

/**
 * The latest price per type and zone, zones in name order. Entries that are not a Linux/UNIX price of
 * an asked type with a zone, a decimal price and a timestamp are left out (never read as a price).
 */
export function currentByType(items: readonly Ec2.SpotPrice[], types: ReadonlySet<string>): Map<string, ZonePrice[]> {
  const latest = new Map<string, Map<string, ZonePrice>>();
  for (const item of items) {
    const type = item.InstanceType as string | undefined;
    const zone = item.AvailabilityZone;
    const price = item.SpotPrice;
    const at = item.Timestamp;
    if (!type || !types.has(type) || !zone || !price || !isDecimalString(price) || !(at instanceof Date) || Number.isNaN(at.getTime())) continue;
    if (item.ProductDescription !== undefined && item.ProductDescription !== SPOT_PRODUCT) continue;
    const zones = latest.get(type) ?? new Map<string, ZonePrice>();
    latest.set(type, zones);
    const timestamp = at.toISOString();
    const seen = zones.get(zone);
    if (!seen || seen.timestamp < timestamp) zones.set(zone, { zone, price: canonical(price), timestamp });
  }
  return new Map([...latest].map(([type, zones]) => [type, [...zones.values()].sort((a, b) => a.zone.localeCompare(b.zone))]));
}

/** A type's quote: the lowest zone's price (the first zone by name among equals), every zone in the note. */
export function quoteOf(id: string, zones: readonly ZonePrice[], source: OptionQuote["source"], advice: Advice): OptionQuote {
  const best = zones.reduce((a, b) => (compare(b.price, a.price) < 0 ? b : a));
  const interruption = advice.of(id);
  const note = [
    `${SPOT_PRODUCT}, lowest of ${zones.length} zone${zones.length === 1 ? "" : "s"}; per zone: ${zones.map((z) => `${z.zone} ${z.price}`).join(", ")}`,
    interruption ? advice.note : undefined,
  ]
    .filter(Boolean)
    .join("; ");
  return {
    id,
    terms: SPOT,
    recurring: best.price,
    upfront: "0",
    source,
    asOf: best.timestamp.slice(0, 10),
    availabilityZone: best.zone,
    timestamp: best.timestamp,
    note,
    ...(interruption ? { interruption } : {}),
  };
}
