import { z } from "@hono/zod-openapi";
import { SOURCES, UNITS } from "../../domain/price.ts";
import { defineRoute } from "../../http/route.ts";
import { createRouter } from "../../http/router.ts";
import { authProblems, problemResponse, querySchema, regionParam } from "../../routes/schemas.ts";
import type { AccountProbe } from "./account.ts";
import { awsRegions } from "./regions.ts";
import type { ResourceSource } from "./run-rate/model.ts";

const awsRegion = regionParam(awsRegions);

const errorResponses = {
  ...authProblems,
  400: problemResponse("Invalid parameters; `errors` names each one and what is allowed."),
  404: problemResponse("No such route or resource."),
  502: problemResponse("The AWS API that lists the resources refused Pricebook's request (permissions, configuration); the detail names its error code."),
  503: problemResponse("The AWS API that lists the resources is unavailable; the detail names it, Retry-After says when to retry."),
};

const decimal = (description: string, example: string) => z.string().openapi({ description, example });

export const RunRateLineSchema = z
  .object({
    id: z.string().openapi({ example: "node-group/general-on-demand" }),
    description: z.string(),
    priceId: z
      .string()
      .nullable()
      .openapi({ description: "The price item used (see /v1/prices/aws/*).", example: "m5.large" }),
    quantity: decimal("Units running (instances, clusters).", "3"),
    unit: z.enum(UNITS).nullable(),
    unitPrice: z.string().nullable().openapi({ description: "Decimal string per `unit`.", example: "0.096" }),
    hourly: z.string().nullable().openapi({ description: "quantity × unitPrice; null when not in the run-rate.", example: "0.288" }),
    monthly: z.string().nullable().openapi({ description: "hourly × 730.", example: "210.24" }),
    status: z.enum(["priced", "usage-based", "not-priced", "not-available"]).openapi({
      description:
        "`priced`: in the totals. `usage-based`: billed per use (serverless inference per second), not an hourly run-rate. `not-priced`: left out on purpose (Spot, Fargate). `not-available`: the price source has no price: never counted as 0.",
    }),
    inTotal: z.boolean(),
    reason: z.string().optional(),
    price: z.object({ source: z.enum(SOURCES), asOf: z.string() }).optional(),
  })
  .openapi("RunRateLine");

export const RunRateTotalsSchema = z
  .object({
    hourly: z.string().nullable().openapi({ description: "Sum of the priced lines, USD per hour; null when nothing could be priced.", example: "0.688" }),
    monthly: z.string().nullable().openapi({ description: "hourly × hoursPerMonth; null when nothing could be priced.", example: "502.24" }),
    hoursPerMonth: z.number().int().openapi({ example: 730 }),
    complete: z.boolean().openapi({ description: "False whenever a line is left out of the totals (no price, Spot, Fargate, usage-based): they are then a lower bound." }),
    excluded: z.array(
      z.object({ id: z.string(), status: z.enum(["priced", "usage-based", "not-priced", "not-available"]), reason: z.string() }),
    ),
  })
  .openapi("RunRateTotals");

const envelope = {
  cloud: z.literal("aws"),
  region: z.string(),
  currency: z.literal("USD"),
  source: z.enum(["live", "mock"]).openapi({ description: "Where the resource inventory came from; each price keeps its own source." }),
  asOf: z.string().openapi({ description: "When the inventory was read and priced." }),
  notes: z.array(z.string()),
};

const supportType = z.enum(["STANDARD", "EXTENDED"]);

export const EksClusterSchema = z
  .object({
    name: z.string(),
    arn: z.string().nullable(),
    status: z.string().nullable(),
    version: z.string().openapi({ example: "1.33" }),
    platformVersion: z.string().nullable(),
    upgradePolicy: supportType.nullable().openapi({
      description: "`upgradePolicy.supportType` as AWS reports it: what happens at the END of standard support (EXTENDED is AWS's default).",
    }),
    supportType: supportType.openapi({ description: "What the control plane is billed at now." }),
    supportBasis: z.enum(["calendar", "newer-than-calendar", "upgrade-policy", "assumed"]),
    endOfStandardSupport: z.string().nullable().openapi({ example: "2026-07-29" }),
    endOfExtendedSupport: z.string().nullable().openapi({ example: "2027-07-29" }),
    supportNote: z.string().optional(),
    nodeGroups: z.array(
      z.object({
        name: z.string(),
        status: z.string().nullable(),
        capacityType: z.string().openapi({ example: "ON_DEMAND" }),
        instanceTypes: z.array(z.string()),
        desiredSize: z.number().int(),
        minSize: z.number().int().nullable(),
        maxSize: z.number().int().nullable(),
      }),
    ),
    fargateProfiles: z.array(z.object({ name: z.string() })),
    lines: z.array(RunRateLineSchema),
    totals: RunRateTotalsSchema,
  })
  .openapi("EksClusterRunRate");

export const EksClustersResponse = z
  .object({
    ...envelope,
    service: z.literal("eks"),
    clusters: z.array(EksClusterSchema),
    calendar: z.object({ source: z.string(), asOf: z.string() }).openapi({
      description: "The Amazon EKS Kubernetes release calendar used to decide standard or extended support.",
    }),
    totals: RunRateTotalsSchema,
  })
  .openapi("EksClustersRunRate");

