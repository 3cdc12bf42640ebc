import { createRoute, z } from "@hono/zod-openapi";
import { ApiError } from "../errors.ts";
import { createRouter } from "../http/router.ts";
import { EC2_INSTANCE_TYPE, SAGEMAKER_COMPONENTS, SAGEMAKER_INSTANCE_TYPE } from "../pricing/catalog.ts";
import type { PriceProvider } from "../pricing/provider.ts";
import {
  authProblems,
  type PriceItemSchema,
  priceResponseSchema,
  problemResponse,
  querySchema,
  regionParam,
} from "./schemas.ts";

/** The most instance types one EC2 request may name. */
export const MAX_INSTANCE_TYPES = 100;

const errorResponses = {
  ...authProblems,
  400: problemResponse("Invalid parameters; `errors` names each one and what is allowed."),
  404: problemResponse("Nothing can be priced for this region or instance type."),
  503: problemResponse("The upstream price source is unavailable and nothing cached or fallback can answer."),
};

export const EksPrices = priceResponseSchema("EksPrices", "eks");
export const Ec2Prices = priceResponseSchema("Ec2Prices", "ec2");
export const SageMakerPrices = priceResponseSchema("SageMakerPrices", "sagemaker");
export const LambdaPrices = priceResponseSchema("LambdaPrices", "lambda", {
  freeTier: z
    .object({
      requests: z.string().openapi({ example: "1000000" }),
      gbSeconds: z.string().openapi({ example: "400000" }),
      source: z.string(),
      asOf: z.string(),
    })
    .optional()
    .openapi({ description: "Monthly free tier, per account." }),
});

export const instanceTypeList = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .openapi({
    param: { name: "instanceType", in: "query", style: "form", explode: true },
    description: `EC2 instance types, repeated or comma-separated (at most ${MAX_INSTANCE_TYPES}). Omit to list every priced type.`,
    example: "m5.large,c5.xlarge",
  });

/** Splits repeated and comma-separated values, lower-cases, dedupes, and checks each one. */
export function parseInstanceTypes(raw: string | string[] | undefined): string[] | undefined {
  if (raw === undefined) return undefined;
  const values = (Array.isArray(raw) ? raw : [raw])
    .flatMap((v) => v.split(","))
    .map((v) => v.trim().toLowerCase())
    .filter((v) => v.length > 0);
  const unique = [...new Set(values)];
  if (unique.length === 0) {
    throw new ApiError("invalid_request", "instanceType is empty", {
      errors: [
        { parameter: "instanceType", message: "must name at least one instance type, such as m5.large" },
      ],
    });
  }
  if (unique.length > MAX_INSTANCE_TYPES) {
    throw new ApiError("invalid_request", `too many instance types (${unique.length})`, {
      errors: [
        { parameter: "instanceType", message: `at most ${MAX_INSTANCE_TYPES} instance types per request` },
      ],
    });
  }
  const bad = unique.filter((v) => v.length > 64 || !EC2_INSTANCE_TYPE.test(v));
  if (bad.length > 0) {
    throw new ApiError("invalid_request", `not an EC2 instance type: ${bad.slice(0, 5).join(", ")}`, {
      errors: bad.slice(0, 5).map((v) => ({
        parameter: "instanceType",
        message: `"${v.slice(0, 64)}" is not an instance type; expected family.size, such as m5.large or c7g.xlarge`,
      })),
    });
  }
  return unique;
}

export const sagemakerComponent = z
  .enum(SAGEMAKER_COMPONENTS, { error: `must be one of ${SAGEMAKER_COMPONENTS.join(", ")}` })
  .optional()
  .openapi({ param: { name: "component", in: "query" }, example: "training" });

export const sagemakerInstanceType = z
  .string()
  .max(64)
  .regex(SAGEMAKER_INSTANCE_TYPE, "must be a SageMaker instance type, such as ml.m5.xlarge")
  .optional()
  .openapi({ param: { name: "instanceType", in: "query" }, example: "ml.m5.xlarge" });

