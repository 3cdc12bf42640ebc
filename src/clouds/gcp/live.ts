import { allStatedSpecs } from "../../fallback/specs.ts";
import type { InstanceSpecs } from "../../domain/price.ts";
import { FallbackPriceProvider } from "../../pricing/fallback-provider.ts";
import { LivePriceProvider } from "../../pricing/live-provider.ts";
import { UpstreamKit } from "../compose.ts";
import type { CloudContext, ComposedCloud } from "../types.ts";
import { BillingCatalogClient } from "./billing-client.ts";
import { GcpComputeOptions } from "./compute-options.ts";
import { GCP_SERVICES } from "./catalog.ts";
import { classifyGcpError } from "./errors.ts";
import { CATALOG_TITLE, GcpCatalog, gcpPriceSources } from "./live-prices.ts";

/** Why GCP answers from the tables in live mode without a key (healthz, the start-up log). */
export const NO_KEY_REASON = "GCP_API_KEY is not set: Google Cloud prices come from the fallback tables";

/**
 * Google Cloud in live mode, complete: the Cloud Billing Catalog behind the cloud-neutral price
 * pipeline (cache → live → stale → fallback → 503), one guard with the project's quota (300 requests a
 * minute, shared through Redis), retries there and nowhere else. Without GCP_API_KEY there is nothing
 * to be live with: prices come from the fallback tables, stamped `fallback`, and the status says why.
 * Compute Engine commitments and Spot VMs are composed from the same book (compute-options.ts).
 */
export function createLiveGcp(ctx: CloudContext): ComposedCloud {
  const { config, logger, metrics, tables } = ctx;
  const fallback = new FallbackPriceProvider("gcp", GCP_SERVICES, tables, "live");
  if (!config.GCP_API_KEY) {
    logger.warn(NO_KEY_REASON);
    return {
      origin: "live",
      prices: fallback,
      components: { prices: fallback },
      guards: [],
      status: { prices: "fallback", reason: NO_KEY_REASON },
      close: async () => undefined,
    };
  }
  // A page of 5,000 SKUs takes longer than the other upstreams' calls: its own attempt deadline.
  const pageDeadlines = { UPSTREAM_ATTEMPT_TIMEOUT_MS: config.GCP_BILLING_ATTEMPT_TIMEOUT_MS, UPSTREAM_DEADLINE_MS: Math.max(config.UPSTREAM_DEADLINE_MS, 2 * config.GCP_BILLING_ATTEMPT_TIMEOUT_MS) };
  const kit = new UpstreamKit({ ...ctx, config: { ...config, ...pageDeadlines } }, classifyGcpError);
  const guard = kit.guard("cloud-billing", CATALOG_TITLE, config.GCP_BILLING_REQUESTS_PER_MINUTE / 60, config.GCP_BILLING_BURST);
  const client = new BillingCatalogClient({ baseUrl: config.GCP_CLOUD_BILLING_URL, apiKey: config.GCP_API_KEY, guard, logger, metrics });
  const loader = kit.loader(config.PRICE_CACHE_TTL_MS);
  const catalog = new GcpCatalog({ client, loader, logger, now: ctx.now, waitMs: config.GCP_CATALOG_WAIT_MS });
  const stated = allStatedSpecs(tables.dir ?? config.FALLBACK_PRICING_DIR, "gcp", "compute");
  let machineTypes: ReadonlyMap<string, InstanceSpecs> | undefined;
  const types = () => (machineTypes ??= new Map([...stated()].map(([id, s]) => [id, s.specs])));
  const prices = new LivePriceProvider({
    cloud: "gcp",
    cloudTitle: "Google Cloud",
    services: GCP_SERVICES,
    sources: gcpPriceSources(catalog, types),
    loader,
    fallback,
    metrics,
    logger,
  });
  // Commitments and Spot VMs from the same catalogue, client, guard and cached Compute Engine book.
  const options = new GcpComputeOptions(catalog, types);
  return kit.pricesOnly(prices, { reserved: options, spot: options });
}
