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
  const costs = new SyntheticAccount({ today });
  const budgets = new MockBudgetStore(costs, { today, ...(ctx.redis ? { redis: ctx.redis } : {}), logger: ctx.logger });
  // Spot node groups ask for spot prices: none in mock mode (live only), and the line says so.
  const resources = new MockResources(new PurchaseOptionPrices("aws", AWS_SERVICES, prices, ctx.tables, {}, AWS_OPTION_HINTS));
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