/** The response envelope every price answer shares. */
export function envelope<S extends string>(service: S, region: string) {
  return { cloud: "aws", service, region, currency: "USD" } as const;
}

const eksRoute = createRoute({
  method: "get",
  path: "/v1/prices/aws/eks",
  operationId: "getEksPrices",
  tags: ["prices"],
  summary: "EKS control plane and Fargate prices for a region",
  description:
    "`control-plane.extended` is the total per cluster-hour while a cluster is in extended support. Fargate items are per vCPU-hour and GB-hour.",
  request: { query: querySchema({ region: regionParam }) },
  responses: {
    200: { description: "Prices", content: { "application/json": { schema: EksPrices } } },
    ...errorResponses,
  },
});

const ec2Route = createRoute({
  method: "get",
  path: "/v1/prices/aws/ec2",
  operationId: "getEc2Prices",
  tags: ["prices"],
  summary: "EC2 on-demand instance prices (Linux, shared tenancy) for a region",
  description:
    "One item per instance type, id = the instance type, unit `hour`. Used to price EKS node groups.",
  request: { query: querySchema({ region: regionParam, instanceType: instanceTypeList }) },
  responses: {
    200: { description: "Prices", content: { "application/json": { schema: Ec2Prices } } },
    ...errorResponses,
  },
});

const lambdaRoute = createRoute({
  method: "get",
  path: "/v1/prices/aws/lambda",
  operationId: "getLambdaPrices",
  tags: ["prices"],
  summary: "Lambda and Lambda@Edge prices for a region, with duration tiers and the free tier",
  request: { query: querySchema({ region: regionParam }) },
  responses: {
    200: { description: "Prices", content: { "application/json": { schema: LambdaPrices } } },
    ...errorResponses,
  },
});

const sagemakerRoute = createRoute({
  method: "get",
  path: "/v1/prices/aws/sagemaker",
  operationId: "getSageMakerPrices",
  tags: ["prices"],
  summary: "SageMaker instance and serverless inference prices for a region",
  description:
    "Item ids are `<component>.<instanceType>` (unit `hour`) and `serverless-inference.<memoryMB>` (unit `second`). Either filter may be omitted to list.",
  request: {
    query: querySchema({
      region: regionParam,
      component: sagemakerComponent,
      instanceType: sagemakerInstanceType,
    }),
  },
  responses: {
    200: { description: "Prices", content: { "application/json": { schema: SageMakerPrices } } },
    ...errorResponses,
  },
});

/** Price routes: each contract above, its handler here. */
export function priceRoutes(prices: PriceProvider) {
  return createRouter()
    .openapi(eksRoute, async (c) => {
      const { region } = c.req.valid("query");
      const set = await prices.eks(region, { signal: c.get("signal") });
      c.set("source", set.items[0]?.source);
      return c.json({ ...envelope("eks", region), ...set }, 200);
    })
    .openapi(ec2Route, async (c) => {
      const query = c.req.valid("query");
      const instanceTypes = parseInstanceTypes(query.instanceType);
      const set = await prices.ec2(query.region, instanceTypes, { signal: c.get("signal") });
      c.set("source", set.items[0]?.source);
      return c.json({ ...envelope("ec2", query.region), ...set }, 200);
    })
    .openapi(lambdaRoute, async (c) => {
      const { region } = c.req.valid("query");
      const set = await prices.lambda(region, { signal: c.get("signal") });
      c.set("source", set.items[0]?.source);
      return c.json({ ...envelope("lambda", region), ...set }, 200);
    })
    .openapi(sagemakerRoute, async (c) => {
      const { region, component, instanceType } = c.req.valid("query");
      const set = await prices.sagemaker(region, { component, instanceType }, { signal: c.get("signal") });
      c.set("source", set.items[0]?.source);
      return c.json({ ...envelope("sagemaker", region), ...set }, 200);
    });
}

export type PriceItemBody = z.infer<typeof PriceItemSchema>;
