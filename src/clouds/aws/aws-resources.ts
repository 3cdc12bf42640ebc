import {
  type Cluster,
  DescribeClusterCommand,
  DescribeNodegroupCommand,
  type EKSClient,
  ListClustersCommand,
  ListFargateProfilesCommand,
  ListNodegroupsCommand,
  type Nodegroup,
} from "@aws-sdk/client-eks";
import {
  DescribeEndpointCommand,
  DescribeEndpointConfigCommand,
  type DescribeEndpointConfigCommandOutput,
  type DescribeEndpointCommandOutput,
  DescribeTrainingJobCommand,
  ListEndpointsCommand,
  ListNotebookInstancesCommand,
  ListTrainingJobsCommand,
  type ProductionVariant,
  type ProductionVariantSummary,
  type SageMakerClient,
} from "@aws-sdk/client-sagemaker";
import type { PriceProvider } from "../../domain/price.ts";
import { fromUpstream } from "../../errors.ts";
import { type Guard, UpstreamError } from "../../resilience/guard.ts";
import { guardedPages } from "../../resilience/paginate.ts";
import type { SupportType } from "./eks-calendar.ts";
import { priceEksClusters } from "./run-rate/eks.ts";
import type {
  EksClusterInventory,
  EksClustersReport,
  EksNodeGroupInventory,
  ResourceSource,
  SageMakerInventory,
  SageMakerResourcesReport,
  SageMakerVariantInventory,
} from "./run-rate/model.ts";
import { priceSageMakerResources } from "./run-rate/sagemaker.ts";

export interface AwsResourcesDeps {
  /** One client per region, built with `maxAttempts: 1`: the guards retry. */
  eks: (region: string) => EKSClient;
  sagemaker: (region: string) => SageMakerClient;
  eksGuard: Guard;
  sagemakerGuard: Guard;
  prices: PriceProvider;
  /** Decides extended support by the calendar; tests fix it. */
  now?: () => Date;
  /** Describe calls one request keeps in flight (the guards' limiters pace them further). */
  concurrency?: number;
}

/** A describe call for something deleted since it was listed: skipped, not a failure. */
function isGone(error: unknown): boolean {
  if (!(error instanceof UpstreamError) || error.kind !== "client") return false;
  if (error.code === "ResourceNotFoundException" || error.code === "ResourceNotFound") return true;
  // SageMaker answers DescribeEndpoint(Config) for a missing name with a ValidationException.
  return error.code === "ValidationException" && /could not find/i.test(error.message);
}

/** `fn` over `items`, at most `limit` at a time, results in order. */
async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function supportType(value: string | undefined): SupportType | undefined {
  return value === "STANDARD" || value === "EXTENDED" ? value : undefined;
}

/**
 * What runs in an AWS account, read through the EKS and SageMaker APIs (each call through its guard,
 * every page followed) and priced by the shared run-rate functions.
 */
export class AwsResources implements ResourceSource {
  readonly origin = "live" as const;
  readonly #d: AwsResourcesDeps;
  readonly #now: () => Date;
  readonly #concurrency: number;

  constructor(deps: AwsResourcesDeps) {
    this.#d = deps;
    this.#now = deps.now ?? (() => new Date());
    this.#concurrency = deps.concurrency ?? 4;
  }

