import { readFileSync } from "node:fs";
import { BudgetsClient, DescribeBudgetsCommand } from "@aws-sdk/client-budgets";
import { CostExplorerClient, GetDimensionValuesCommand } from "@aws-sdk/client-cost-explorer";
import { DescribeServicesCommand, PricingClient } from "@aws-sdk/client-pricing";
import { GetCallerIdentityCommand, STSClient } from "@aws-sdk/client-sts";
import type { AwsCredentialIdentity } from "@smithy/types";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { AppServices } from "./app.ts";
import { AwsClient } from "./aws/aws-client.ts";
import { type AccountProbe, LiveAccountProbe, MockAccountProbe } from "./aws/account.ts";
import type { EKSClient } from "@aws-sdk/client-eks";
import type { SageMakerClient } from "@aws-sdk/client-sagemaker";
import { AwsBudgets, BUDGETS_REGION } from "./aws/budgets.ts";
import type { ResourceSource } from "./aws/run-rate.ts";
import { MockResources } from "./mock/resources.ts";
import { COST_EXPLORER_REGION, CostExplorerSource } from "./aws/cost-explorer.ts";
import type { ModeDecision } from "./aws/mode.ts";
import { IdempotencyStore } from "./budgets/idempotency.ts";
import type { BudgetSource } from "./domain/budgets.ts";
import type { CostSource } from "./domain/costs.ts";
import { addDays, utcToday } from "./domain/dates.ts";
import { MockBudgetStore } from "./mock/mock-budgets.ts";
import { SyntheticAccount } from "./mock/synthetic-account.ts";
import { PriceListClient } from "./aws/price-list.ts";
import type { Config } from "./config.ts";
import type { FallbackTables } from "./fallback/tables.ts";
import { type ApiKey, KeyConfigError, KeyRing, parseKeyEntries } from "./http/auth.ts";
import { InboundRateLimits } from "./http/rate-limit.ts";
import { Metrics } from "./observability/metrics.ts";
import { FallbackPriceProvider } from "./pricing/fallback-provider.ts";
import { LruStore, RedisStore, TieredCache } from "./resilience/cache.ts";
import { CachedLoader } from "./resilience/cached-loader.ts";
import type { Guard } from "./resilience/guard.ts";
import type { UpstreamLimiter } from "./resilience/limiter.ts";
import { FetchLock } from "./resilience/lock.ts";
import { createRedis } from "./resilience/redis.ts";
import { createUpstreamGuard } from "./resilience/upstream-guard.ts";

export interface ServiceDeps {
  config: Config;
  logger: Logger;
  /** Where the one line per request goes (defaults to `logger`). */
  requestLogger?: Logger;
  mode: ModeDecision;
  tables: FallbackTables;
  version: string;
  /** Tests pass fake static credentials; production uses the SDK's default chain. */
  credentials?: AwsCredentialIdentity;
  /** The clock (tests pin it). */
  now?: () => Date;
}

/** What the process owns and must close on shutdown, besides the HTTP server. */
export interface Services extends AppServices {
  metrics: Metrics;
  guards: Guard[];
  cache: TieredCache;
  redis: Redis | undefined;
  /** Set on SIGTERM: readiness answers 503 from then on. */
  lifecycle: { shuttingDown: boolean };
  /** How requests are authenticated, for the start-up line. */
  authSummary: string;
  close(): Promise<void>;
}

/** The configuration would start an unsafe or unusable service: the message says what to set. */
export class StartupError extends Error {
  override name = "StartupError";
}

function loadKeys(config: Config): ApiKey[] {
  const keys: ApiKey[] = [];
  if (config.auth.keysJson) keys.push(...parseKeyEntries(config.auth.keysJson, "PRICEBOOK_API_KEYS"));
  if (config.auth.keysFile) {
    let text: string;
    try {
      text = readFileSync(config.auth.keysFile, "utf8");
    } catch (error) {
      throw new KeyConfigError(`PRICEBOOK_API_KEYS_FILE ${config.auth.keysFile}: ${(error as Error).message}`);
    }
    keys.push(...parseKeyEntries(text, `PRICEBOOK_API_KEYS_FILE ${config.auth.keysFile}`));
  }
  return keys;
}

/**
 * Secure by default: with auth on, configured keys are required; live mode without keys refuses to
 * start unless the operator turned auth off on purpose; mock mode without keys runs open and says so.
 */
