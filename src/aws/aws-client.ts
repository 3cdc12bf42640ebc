import type { Logger } from "pino";
import type { PriceItem, PriceSet, Source, Unavailable } from "../domain/price.ts";
import { ApiError } from "../errors.ts";
import type { Metrics } from "../observability/metrics.ts";
import { EKS_ITEMS, LAMBDA_ITEMS } from "../pricing/catalog.ts";
import type { FallbackPriceProvider } from "../pricing/fallback-provider.ts";
import type {
  LambdaPriceSet,
  PriceProvider,
  PriceRequestOptions,
  SageMakerFilter,
} from "../pricing/provider.ts";
import type { CachedLoader, Loaded } from "../resilience/cached-loader.ts";
import { UpstreamError } from "../resilience/guard.ts";
import { ec2Items, ec2Queries } from "./ec2.ts";
import { eksFargateQueries, eksItems, eksQueries, hasAllFargate } from "./eks.ts";
import { lambdaEdgeRequestQueries, lambdaItems, lambdaQueries } from "./lambda.ts";
import type { PriceListClient, PriceListProduct } from "./price-list.ts";
import type { PriceQuery } from "./products.ts";
import { sagemakerItems, sagemakerQueries } from "./sagemaker.ts";

export interface AwsClientDeps {
  priceList: PriceListClient;
  loader: CachedLoader;
  fallback: FallbackPriceProvider;
  metrics: Metrics;
  logger: Logger;
  /** Retry-After for a 503 when nothing can answer. */
  retryAfterSeconds: number;
}

const NOT_PUBLISHED = "AWS publishes no on-demand price for it in this region";

/** What the cache holds for a fixed-catalogue service: the live items found. */
interface CatalogueValue {
  items: PriceItem[];
}

/**
 * The coordinator: owns the Price List client and its guard, hands each question to the sub-client
 * that knows the service (eks.ts, ec2.ts, lambda.ts, sagemaker.ts), caches the answers, and decides
 * what to serve when AWS cannot answer: stale cache, then the fallback tables, then a 503.
 */
export class AwsClient implements PriceProvider {
  readonly #d: AwsClientDeps;

  constructor(deps: AwsClientDeps) {
    this.#d = deps;
  }

  async #products(queries: PriceQuery[], signal: AbortSignal): Promise<PriceListProduct[]> {
    const pages = await Promise.all(
      queries.map((q) => this.#d.priceList.getProducts(q.serviceCode, q.filters, signal)),
    );
    return pages.flat();
  }