export const SageMakerResourceSchema = z
  .object({
    kind: z.enum(["endpoint", "notebook", "training-job"]),
    name: z.string(),
    arn: z.string().nullable(),
    status: z.string(),
    lines: z.array(RunRateLineSchema),
    totals: RunRateTotalsSchema,
    variants: z
      .array(
        z.object({
          name: z.string(),
          shadow: z.boolean(),
          kind: z.enum(["instance", "serverless"]),
          instanceType: z.string().nullable(),
          currentInstanceCount: z.number().int().nullable(),
          memorySizeInMB: z.number().int().nullable(),
          maxConcurrency: z.number().int().nullable(),
          provisionedConcurrency: z.number().int().nullable(),
        }),
      )
      .optional(),
    instanceType: z.string().optional(),
    instanceGroups: z
      .array(z.object({ name: z.string().nullable(), instanceType: z.string(), instanceCount: z.number().int() }))
      .optional(),
  })
  .openapi("SageMakerResourceRunRate");

export const SageMakerResourcesResponse = z
  .object({
    ...envelope,
    service: z.literal("sagemaker"),
    endpoints: z.array(SageMakerResourceSchema),
    notebooks: z.array(SageMakerResourceSchema),
    trainingJobs: z.array(SageMakerResourceSchema),
    totals: RunRateTotalsSchema,
  })
  .openapi("SageMakerResourcesRunRate");

const eksClustersRoute = defineRoute({
  scope: "costs:read",
  method: "get",
  path: "/v1/aws/eks/clusters",
  operationId: "getEksClusterRunRate",
  tags: ["resources"],
  summary: "EKS clusters in a region with their hourly and monthly run-rate",
  description:
    "Each cluster with its Kubernetes version and support type (from the Amazon EKS release calendar), managed node groups and Fargate profiles. Control plane at `control-plane.standard` or `control-plane.extended`; ON_DEMAND node groups at desiredSize × the EC2 price of their first instance type; SPOT node groups and Fargate profiles listed but not in the totals. Monthly = hourly × 730.",
  request: { query: querySchema({ region: awsRegion }) },
  responses: {
    200: { description: "Clusters and run-rate", content: { "application/json": { schema: EksClustersResponse } } },
    ...errorResponses,
  },
});

const sagemakerResourcesRoute = defineRoute({
  scope: "costs:read",
  method: "get",
  path: "/v1/aws/sagemaker/resources",
  operationId: "getSageMakerRunRate",
  tags: ["resources"],
  summary: "Running SageMaker endpoints, notebooks and training jobs in a region with their run-rate",
  description:
    "In-service endpoints (real-time variants: current instance count × `hosting.<instanceType>`; serverless variants: memory and max concurrency, priced per second of inference at `serverless-inference.<memoryMB>`, not in the hourly totals), InService notebook instances (`notebook.<type>`) and InProgress training jobs (`training.<type>` × instance count).",
  request: { query: querySchema({ region: awsRegion }) },
  responses: {
    200: {
      description: "Resources and run-rate",
      content: { "application/json": { schema: SageMakerResourcesResponse } },
    },
    ...errorResponses,
  },
});

const AccountSchema = z
  .object({
    mock: z.boolean().openapi({ description: "true in mock mode: not a real account" }),
    mode: z.enum(["live", "mock"]),
    accountId: z.string().openapi({ example: "123456789012" }),
    arn: z.string(),
    apis: z.array(z.object({ api: z.string(), reachable: z.boolean(), latencyMs: z.number(), error: z.string().optional() })),
    checkedAt: z.string(),
    source: z.enum(["live", "mock"]),
    asOf: z.string(),
  })
  .openapi("Account");

const accountRoute = defineRoute({
  scope: "costs:read",
  method: "get",
  path: "/v1/aws/account",
  operationId: "getAwsAccount",
  tags: ["account"],
  summary: "The AWS account Pricebook runs as (STS GetCallerIdentity) and each AWS API's reachability",
  description: "Needs the `costs:read` scope. In mock mode a clearly marked mock account (`mock: true`).",
  request: { query: querySchema({}) },
  responses: {
    200: { description: "Account", content: { "application/json": { schema: AccountSchema } } },
    ...authProblems,
    400: problemResponse("Unknown query parameters are refused."),
    502: problemResponse("STS refused Pricebook's credentials."),
    503: problemResponse("STS is unreachable."),
  },
});

/** AWS's own routes: what is running, priced, and who Pricebook runs as. */
export function awsRoutes(resources: ResourceSource, account: AccountProbe) {
  return createRouter()
    .openapi(accountRoute, async (c) => c.json(await account.describe(c.get("signal")), 200))
    .openapi(eksClustersRoute, async (c) => {
      const { region } = c.req.valid("query");
      const report = await resources.eksClusters(region, c.get("signal"));
      c.set("source", report.source);
      return c.json(report, 200);
    })
    .openapi(sagemakerResourcesRoute, async (c) => {
      const { region } = c.req.valid("query");
      const report = await resources.sagemakerResources(region, c.get("signal"));
      c.set("source", report.source);
      return c.json(report, 200);
    });
}