function authFor(config: Config, mode: ModeDecision): { keyRing: KeyRing | undefined; summary: string } {
  if (!config.auth.enabled) return { keyRing: undefined, summary: "auth OFF (PRICEBOOK_AUTH=off)" };
  const keys = loadKeys(config);
  if (keys.length > 0) return { keyRing: new KeyRing(keys), summary: `auth on (${keys.length} API keys)` };
  if (mode.mode === "live") {
    throw new StartupError(
      "refusing to start in live mode without API keys: set PRICEBOOK_API_KEYS or PRICEBOOK_API_KEYS_FILE (npm run key:create makes one), or PRICEBOOK_AUTH=off to run open on purpose",
    );
  }
  return { keyRing: undefined, summary: "auth OFF: mock mode with no API keys configured, every request is allowed" };
}

/** The composition root: every long-lived service is built here, once. */
export function createServices(deps: ServiceDeps): Services {
  const { config, logger, mode, tables } = deps;
  const auth = authFor(config, mode);
  const metrics = new Metrics();
  const fallback = new FallbackPriceProvider(tables);
  const redis = config.redisUrl ? createRedis(config.redisUrl, logger, "cache") : undefined;
  const cache = new TieredCache(
    new LruStore(config.cache.maxBytes),
    redis ? new RedisStore(redis, metrics) : undefined,
    metrics,
  );
  const closers: Array<() => Promise<unknown>> = [];
  const guards: Guard[] = [];

  const now = deps.now ?? (() => new Date());
  const today = () => utcToday(now());
  let prices = fallback as AppServices["prices"];
  let account: AccountProbe = new MockAccountProbe();
  let resources: ResourceSource = new MockResources(fallback);
  let costs: CostSource;
  let budgets: BudgetSource;

  if (mode.mode === "live") {
    const credentials = deps.credentials ? { credentials: deps.credentials } : {};
    // Retries live in the guards alone: every SDK client makes exactly one attempt per call, with
    // timeouts that throw. Endpoints come from the SDK's own resolution, so AWS_ENDPOINT_URL_<SERVICE>
    // and AWS_ENDPOINT_URL are honoured.
    const sdk = (region: string) => ({
      region,
      maxAttempts: 1,
      ...credentials,
      requestHandler: {
        connectionTimeout: Math.min(1_000, config.upstream.attemptTimeoutMs),
        requestTimeout: config.upstream.attemptTimeoutMs,
        throwOnRequestTimeout: true,
      },
    });
    const limiters: UpstreamLimiter[] = [];
    /** One guard per upstream API: its limiter (shared through Redis), retries, deadlines, breakers. */
    const guardFor = (api: string, ratePerSecond: number, burst: number) => {
      const { guard, limiter } = createUpstreamGuard(config, api, { ratePerSecond, burst }, { redis, metrics, logger });
      limiters.push(limiter);
      guards.push(guard);
      return guard;
    };
    const loaderFor = (ttlMs: number) =>
      new CachedLoader({
        cache,
        lock: redis ? new FetchLock(redis) : undefined,
        ttlMs,
        notFoundTtlMs: config.priceNotFoundTtlMs,
        staleTtlMs: config.cache.staleTtlMs,
        jitter: 0.1,
        lockTtlMs: config.cache.lockTtlMs,
        lockWaitMs: config.cache.lockWaitMs,
        metrics,
        logger,
      });

    const pricingGuard = guardFor("pricing", config.pricing.ratePerSecond, config.pricing.burst);
    const pricingClient = new PricingClient(sdk(config.pricingApiRegion));
    prices = new AwsClient({
      priceList: new PriceListClient({ client: pricingClient, guard: pricingGuard, endpointRegion: config.pricingApiRegion, logger, metrics }),
      loader: loaderFor(config.priceCacheTtlMs),
      fallback,
      metrics,
      logger,
      retryAfterSeconds: Math.ceil(config.breaker.resetTimeoutMs / 1000),
    });

    // Cost Explorer publishes no rate limit; Budgets a low one. Both are global, in us-east-1.
    const ceClient = new CostExplorerClient(sdk(COST_EXPLORER_REGION));
    costs = new CostExplorerSource({ client: ceClient, guard: guardFor("cost-explorer", 5, 5), loader: loaderFor(config.costCacheTtlMs), metrics });

    const sts = new STSClient(sdk(config.pricingApiRegion));
    let accountId: Promise<string> | undefined;
    const budgetsAccount = () => {
      if (config.budgetsAccountId) return Promise.resolve(config.budgetsAccountId);
      accountId ??= sts.send(new GetCallerIdentityCommand({})).then((who) => {
        if (!who.Account) throw new Error("STS returned no account id");
        return who.Account;
      });
      accountId.catch(() => {
        accountId = undefined;
      });
      return accountId;
    };
    const budgetsClient = new BudgetsClient(sdk(BUDGETS_REGION));
    budgets = new AwsBudgets({ client: budgetsClient, guard: guardFor("budgets", 5, 5), accountId: budgetsAccount });

    // EKS and SageMaker are regional: one client per region asked about, built on first use. Their SDK
    // packages (SageMaker's alone is ~25 MB of memory) load only when a run-rate is first asked for.
    const eksClients = new Map<string, EKSClient>();
    const sagemakerClients = new Map<string, SageMakerClient>();
    const eksGuard = guardFor("eks", 10, 20);
    const sagemakerGuard = guardFor("sagemaker", 10, 20);
    const livePrices = prices;
    let loaded: Promise<ResourceSource> | undefined;
    const load = () =>
      (loaded ??= (async () => {
        const [{ EKSClient }, { SageMakerClient }, { AwsResources }] = await Promise.all([
          import("@aws-sdk/client-eks"),
          import("@aws-sdk/client-sagemaker"),
          import("./aws/aws-resources.ts"),
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
          eks: perRegion(eksClients, (region) => new EKSClient(sdk(region))),
          sagemaker: perRegion(sagemakerClients, (region) => new SageMakerClient(sdk(region))),
          eksGuard,
          sagemakerGuard,
          prices: livePrices,
        });
      })());
    resources = {
      eksClusters: async (region, signal) => (await load()).eksClusters(region, signal),
      sagemakerResources: async (region, signal) => (await load()).sagemakerResources(region, signal),
    };

    account = new LiveAccountProbe(sts, [
      { api: "pricing", call: (abortSignal) => pricingClient.send(new DescribeServicesCommand({ ServiceCode: "AmazonEC2", MaxResults: 1 }), { abortSignal }) },
      {
        api: "cost-explorer",
        call: (abortSignal) => ceClient.send(new GetDimensionValuesCommand({ Dimension: "SERVICE", TimePeriod: { Start: addDays(today(), -1), End: today() }, MaxResults: 1 }), { abortSignal }),
      },
      { api: "budgets", call: async (abortSignal) => budgetsClient.send(new DescribeBudgetsCommand({ AccountId: await budgetsAccount(), MaxResults: 1 }), { abortSignal }) },
    ]);

    closers.push(async () => {
      for (const guard of guards) guard.shutdown();
      for (const limiter of limiters) await limiter.close();
      for (const client of [pricingClient, ceClient, budgetsClient, sts, ...eksClients.values(), ...sagemakerClients.values()]) client.destroy();
    });
  } else {
    // Mock mode: a believable synthetic account; budgets created here are kept (in Redis when present).
    const synthetic = new SyntheticAccount({ today });
    costs = synthetic;
    budgets = new MockBudgetStore(synthetic, { today, ...(redis ? { redis } : {}), logger });
  }
  if (redis)
    closers.push(() =>
      redis.quit().catch((e: Error) => logger.warn({ err: e.message }, "closing cache redis")),
    );

  const lifecycle = { shuttingDown: false };
  const rows = [...tables.allRows()].length;
  return {
    mode: mode.mode,
    version: deps.version,
    logger,
    ...(deps.requestLogger ? { requestLogger: deps.requestLogger } : {}),
    prices,
    resources,
    metrics,
    guards,
    cache,
    redis,
    lifecycle,
    keyRing: auth.keyRing,
    authSummary: auth.summary,
    rateLimits: new InboundRateLimits(
      {
        "prices:read": config.rateLimits.prices,
        "costs:read": config.rateLimits.costs,
        "budgets:read": config.rateLimits.budgetsRead,
        "budgets:write": config.rateLimits.budgetsWrite,
      },
      redis,
    ),
    account,
    costs,
    budgets,
    idempotency: new IdempotencyStore(redis),
    today,
    http: config.http,
    metricsKeySha256: config.auth.metricsKeySha256,
    readiness() {
      const breakers: Record<string, Record<string, string>> = {};
      for (const guard of guards) breakers[guard.api] = guard.breakerStates();
      return {
        ready: !lifecycle.shuttingDown,
        status: lifecycle.shuttingDown ? "shutting-down" : "ready",
        mode: mode.mode,
        redis: redis ? redis.status : "disabled",
        breakers,
        fallbackTables: { files: tables.files.length, rows },
      };
    },
    async close() {
      for (const close of closers) await close();
    },
  };
}
