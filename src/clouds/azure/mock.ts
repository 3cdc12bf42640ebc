import { FallbackPriceProvider } from "../../pricing/fallback-provider.ts";
import type { CloudContext, ComposedCloud } from "../types.ts";
import { AZURE_SERVICES } from "./catalog.ts";
import { AzurePrices } from "./ml.ts";

/** Azure in mock mode, complete: published list prices from the fallback tables. Nothing here calls Azure. */
export function createMockAzure(ctx: CloudContext): ComposedCloud {
  const prices = new AzurePrices(new FallbackPriceProvider("azure", AZURE_SERVICES, ctx.tables, "mock"));
  return {
    origin: "mock",
    prices,
    components: { prices },
    guards: [],
    close: async () => undefined,
  };
}
