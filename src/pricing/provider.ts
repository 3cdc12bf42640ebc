import type { LambdaFreeTier, PriceSet } from "../domain/price.ts";
import type { SageMakerComponent } from "./catalog.ts";

export interface PriceRequestOptions {
  /** Aborted when the caller gives up (client gone, request deadline). */
  signal?: AbortSignal;
}

export interface SageMakerFilter {
  component?: SageMakerComponent | undefined;
  instanceType?: string | undefined;
}

export interface LambdaPriceSet extends PriceSet {
  freeTier?: LambdaFreeTier;
}

/**
 * Answers price questions for one cloud. Implementations: the fallback tables (mock mode) and the
 * live AWS pipeline. Both throw `ApiError("price_not_available")` when nothing at all can be priced,
 * and list what they could not price in `unavailable` otherwise: never a price of "0" for missing data.
 */
export interface PriceProvider {
  eks(region: string, options?: PriceRequestOptions): Promise<PriceSet>;
  /** `instanceTypes` undefined lists every priced instance type of the region. */
  ec2(
    region: string,
    instanceTypes: readonly string[] | undefined,
    options?: PriceRequestOptions,
  ): Promise<PriceSet>;
  lambda(region: string, options?: PriceRequestOptions): Promise<LambdaPriceSet>;
  sagemaker(region: string, filter: SageMakerFilter, options?: PriceRequestOptions): Promise<PriceSet>;
}
