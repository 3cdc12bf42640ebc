import type { PriceItem, PriceProvider, PriceQuestion, PriceRequestOptions, PriceSet } from "../../domain/price.ts";
import { ApiError } from "../../errors.ts";
import { ML_COMPUTE_PREFIX, mlVmSize } from "./catalog.ts";

function mlItem(vm: PriceItem): PriceItem {
  return {
    ...vm,
    id: `${ML_COMPUTE_PREFIX}${vm.id}`,
    description: `Azure Machine Learning compute instance or compute cluster node on ${vm.id}, billed at the VM's Linux pay-as-you-go price: ${vm.description}`,
    ...(vm.sku ? { sku: `${vm.sku} (the Virtual Machines price of ${vm.id})` } : {}),
  };
}

/**
 * Azure's prices, with Azure Machine Learning compute answered from the VM prices it is billed at:
 * `compute.<vmSize>` is the VM's Linux pay-as-you-go item (live, cached or from the tables, as the VM
 * answer is), relabelled and saying so. Every other service goes to the cloud's provider unchanged.
 */
export class AzurePrices implements PriceProvider {
  readonly origin: "live" | "mock";
  readonly #inner: PriceProvider;

  constructor(inner: PriceProvider) {
    this.#inner = inner;
    this.origin = inner.origin;
  }

  async price(q: PriceQuestion, options?: PriceRequestOptions): Promise<PriceSet> {
    if (q.service !== "ml") return this.#inner.price(q, options);
    const sizes = q.ids?.map((id) => mlVmSize(id) ?? id);
    let set: PriceSet;
    try {
      set = await this.#inner.price({ ...q, service: "vm", ids: sizes }, options);
    } catch (error) {
      if (error instanceof ApiError && error.code === "price_not_available") {
        throw new ApiError("price_not_available", `no Azure Machine Learning compute price (billed at the VM price): ${error.message}`, { cause: error });
      }
      throw error;
    }
    return {
      items: set.items.map(mlItem),
      unavailable: set.unavailable.map((u) => ({ id: `${ML_COMPUTE_PREFIX}${u.id}`, reason: u.reason })),
    };
  }
}
