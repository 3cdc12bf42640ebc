import { utcToday } from "../../domain/dates.ts";
import { FallbackPriceProvider } from "../../pricing/fallback-provider.ts";
import type { CloudContext, ComposedCloud } from "../types.ts";
import { MockAccountProbe } from "./account.ts";
import { PurchaseOptionPrices } from "../../pricing/purchase-provider.ts";
import { AWS_OPTION_HINTS, AWS_SERVICES } from "./catalog.ts";
import { MockBudgetStore } from "./mock/mock-budgets.ts";
import { MockResources } from "./mock/resources.ts";
import { SyntheticAccount } from "./mock/synthetic-account.ts";
import { awsRoutes } from "./routes.ts";

/**
 * AWS in mock mode, complete: published list prices from the fallback tables, and a believable
 * synthetic account (costs, forecasts, budgets, running resources) on the injected clock. Budgets
 * created here are kept (in Redis when present). Nothing here calls AWS.
 */
export function createMockAws(ctx: CloudContext): ComposedCloud {
  const today = () => utcToday(ctx.now());
  const prices = new FallbackPriceProvider("aws", AWS_SERVICES, ctx.tables, "mock");
  // Spot node groups ask for spot prices: none in mock mode (live only), and the line says so.
  const resourcePrices = new PurchaseOptionPrices("aws", AWS_SERVICES, prices, ctx.tables, {}, AWS_OPTION_HINTS);
  // One story on one clock: what runs (resources) and what it cost (costs) come from the same
  // inventory, priced by the same provider, as of the services' `now`.
  const costs = new SyntheticAccount({ today, prices: resourcePrices });
  const budgets = new MockBudgetStore(costs, { today, ...(ctx.redis ? { redis: ctx.redis } : {}), logger: ctx.logger });
  const resources = new MockResources(resourcePrices, ctx.now);
  const account = new MockAccountProbe(ctx.now);
  return {
    origin: "mock",
    prices,
    costs,
    budgets,
    routes: [awsRoutes(resources, account)],
    components: { prices, costs, budgets, resources, account },
    guards: [],
    close: async () => undefined,
  };
}