  #stamp(items: PriceItem[], source: Source): PriceItem[] {
    return source === "live" ? items : items.map((item) => ({ ...item, source }));
  }

  /**
   * Serves the live path, or when AWS cannot answer (and nothing stale was cached) the fallback
   * tables; when those have nothing either, 503 naming the upstream.
   */
  async #withFallback<T extends PriceSet>(
    what: string,
    live: () => Promise<T>,
    fallback: () => Promise<T>,
  ): Promise<T> {
    try {
      const answer = await live();
      this.#d.metrics.answers.inc({ source: answer.items[0]?.source ?? "live" });
      return answer;
    } catch (error) {
      if (!(error instanceof UpstreamError) || error.kind === "aborted") throw error;
      this.#d.logger.warn(
        { what, api: error.api, kind: error.kind, code: error.code, err: error.message },
        "AWS price lookup failed; serving the fallback tables",
      );
      try {
        const answer = await fallback();
        this.#d.metrics.answers.inc({ source: "fallback" });
        return answer;
      } catch (fallbackError) {
        if (fallbackError instanceof ApiError && fallbackError.code === "price_not_available") {
          throw new ApiError(
            "upstream_unavailable",
            `the AWS Price List API (${this.#d.priceList.endpointRegion}) is unavailable (${error.kind}) and no cached or fallback price can answer for ${what}`,
            { headers: { "retry-after": String(this.#d.retryAfterSeconds) }, cause: error },
          );
        }
        throw fallbackError;
      }
    }
  }

  #catalogue<Id extends string>(what: string, ids: readonly Id[], loaded: Loaded<CatalogueValue>): PriceSet {
    const found = new Map(loaded.value.items.map((item) => [item.id, item]));
    if (found.size === 0) throw new ApiError("price_not_available", `AWS publishes no ${what} prices`);
    const items: PriceItem[] = [];
    const unavailable: Unavailable[] = [];
    for (const id of ids) {
      const item = found.get(id);
      if (item) items.push(item);
      else unavailable.push({ id, reason: NOT_PUBLISHED });
    }
    return { items: this.#stamp(items, loaded.source), unavailable };
  }

  async eks(region: string, options: PriceRequestOptions = {}): Promise<PriceSet> {
    return this.#withFallback(
      `EKS in ${region}`,
      async () => {
        const loaded = await this.#d.loader.load<CatalogueValue>(
          `eks:${region}`,
          async (signal) => {
            const items = eksItems(region, await this.#products(eksQueries(region), signal));
            if (items.size > 0 && !hasAllFargate(items)) {
              // Fargate for EKS is also priced in the AmazonECS offer; ask it for what is missing.
              for (const [id, item] of eksItems(
                region,
                await this.#products(eksFargateQueries(region), signal),
              )) {
                if (!items.has(id)) items.set(id, item);
              }
            }
            return { items: [...items.values()] };
          },
          { signal: options.signal, isNotFound: (v) => v.items.length === 0 },
        );
        return this.#catalogue(`EKS in ${region}`, Object.keys(EKS_ITEMS), loaded);
      },
      () => this.#d.fallback.eks(region),
    );
  }

  async lambda(region: string, options: PriceRequestOptions = {}): Promise<LambdaPriceSet> {
    const freeTier = (await this.#d.fallback.lambdaFreeTier()) ?? undefined;
    const set = await this.#withFallback<LambdaPriceSet>(
      `Lambda in ${region}`,
      async () => {
        const [regional, edge] = await Promise.all([
          this.#d.loader.load<PriceListProduct[]>(
            `lambda:${region}`,
            (signal) => this.#products(lambdaQueries(region), signal),
            {
              signal: options.signal,
              isNotFound: (v) => v.length === 0,
            },
          ),
          this.#d.loader.load<PriceListProduct[]>(
            "lambda-edge-requests:all",
            (signal) => this.#products(lambdaEdgeRequestQueries(), signal),
            { signal: options.signal },
          ),
        ]);
        const items = lambdaItems(region, [...regional.value, ...edge.value]);
        // The older of the two answers says how fresh the whole set is.
        const source = regional.source === "live" ? edge.source : regional.source;
        return this.#catalogue(`Lambda in ${region}`, Object.keys(LAMBDA_ITEMS), {
          value: { items: [...items.values()] },
          source,
          storedAt: regional.storedAt,
        });
      },
      () => this.#d.fallback.lambda(region),
    );
    return freeTier ? { ...set, freeTier } : set;
  }

  async ec2(
    region: string,
    instanceTypes: readonly string[] | undefined,
    options: PriceRequestOptions = {},
  ): Promise<PriceSet> {
    return this.#withFallback(
      `EC2 in ${region}`,
      async () => {
        if (!instanceTypes) {
          const loaded = await this.#d.loader.load<PriceItem[]>(
            `ec2:${region}:*`,
            async (signal) => [
              ...ec2Items(region, await this.#products(ec2Queries(region), signal)).values(),
            ],
            { signal: options.signal, isNotFound: (v) => v.length === 0 },
          );
          if (loaded.value.length === 0)
            throw new ApiError("price_not_available", `AWS publishes no EC2 prices for ${region}`);
          return { items: this.#stamp(loaded.value, loaded.source), unavailable: [] };
        }
        const keyOf = (type: string) => `ec2:${region}:${type}`;
        const loaded = await this.#d.loader.loadMany<PriceItem>(
          instanceTypes.map(keyOf),
          async (keys, signal) => {
            const types = keys.map((k) => k.slice(k.lastIndexOf(":") + 1));
            const found = ec2Items(region, await this.#products(ec2Queries(region, types), signal));
            return new Map([...found].map(([type, item]) => [keyOf(type), item]));
          },
          { signal: options.signal },
        );
        const items: PriceItem[] = [];
        const unavailable: Unavailable[] = [];
        for (const type of instanceTypes) {
          const hit = loaded.get(keyOf(type));
          if (hit?.value) items.push(...this.#stamp([hit.value], hit.source));
          else unavailable.push({ id: type, reason: NOT_PUBLISHED });
        }
        if (items.length === 0) {
          throw new ApiError(
            "price_not_available",
            `AWS publishes no on-demand Linux price for instance type ${instanceTypes.join(", ")} in ${region}`,
          );
        }
        return { items, unavailable };
      },
      () => this.#d.fallback.ec2(region, instanceTypes),
    );
  }

  async sagemaker(
    region: string,
    filter: SageMakerFilter,
    options: PriceRequestOptions = {},
  ): Promise<PriceSet> {
    const q = { component: filter.component, instanceType: filter.instanceType };
    return this.#withFallback(
      `SageMaker in ${region}`,
      async () => {
        const loaded = await this.#d.loader.load<PriceItem[]>(
          `sagemaker:${region}:${q.component ?? "*"}:${q.instanceType ?? "*"}`,
          async (signal) =>
            sagemakerItems(region, await this.#products(sagemakerQueries(region, q), signal), q),
          { signal: options.signal, isNotFound: (v) => v.length === 0 },
        );
        if (loaded.value.length === 0) {
          const asked = [q.component, q.instanceType].filter(Boolean).join(" ");
          throw new ApiError(
            "price_not_available",
            `AWS publishes no SageMaker ${asked} prices for ${region}`,
          );
        }
        return { items: this.#stamp(loaded.value, loaded.source), unavailable: [] };
      },
      () => this.#d.fallback.sagemaker(region, filter),
    );
  }
}
