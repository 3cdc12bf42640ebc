import { BudgetsClient, DescribeBudgetsCommand } from "@aws-sdk/client-budgets";
import { CostExplorerClient, GetDimensionValuesCommand } from "@aws-sdk/client-cost-explorer";
import type { EKSClient } from "@aws-sdk/client-eks";
import { DescribeServicesCommand, PricingClient } from "@aws-sdk/client-pricing";
import type { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import { addDays, utcToday } from "../../domain/dates.ts";
import { FallbackPriceProvider } from "../../pricing/fallback-provider.ts";
import { LivePriceProvider } from "../../pricing/live-provider.ts";
import { UpstreamKit } from "../compose.ts";
import type { CloudContext, ComposedCloud } from "../types.ts";
import { LiveAccountProbe } from "./account.ts";
import { AwsBudgets, BUDGETS_REGION } from "./budgets.ts";
import { AWS_OPTION_HINTS, AWS_SERVICES } from "./catalog.ts";
import { COST_EXPLORER_REGION, CostExplorerSource } from "./cost-explorer.ts";
import { classifyAwsError } from "./errors.ts";
import { requireGuard } from "./sdk.ts";
import { AwsSpotPrices } from "./spot.ts";
import { SpotAdvisor } from "./spot-advisor.ts";
import { specCatalog } from "../../fallback/specs.ts";
import { awsPriceSources, ec2OfferFetch, ec2OfferKey } from "./live-prices.ts";
import { PurchaseOptionPrices } from "../../pricing/purchase-provider.ts";
import { AwsReservedPrices } from "./reserved.ts";
import { AwsSavingsPlanPrices, SAVINGS_PLANS_REGION } from "./savings-plans.ts";
import { PriceListClient } from "./price-list.ts";
import { awsRoutes } from "./routes.ts";
import type { ResourceSource } from "./run-rate/model.ts";

/** STS is global; its endpoint in the Price List's region is as good as any. */
const STS_REGION = "us-east-1";

/**
 * AWS in live mode, complete: the Price List behind the cloud-neutral price pipeline (on demand, and
 * the Reserved terms of the same items), EC2 spot prices, Savings Plans rates, Cost Explorer, Budgets,
 * EKS and SageMaker inventories, STS. Every AWS call goes through a guard (limiter, retries, breaker);
 * every SDK client makes exactly one attempt per call, with timeouts that throw. Endpoints come from
 * the SDK's own resolution, so AWS_ENDPOINT_URL_<SERVICE> and AWS_ENDPOINT_URL are honoured.
 */
export function createLiveAws(ctx: CloudContext): ComposedCloud {
  const { config, logger, metrics, now } = ctx;
  const credentials = ctx.credentials ? { credentials: ctx.credentials } : {};
  const sdk = (region: string) => ({
    region,
    maxAttempts: 1,
    ...credentials,
    requestHandler: {
      connectionTimeout: Math.min(1_000, config.UPSTREAM_ATTEMPT_TIMEOUT_MS),
      requestTimeout: config.UPSTREAM_ATTEMPT_TIMEOUT_MS,
      throwOnRequestTimeout: true,
    },
  });
  const kit = new UpstreamKit(ctx, classifyAwsError);
  const today = () => utcToday(now());

  const pricingClient = requireGuard(new PricingClient(sdk(config.PRICING_API_REGION)));
  const pricingGuard = kit.guard("pricing", "the AWS Price List API", config.PRICING_RATE_PER_SECOND, config.PRICING_BURST);
  const priceList = new PriceListClient({
    client: pricingClient,
    guard: pricingGuard,
    endpointRegion: config.PRICING_API_REGION,
    logger,
    metrics,
  });
  const ec2Specs = specCatalog(ctx.tables.dir ?? config.FALLBACK_PRICING_DIR, "aws", "ec2");
  // One loader for on-demand prices and reserved instances: an EC2 offer (its on-demand item and the
  // Reserved terms of the same item) is fetched once per (region, type) and serves both.
  const priceLoader = kit.loader(config.PRICE_CACHE_TTL_MS);
  const prices = new LivePriceProvider({
    cloud: "aws",
    cloudTitle: "AWS",
    services: AWS_SERVICES,
    sources: awsPriceSources(priceList, ec2Specs),
    loader: priceLoader,
    fallback: new FallbackPriceProvider("aws", AWS_SERVICES, ctx.tables, "live"),
    metrics,
    logger,
  });

  // Spot: EC2 in the asked region, cached briefly (a spot price is a point in time, so it is never served
  // stale for longer than its TTL again); the Spot Advisor file is one small public S3 object.
  const spot = new AwsSpotPrices({
    clientConfig: sdk,
    guard: kit.guard("ec2", "Amazon EC2", config.EC2_RATE_PER_SECOND, config.EC2_BURST),
    loader: kit.loader(config.SPOT_PRICE_TTL_MS, { staleTtlMs: config.SPOT_PRICE_TTL_MS }),
    advisor: new SpotAdvisor({
      url: config.SPOT_ADVISOR_URL,
      guard: kit.guard("spot-advisor", "the AWS Spot Advisor file", 1, 2),
      loader: kit.loader(config.SPOT_ADVISOR_TTL_MS),
      fallbackDir: ctx.tables.dir ?? config.FALLBACK_PRICING_DIR,
      logger,
      now,
    }),
    now,
  });

  const reserved = new AwsReservedPrices({ loader: priceLoader, fetch: (region) => ec2OfferFetch(priceList, region, ec2Specs), key: ec2OfferKey });
  // Savings Plans rates: the global Savings Plans API (AWS_ENDPOINT_URL_SAVINGSPLANS honoured), its own guard and TTL.
  const savingsPlans = new AwsSavingsPlanPrices({
    clientConfig: sdk(SAVINGS_PLANS_REGION),
    guard: kit.guard("savingsplans", "AWS Savings Plans", config.SAVINGS_PLANS_RATE_PER_SECOND, config.SAVINGS_PLANS_BURST),
    loader: kit.loader(config.SAVINGS_PLANS_TTL_MS),
  });
  const optionSources = { spot, reserved, "savings-plan": savingsPlans };

  // Cost Explorer publishes no rate limit; Budgets a low one. Both are global, in us-east-1.
  const ceClient = requireGuard(new CostExplorerClient(sdk(COST_EXPLORER_REGION)));
  const ceGuard = kit.guard("cost-explorer", "AWS Cost Explorer", 5, 5);
  const costs = new CostExplorerSource({ client: ceClient, guard: ceGuard, loader: kit.loader(config.COST_CACHE_TTL_MS), metrics, now });

  const sts = requireGuard(new STSClient(sdk(STS_REGION)));
  const stsGuard = kit.guard("sts", "AWS STS", 5, 10);
  const identity = (signal: AbortSignal | undefined) => stsGuard.call(STS_REGION, (abortSignal) => sts.send(new GetCallerIdentityCommand({}), { abortSignal }), signal);
  let accountId: Promise<string> | undefined;
  const budgetsAccount = (signal?: AbortSignal) => {
    if (config.BUDGETS_ACCOUNT_ID) return Promise.resolve(config.BUDGETS_ACCOUNT_ID);
    accountId ??= identity(signal).then((who) => {
      if (!who.Account) throw new Error("STS returned no account id");
      return who.Account;
    });
    // A failed lookup is not remembered: the next request asks again.
    accountId.catch(() => {
      accountId = undefined;
    });
    return accountId;
  };
  const budgetsClient = requireGuard(new BudgetsClient(sdk(BUDGETS_REGION)));
  const budgetsGuard = kit.guard("budgets", "AWS Budgets", 5, 5);
  const budgets = new AwsBudgets({ client: budgetsClient, guard: budgetsGuard, accountId: budgetsAccount });

  // EKS and SageMaker are regional: one client per region asked about, built on first use. Their SDK
  // packages (SageMaker's alone is ~25 MB of memory) load only when a run-rate is first asked for.
  const eksClients = new Map<string, EKSClient>();
  const sagemakerClients = new Map<string, SageMakerClient>();
  const eksGuard = kit.guard("eks", "the Amazon EKS API", 10, 20);
  const sagemakerGuard = kit.guard("sagemaker", "the Amazon SageMaker API", 10, 20);
  let loaded: Promise<ResourceSource> | undefined;
  const load = () =>
    (loaded ??= (async () => {
      const [{ EKSClient }, { SageMakerClient }, { AwsResources }] = await Promise.all([
        import("@aws-sdk/client-eks"),
        import("@aws-sdk/client-sagemaker"),
        import("./aws-resources.ts"),
      ]);
      const perRegion =
        <C>(clients: Map<string, C>, make: (region: string) => C) =>
        (region: string): C => {
          let client = clients.get(region);
          if (!client) {
            client = make(region);
            clients.set(region, client);
          }
          return client;
        };
      return new AwsResources({
        eks: perRegion(eksClients, (region) => requireGuard(new EKSClient(sdk(region)))),
        sagemaker: perRegion(sagemakerClients, (region) => requireGuard(new SageMakerClient(sdk(region)))),
        eksGuard,
        sagemakerGuard,
        // Spot node groups are priced at the current spot price: the same option sources the routes use.
        prices: new PurchaseOptionPrices("aws", AWS_SERVICES, prices, ctx.tables, optionSources, AWS_OPTION_HINTS, logger),
        now,
      });
    })());
  const resources: ResourceSource = {
    origin: "live",
    eksClusters: async (region, signal) => (await load()).eksClusters(region, signal),
    sagemakerResources: async (region, signal) => (await load()).sagemakerResources(region, signal),
  };

  const account = new LiveAccountProbe(
    (signal) => identity(signal),
    // One cheap call to each API, through its guard like every other call.
    [
      {
        api: "pricing",
        call: (caller) => pricingGuard.call(config.PRICING_API_REGION, (abortSignal) => pricingClient.send(new DescribeServicesCommand({ ServiceCode: "AmazonEC2", MaxResults: 1 }), { abortSignal }), caller),
      },
      {
        api: "cost-explorer",
        call: (caller) =>
          ceGuard.call(
            COST_EXPLORER_REGION,
            (abortSignal) => ceClient.send(new GetDimensionValuesCommand({ Dimension: "SERVICE", TimePeriod: { Start: addDays(today(), -1), End: today() }, MaxResults: 1 }), { abortSignal }),
            caller,
          ),
      },
      {
        api: "budgets",
        call: async (caller) => {
          const AccountId = await budgetsAccount(caller);
          return budgetsGuard.call(BUDGETS_REGION, (abortSignal) => budgetsClient.send(new DescribeBudgetsCommand({ AccountId, MaxResults: 1 }), { abortSignal }), caller);
        },
      },
    ],
    now,
  );

  return {
    origin: "live",
    prices,
    costs,
    budgets,
    routes: [awsRoutes(resources, account)],
    components: { prices, costs, budgets, resources, account },
    guards: kit.guards,
    optionSources,
    async close() {
      await kit.close();
      spot.close();
      savingsPlans.close();
      for (const client of [pricingClient, ceClient, budgetsClient, sts, ...eksClients.values(), ...sagemakerClients.values()]) client.destroy();
    },
  };
}