  /** An UpstreamError becomes its problem (the one mapping); the caller going away stays as it is. */
  #problem(error: unknown): unknown {
    if (!(error instanceof UpstreamError) || error.kind === "aborted") return error;
    // AWS's own message names the account's IAM principal: only the code is passed on.
    return fromUpstream(error);
  }

  async eksClusters(region: string, signal?: AbortSignal): Promise<EksClustersReport> {
    const now = this.#now();
    let clusters: EksClusterInventory[];
    try {
      clusters = await this.#eksInventory(region, signal);
    } catch (error) {
      throw this.#problem(error);
    }
    return priceEksClusters(region, clusters, this.#d.prices, { source: "live", now, signal });
  }

  async sagemakerResources(region: string, signal?: AbortSignal): Promise<SageMakerResourcesReport> {
    const now = this.#now();
    let inventory: SageMakerInventory;
    try {
      inventory = await this.#sagemakerInventory(region, signal);
    } catch (error) {
      throw this.#problem(error);
    }
    return priceSageMakerResources(region, inventory, this.#d.prices, { source: "live", now, signal });
  }

  // -- EKS -------------------------------------------------------------------------------------

  async #eksInventory(region: string, caller: AbortSignal | undefined): Promise<EksClusterInventory[]> {
    const client = this.#d.eks(region);
    const guard = this.#d.eksGuard;
    const names = await guardedPages(guard, region, caller, async (nextToken, abortSignal) => {
      const out = await client.send(new ListClustersCommand({ maxResults: 100, nextToken }), { abortSignal });
      return { items: out.clusters, next: out.nextToken };
    });
    const found = await mapLimit(names, this.#concurrency, async (name) => {
      let cluster: Cluster | undefined;
      try {
        const out = await guard.call(
          region,
          (abortSignal) => client.send(new DescribeClusterCommand({ name }), { abortSignal }),
          caller,
        );
        cluster = out.cluster;
      } catch (error) {
        if (isGone(error)) return undefined;
        throw error;
      }
      if (!cluster) return undefined;
      const [nodeGroups, fargateProfiles] = await Promise.all([
        this.#nodeGroups(region, client, name, caller),
        guardedPages(guard, region, caller, async (nextToken, abortSignal) => {
          const out = await client.send(new ListFargateProfilesCommand({ clusterName: name, maxResults: 100, nextToken }), { abortSignal });
          return { items: out.fargateProfileNames, next: out.nextToken };
        }),
      ]);
      return {
        name: cluster.name ?? name,
        arn: cluster.arn,
        status: cluster.status,
        version: cluster.version ?? "unknown",
        platformVersion: cluster.platformVersion,
        upgradePolicy: supportType(cluster.upgradePolicy?.supportType),
        nodeGroups,
        fargateProfiles: fargateProfiles.map((p) => ({ name: p })),
      } satisfies EksClusterInventory;
    });
    return found.filter((c) => c !== undefined);
  }

  async #nodeGroups(
    region: string,
    client: EKSClient,
    clusterName: string,
    caller: AbortSignal | undefined,
  ): Promise<EksNodeGroupInventory[]> {
    const guard = this.#d.eksGuard;
    const names = await guardedPages(guard, region, caller, async (nextToken, abortSignal) => {
      const out = await client.send(new ListNodegroupsCommand({ clusterName, maxResults: 100, nextToken }), { abortSignal });
      return { items: out.nodegroups, next: out.nextToken };
    });
    const groups = await mapLimit(names, this.#concurrency, async (nodegroupName) => {
      let group: Nodegroup | undefined;
      try {
        const out = await guard.call(
          region,
          (abortSignal) =>
            client.send(new DescribeNodegroupCommand({ clusterName, nodegroupName }), { abortSignal }),
          caller,
        );
        group = out.nodegroup;
      } catch (error) {
        if (isGone(error)) return undefined;
        throw error;
      }
      if (!group) return undefined;
      return {
        name: group.nodegroupName ?? nodegroupName,
        status: group.status,
        capacityType: group.capacityType ?? "ON_DEMAND",
        instanceTypes: group.instanceTypes ?? [],
        desiredSize: group.scalingConfig?.desiredSize ?? 0,
        minSize: group.scalingConfig?.minSize,
        maxSize: group.scalingConfig?.maxSize,
        amiType: group.amiType,
      } satisfies EksNodeGroupInventory;
    });
    return groups.filter((g) => g !== undefined);
  }

  // -- SageMaker -------------------------------------------------------------------------------

  async #sagemakerInventory(region: string, caller: AbortSignal | undefined): Promise<SageMakerInventory> {
    const client = this.#d.sagemaker(region);
    const guard = this.#d.sagemakerGuard;
    const call = <T>(fn: (abortSignal: AbortSignal) => Promise<T>) => guard.call(region, fn, caller);

    const [endpointSummaries, notebookSummaries, trainingSummaries] = await Promise.all([
      guardedPages(guard, region, caller, async (NextToken, abortSignal) => {
        const out = await client.send(new ListEndpointsCommand({ StatusEquals: "InService", MaxResults: 100, NextToken }), { abortSignal });
        return { items: out.Endpoints, next: out.NextToken };
      }),
      guardedPages(guard, region, caller, async (NextToken, abortSignal) => {
        const out = await client.send(new ListNotebookInstancesCommand({ StatusEquals: "InService", MaxResults: 100, NextToken }), { abortSignal });
        return { items: out.NotebookInstances, next: out.NextToken };
      }),
      guardedPages(guard, region, caller, async (NextToken, abortSignal) => {
        const out = await client.send(new ListTrainingJobsCommand({ StatusEquals: "InProgress", MaxResults: 100, NextToken }), { abortSignal });
        return { items: out.TrainingJobSummaries, next: out.NextToken };
      }),
    ]);

    const orGone = async <T>(p: Promise<T>): Promise<T | undefined> => {
      try {
        return await p;
      } catch (error) {
        if (isGone(error)) return undefined;
        throw error;
      }
    };

    const endpoints = await mapLimit(endpointSummaries, this.#concurrency, async (summary) => {
      const EndpointName = summary.EndpointName as string;
      const endpoint: DescribeEndpointCommandOutput | undefined = await orGone(
        call((abortSignal) => client.send(new DescribeEndpointCommand({ EndpointName }), { abortSignal })),
      );
      if (!endpoint) return undefined;
      const EndpointConfigName = endpoint.EndpointConfigName;
      // An endpoint config may be deleted while its endpoint runs: variants then lack instance types.
      const config: DescribeEndpointConfigCommandOutput | undefined = EndpointConfigName
        ? await orGone(
            call((abortSignal) => client.send(new DescribeEndpointConfigCommand({ EndpointConfigName }), { abortSignal })),
          )
        : undefined;
      return {
        name: endpoint.EndpointName ?? EndpointName,
        arn: endpoint.EndpointArn,
        status: endpoint.EndpointStatus ?? summary.EndpointStatus ?? "InService",
        endpointConfigName: EndpointConfigName,
        variants: [
          ...variantsOf(endpoint.ProductionVariants, config?.ProductionVariants, false),
          ...variantsOf(endpoint.ShadowProductionVariants, config?.ShadowProductionVariants, true),
        ],
      };
    });

    const trainingJobs = await mapLimit(trainingSummaries, this.#concurrency, async (summary) => {
      const TrainingJobName = summary.TrainingJobName as string;
      const job = await orGone(
        call((abortSignal) => client.send(new DescribeTrainingJobCommand({ TrainingJobName }), { abortSignal })),
      );
      if (!job) return undefined;
      const rc = job.ResourceConfig;
      const instanceGroups = rc?.InstanceGroups?.length
        ? rc.InstanceGroups.map((g) => ({
            name: g.InstanceGroupName,
            instanceType: g.InstanceType as string,
            instanceCount: g.InstanceCount ?? 0,
          }))
        : rc?.InstanceType
          ? [{ instanceType: rc.InstanceType as string, instanceCount: rc.InstanceCount ?? 1 }]
          : [];
      return {
        name: job.TrainingJobName ?? TrainingJobName,
        arn: job.TrainingJobArn,
        status: job.TrainingJobStatus ?? summary.TrainingJobStatus ?? "InProgress",
        instanceGroups,
      };
    });

    return {
      endpoints: endpoints.filter((e) => e !== undefined),
      notebooks: notebookSummaries
        .filter((n) => n.InstanceType)
        .map((n) => ({
          name: n.NotebookInstanceName as string,
          arn: n.NotebookInstanceArn,
          status: n.NotebookInstanceStatus ?? "InService",
          instanceType: n.InstanceType as string,
        })),
      trainingJobs: trainingJobs.filter((j) => j !== undefined),
    };
  }
}

/** Joins an endpoint's running variants with its config (where the instance type lives), by name. */
function variantsOf(
  running: readonly ProductionVariantSummary[] | undefined,
  configured: readonly ProductionVariant[] | undefined,
  shadow: boolean,
): SageMakerVariantInventory[] {
  const byName = new Map((configured ?? []).map((v) => [v.VariantName, v]));
  return (running ?? []).map((v): SageMakerVariantInventory => {
    const name = v.VariantName ?? "unnamed";
    const config = byName.get(v.VariantName);
    const serverless = v.CurrentServerlessConfig ?? v.DesiredServerlessConfig ?? config?.ServerlessConfig;
    if (serverless) {
      return {
        kind: "serverless",
        name,
        shadow,
        memorySizeInMB: serverless.MemorySizeInMB ?? 0,
        maxConcurrency: serverless.MaxConcurrency ?? 0,
        provisionedConcurrency: serverless.ProvisionedConcurrency,
      };
    }
    return {
      kind: "instance",
      name,
      shadow,
      instanceType: config?.InstanceType,
      currentInstanceCount: v.CurrentInstanceCount,
    };
  });
}
