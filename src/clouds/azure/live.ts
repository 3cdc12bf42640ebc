import { specCatalog } from "../../fallback/specs.ts";
import { FallbackPriceProvider } from "../../pricing/fallback-provider.ts";
import { LivePriceProvider } from "../../pricing/live-provider.ts";
import { UpstreamKit } from "../compose.ts";
import type { CloudContext, ComposedCloud } from "../types.ts";
import { AZURE_SERVICES } from "./catalog.ts";
import { classifyAzureError } from "./errors.ts";
import { azurePriceSources } from "./live-prices.ts";
import { AzurePrices } from "./ml.ts";
import { AzureVmOptionPrices } from "./option-prices.ts";
import { RETAIL_PRICES_API, RETAIL_PRICES_TITLE, RetailPricesClient } from "./retail-prices.ts";

/**
 * Azure in live mode, complete: the Retail Prices API (no authentication, at AZURE_RETAIL_PRICES_URL)
 * behind the cloud-neutral price pipeline, every page through one guard (the fleet's quota shared in
 * Redis, retries honouring Retry-After, a breaker), the fallback tables as the last resort; VM
 * reservations, savings plans and Spot from the same API. Azure has no cost or budget API here.
 */
export function createLiveAzure(ctx: CloudContext): ComposedCloud {
  const { config, logger, metrics, now } = ctx;
  const kit = new UpstreamKit(ctx, classifyAzureError);
  const guard = kit.guard(RETAIL_PRICES_API, RETAIL_PRICES_TITLE, config.AZURE_RETAIL_PRICES_RATE_PER_SECOND, config.AZURE_RETAIL_PRICES_BURST);
  const client = new RetailPricesClient({ baseUrl: config.AZURE_RETAIL_PRICES_URL, guard, logger, metrics });
  const loader = kit.loader(config.PRICE_CACHE_TTL_MS);
  const prices = new AzurePrices(
    new LivePriceProvider({
      cloud: "azure",
      cloudTitle: "Azure",
      services: AZURE_SERVICES,
      sources: azurePriceSources({ client, vmSpecs: specCatalog(ctx.tables.dir ?? config.FALLBACK_PRICING_DIR, "azure", "vm"), now, logger }),
      loader,
      fallback: new FallbackPriceProvider("azure", AZURE_SERVICES, ctx.tables, "live"),
      metrics,
      logger,
    }),
  );
  // VM reservations, savings plans and Spot from the same API, client and cache (the tables when it fails).
  const vmOptions = new AzureVmOptionPrices({ client, loader, now, logger });
  return kit.pricesOnly(prices, { reserved: vmOptions, "savings-plan": vmOptions, spot: vmOptions });
}
