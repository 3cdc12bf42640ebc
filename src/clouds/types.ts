import type { OptionSource } from "../pricing/purchase-provider.ts";
import type { OpenAPIHono, z } from "@hono/zod-openapi";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Config } from "../config.ts";
import type { BudgetSource } from "../domain/budgets.ts";
import type { CostSource } from "../domain/costs.ts";
import type { PriceProvider, SpecFilter, Unit } from "../domain/price.ts";
import type { RegionCatalog } from "../domain/regions.ts";
import type { WorkloadMapping } from "../estimates/compare.ts";
import type { EstimatorDeps } from "../estimates/fields.ts";
import type { Estimator } from "../estimates/line.ts";
import type { FallbackTables } from "../fallback/tables.ts";
import type { AppEnv } from "../http/env.ts";
import type { Metrics } from "../observability/metrics.ts";
import type { TieredCache } from "../resilience/cache.ts";
import type { FailureKind } from "../resilience/classify.ts";
import type { Guard } from "../resilience/guard.ts";

/** An open-ended family of item ids (instance types): what a valid id looks like and its unit. */
export interface ItemPattern {
  pattern: RegExp;
  unit: Unit;
  example: string;
  /** What the id is, for the catalogue and errors ("an EC2 instance type such as m5.large"). */
  describe: string;
}

/** What a validated request asks of a service: item ids and the service's own narrowing filter. */
export interface ServiceQuestion {
  ids?: string[] | undefined;
  filter?: Record<string, string> | undefined;
  specs?: SpecFilter | undefined;
}

/** What turning parameters into a question may consult. */
export interface QuestionContext {
  /** The ids the fallback tables price for this service in the asked region (for "did you mean"). */
  knownIds(): Iterable<string>;
  /**
   * How many more "did you mean" searches this request may run (each compares a name with every known
   * id): a batch of thousands of bad names gets suggestions for the first few, plain errors for the rest.
   */
  suggestions: { remaining: number };
}

/**
 * One priced service of one cloud: its item ids, units and query parameters. The GET route, the batch
 * schema, `/v1/catalog`, the OpenAPI document and the fallback-table validation are all made from it.
 */
export interface ServiceDef<P extends z.ZodRawShape = z.ZodRawShape, Id extends string = string> {
  id: Id;
  title: string;
  operationId: string;
  summary: string;
  description?: string;
  /** Fixed items (EKS, Lambda), in the order they are served; missing ones are listed unavailable. */
  items?: Readonly<Record<string, Unit>>;
  /** Open-ended ids (instance types). */
  patterns?: readonly ItemPattern[];
  /** Query parameters beyond `region`, shared by the GET route and the batch. */
  params: P;
  /** Validated parameters → the question. Throws an ApiError naming a bad parameter. */
  question(params: z.output<z.ZodObject<P>>, ctx: QuestionContext): ServiceQuestion;
  /** Whether a listed id belongs to the filter (the fallback tables and live listings use it alike). */
  matches?(id: string, filter: Readonly<Record<string, string>>): boolean;
  /**
   * Fixed items whose published price is $0 (AKS's Free tier): for them a "0" is a price, not a missing
   * one. Every other price must be greater than zero.
   */
  publishedFree?: readonly string[];
  /** Names of the free-tier amounts the service's tables may carry (Lambda: requests, gbSeconds). */
  freeTier?: readonly string[];
  /**
   * An instance service (EC2, later Azure VMs and GCE machine types): its items carry specs, it takes
   * the spec search parameters (`pricing/spec-filter.ts`), and its coverage counts rows with specs.
   */
  instances?: { familyOf(id: string): string };
}

/** Any service definition, whatever its parameters. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyServiceDef = ServiceDef<any>;

/** Keeps a service definition's id and parameter types (the typed client is built from them). */
export function defineService<const Id extends string, P extends z.ZodRawShape>(def: ServiceDef<P, Id>): ServiceDef<P, Id> {
  return def;
}

/** The unit an id must be priced in, or undefined when the id is not one of the service's. */
export function unitOf(service: AnyServiceDef, id: string): Unit | undefined {
  if (service.items && Object.hasOwn(service.items, id)) return service.items[id];
  return service.patterns?.find((p) => p.pattern.test(id))?.unit;
}

/** What every cloud's composition gets from the composition root. */
export interface CloudContext {
  config: Config;
  logger: Logger;
  metrics: Metrics;
  cache: TieredCache;
  redis: Redis | undefined;
  tables: FallbackTables;
  /** The clock (tests pin it). */
  now: () => Date;
  /** Tests pass fake static credentials; production uses each cloud's default chain. */
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
}

/** A group of cloud-specific routes (AWS running resources, the AWS account), bound to its services. */
export type CloudRoutes = OpenAPIHono<AppEnv>;

/**
 * One cloud's services in one mode, complete: nothing is filled in later. `origin` says which mode
 * built it; live composition holds no mock implementation (a test walks it).
 */
export interface ComposedCloud {
  origin: "live" | "mock";
  prices: PriceProvider;
  costs?: CostSource | undefined;
  budgets?: BudgetSource | undefined;
  /** Cloud-specific routes (beyond prices, costs and budgets). */
  routes?: CloudRoutes[];
  /** Every component, by name, for the composition test and readiness. */
  components: Record<string, { origin: "live" | "mock" | "fallback" } | undefined>;
  guards: Guard[];
  /**
   * Where the cloud's prices come from when that is not what `origin` says, and why: a live cloud
   * without its credentials answers from the fallback tables. `/healthz` lists every cloud's.
   */
  status?: CloudStatus | undefined;
  /** Live sources of purchase-option prices (AWS spot), by option; the tables answer the rest. */
  optionSources?: Partial<Record<"reserved" | "savings-plan" | "spot", OptionSource>> | undefined;
  close(): Promise<void>;
}

/** One cloud's price source as `/healthz` reports it. */
export interface CloudStatus {
  prices: "live" | "mock" | "fallback";
  reason?: string | undefined;
}

/** Everything one cloud knows. Adding a cloud = a folder exporting one of these + a line in the registry. */
export interface CloudPlugin {
  id: string;
  title: string;
  regions: RegionCatalog;
  services: readonly AnyServiceDef[];
  /** Short names people type for the cloud's services in cost filters ("ec2"), and the names meant. */
  costServiceAliases?: Readonly<Record<string, readonly string[]>>;
  /** How this cloud's SDK or HTTP errors are classified for retries and breakers. */
  classify(error: unknown, signal?: AbortSignal): FailureKind;
  createMock(ctx: CloudContext): ComposedCloud;
  createLive(ctx: CloudContext): ComposedCloud;
  /** What an answer without table rows of an option says of the option on this cloud (AWS: spot is live only). */
  optionHints?: Partial<Record<"reserved" | "savings-plan" | "spot", string>>;
  /** How a cloud-neutral workload maps onto this cloud's services (`POST /v1/compare`). */
  workloads?: WorkloadMapping;
  /** How usage of each service is estimated (`POST /v1/estimates`), by service id. */
  estimators?(deps: EstimatorDeps): Readonly<Record<string, Estimator<never>>>;
}
