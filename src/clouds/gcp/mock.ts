import { FallbackPriceProvider } from "../../pricing/fallback-provider.ts";
import type { CloudContext, ComposedCloud } from "../types.ts";
import { GCP_SERVICES } from "./catalog.ts";

/** Google Cloud in mock mode, complete: the published list prices of the fallback tables. Nothing here calls Google. */
export function createMockGcp(ctx: CloudContext): ComposedCloud {
  const prices = new FallbackPriceProvider("gcp", GCP_SERVICES, ctx.tables, "mock");
  return { origin: "mock", prices, components: { prices }, guards: [], close: async () => undefined };
}
