import { createRoute, z } from "@hono/zod-openapi";
import { ApiError } from "../errors.ts";
import { fieldErrors } from "../http/problem.ts";
import { createRouter } from "../http/router.ts";
import { type BatchQuery, runBatch } from "../pricing/batch.ts";
import { SAGEMAKER_COMPONENTS, SAGEMAKER_INSTANCE_TYPE } from "../pricing/catalog.ts";
import type { PriceProvider } from "../pricing/provider.ts";
import { parseInstanceTypes } from "./prices.ts";
import { authProblems, ProblemSchema, problemResponse, regionField } from "./schemas.ts";

export const MAX_BATCH = 500;

const queryShape = z.discriminatedUnion(
  "service",
  [
    z.strictObject({ service: z.literal("eks"), region: regionField }),
    z.strictObject({ service: z.literal("lambda"), region: regionField }),
    z.strictObject({
      service: z.literal("ec2"),
      region: regionField,
      instanceType: z
        .union([z.string(), z.array(z.string())])
        .optional()
        .openapi({ example: ["m5.large", "c5.xlarge"] }),
    }),
    z.strictObject({
      service: z.literal("sagemaker"),
      region: regionField,
      component: z
        .enum(SAGEMAKER_COMPONENTS, { error: `must be one of ${SAGEMAKER_COMPONENTS.join(", ")}` })
        .optional(),
      instanceType: z
        .string()
        .max(64)
        .regex(SAGEMAKER_INSTANCE_TYPE, "must be a SageMaker instance type, such as ml.m5.xlarge")
        .optional(),
    }),
  ],
  { error: "service must be one of eks, ec2, lambda, sagemaker" },
);

const BatchRequest = z
  .strictObject({
    queries: z
      .array(
        z.unknown().openapi({
          type: "object",
          description: "The same parameters as the GET endpoint, plus `service`.",
        }),
      )
      .min(1)
      .max(MAX_BATCH, `at most ${MAX_BATCH} queries per batch`),
  })
  .openapi("BatchRequest", {
    example: {
      queries: [
        { service: "ec2", region: "us-east-1", instanceType: ["m5.large", "c5.xlarge"] },
        { service: "eks", region: "eu-west-1" },
      ],
    },
  });

const BatchResponse = z
  .object({
    results: z.array(
      z.object({
        status: z.number().int().openapi({ description: "What the GET endpoint would have answered." }),
        body: z
          .union([z.record(z.string(), z.unknown()), ProblemSchema])
          .openapi({ description: "A price response, or a problem." }),
      }),
    ),
  })
  .openapi("BatchResponse");

const batchRoute = createRoute({
  method: "post",
  path: "/v1/prices/batch",
  operationId: "batchPrices",
  tags: ["prices"],
  summary: "Many price lookups in one request",
  description: `Up to ${MAX_BATCH} queries; results in the same order, each with the status and body the GET endpoint would answer. EC2 queries of one region are merged into one upstream lookup.`,
  request: { body: { required: true, content: { "application/json": { schema: BatchRequest } } } },
  responses: {
    200: { description: "One result per query", content: { "application/json": { schema: BatchResponse } } },
    ...authProblems,
    400: problemResponse("The body is not a batch, or has more than 500 queries."),
    413: problemResponse("The body is over the size limit."),
    415: problemResponse("The body is not application/json."),
  },
});

function toQuery(raw: unknown, index: number): BatchQuery | ApiError {
  const parsed = queryShape.safeParse(raw);
  if (!parsed.success) {
    const errors = fieldErrors(parsed.error).map((e) => ({
      ...e,
      parameter: `queries[${index}].${e.parameter}`,
    }));
    return new ApiError("invalid_request", `invalid query at index ${index}`, { errors });
  }
  const q = parsed.data;
  switch (q.service) {
    case "ec2":
      try {
        return { service: "ec2", region: q.region, instanceTypes: parseInstanceTypes(q.instanceType) };
      } catch (error) {
        if (error instanceof ApiError) return error;
        throw error;
      }
    case "sagemaker":
      return { service: "sagemaker", region: q.region, component: q.component, instanceType: q.instanceType };
    default:
      return { service: q.service, region: q.region };
  }
}

export function batchRoutes(prices: PriceProvider) {
  return createRouter().openapi(batchRoute, async (c) => {
    const { queries } = c.req.valid("json");
    const results = await runBatch(prices, queries.map(toQuery), c.get("signal"));
    return c.json({ results }, 200);
  });
}
