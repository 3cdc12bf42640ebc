import type { PriceItem, PriceQuestion } from "../../domain/price.ts";
import type { Listing, LiveContext, LiveServiceSource } from "../../pricing/live-provider.ts";
import type { SageMakerComponent } from "./catalog.ts";
import type { FetchMany } from "../../resilience/cached-loader.ts";
import { type Ec2Offer, ec2Items, ec2Offers, ec2Queries } from "./ec2.ts";
import { eksFargateQueries, eksItems, eksQueries, hasAllFargate } from "./eks.ts";
import { lambdaEdgeRequestQueries, lambdaItems, lambdaQueries } from "./lambda.ts";
import type { SpecsOf } from "../../fallback/specs.ts";
import type { PriceListClient, PriceListProduct } from "./price-list.ts";
import type { PriceQuery } from "./products.ts";
import { sagemakerItems, sagemakerQueries } from "./sagemaker.ts";

/** Runs a set of Price List query sequences (each paged, each page one guarded call) and merges them. */
function products(priceList: PriceListClient, queries: PriceQuery[], signal: AbortSignal): Promise<PriceListProduct[]> {
  return Promise.all(queries.map((q) => priceList.getProducts(q.serviceCode, q.filters, signal))).then((pages) => pages.flat());
}

/** The cache key of one instance type's offer (on-demand item and Reserved terms) in a region. */
export const ec2OfferKey = (region: string, type: string) => `ec2:offer:${region}:${type}`;

/**
 * Fetches the offers of the instance types behind `keys` in one GetProducts query sequence (one
 * ANY_OF filter per 50 types): the on-demand price source and the reserved option source share it, and
 * through one loader they share each flight and each cached offer.
 */
export function ec2OfferFetch(priceList: PriceListClient, region: string, ec2Specs?: SpecsOf): FetchMany<Ec2Offer> {
  return async (keys, signal) => {
    const types = keys.map((k) => k.slice(k.lastIndexOf(":") + 1));
    const found = ec2Offers(region, await products(priceList, ec2Queries(region, types), signal), ec2Specs);
    return new Map([...found].map(([type, offer]) => [ec2OfferKey(region, type), offer]));
  };
}

/**
 * The AWS Price List as live sources, one per service: each turns a question into filtered GetProducts
 * query sequences (eks.ts, ec2.ts, lambda.ts, sagemaker.ts know the filters and usage types) and the
 * products back into items. Caching, fallback and provenance are the cloud-neutral pipeline's.
 */
export function awsPriceSources(priceList: PriceListClient, ec2Specs?: SpecsOf): Record<string, LiveServiceSource> {
  const eks: LiveServiceSource = {
    async list(q, ctx) {
      const loaded = await ctx.load<PriceItem[]>(
        `eks:${q.region}`,
        async (signal) => {
          const items = eksItems(q.region, await products(priceList, eksQueries(q.region), signal));
          if (items.size > 0 && !hasAllFargate(items)) {
            // Fargate for EKS is also priced in the AmazonECS offer; ask it for what is missing.
            for (const [id, item] of eksItems(q.region, await products(priceList, eksFargateQueries(q.region), signal))) {
              if (!items.has(id)) items.set(id, item);
            }
          }
          return [...items.values()];
        },
        (v) => v.length === 0,
      );
      return { items: loaded.value, source: loaded.source };
    },
  };

  const lambda: LiveServiceSource = {
    async list(q, ctx) {
      const [regional, edge] = await Promise.all([
        ctx.load<PriceListProduct[]>(`lambda:${q.region}`, (signal) => products(priceList, lambdaQueries(q.region), signal), (v) => v.length === 0),
        ctx.load<PriceListProduct[]>("lambda-edge-requests:all", (signal) => products(priceList, lambdaEdgeRequestQueries(), signal)),
      ]);
      // The older of the two answers says how fresh the whole set is.
      const source = regional.source === "live" ? edge.source : regional.source;
      return { items: [...lambdaItems(q.region, [...regional.value, ...edge.value]).values()], source };
    },
  };

  const ec2: LiveServiceSource = {
    async list(q, ctx) {
      const loaded = await ctx.load<PriceItem[]>(
        `ec2:${q.region}:*`,
        // Every type of the region: one query sequence, paged under the Price List quota, cached whole.
        async (signal) => [...ec2Items(q.region, await products(priceList, ec2Queries(q.region), signal), ec2Specs).values()],
        (v) => v.length === 0,
      );
      return { items: loaded.value, source: loaded.source };
    },
    async byIds(q, ctx) {
      const keyOf = (type: string) => ec2OfferKey(q.region, type);
      const loaded = await ctx.loadMany<Ec2Offer>(q.ids.map(keyOf), ec2OfferFetch(priceList, q.region, ec2Specs));
      return new Map(
        q.ids.map((id) => {
          const hit = loaded.get(keyOf(id));
          return [id, hit ? { ...hit, value: hit.value?.item } : { value: undefined, source: "live", storedAt: 0 }];
        }),
      );
    },
  };

  const sagemaker: LiveServiceSource = {
    async list(q: PriceQuestion, ctx: LiveContext): Promise<Listing> {
      const filter = {
        component: q.filter?.component as SageMakerComponent | undefined,
        instanceType: q.filter?.instanceType,
      };
      const loaded = await ctx.load<PriceItem[]>(
        `sagemaker:${q.region}:${filter.component ?? "*"}:${filter.instanceType ?? "*"}`,
        async (signal) => sagemakerItems(q.region, await products(priceList, sagemakerQueries(q.region, filter), signal), filter),
        (v) => v.length === 0,
      );
      return { items: loaded.value, source: loaded.source };
    },
  };

  return { eks, lambda, ec2, sagemaker };
}
