import { z } from "@hono/zod-openapi";
import type { Unit } from "../../domain/price.ts";
import { listParam, parseIdList } from "../../pricing/params.ts";
import { SPEC_PARAMS, specFilterOf } from "../../pricing/spec-filter.ts";
import { type AnyServiceDef, defineService } from "../types.ts";

/**
 * What each priced AWS service offers: the item ids, the unit each id is priced in, and the query
 * parameters that narrow it. The routes, the batch, /v1/catalog, the OpenAPI document and the
 * fallback-table validation are all made from `AWS_SERVICES`.
 */
export const EKS_ITEMS = {
  "control-plane.standard": "hour",
  "control-plane.extended": "hour",
  "fargate.vcpu.x86_64": "vcpu-hour",
  "fargate.memory.x86_64": "gb-hour",
  "fargate.vcpu.arm64": "vcpu-hour",
  "fargate.memory.arm64": "gb-hour",
  "fargate.ephemeral-storage": "gb-hour",
} as const satisfies Record<string, Unit>;

export const LAMBDA_ITEMS = {
  requests: "request",
  "duration.x86_64": "gb-second",
  "duration.arm64": "gb-second",
  "provisioned-concurrency.x86_64": "gb-second",
  "provisioned-duration.x86_64": "gb-second",
  "provisioned-concurrency.arm64": "gb-second",
  "provisioned-duration.arm64": "gb-second",
  "ephemeral-storage": "gb-second",
  "edge.requests": "request",
  "edge.duration": "gb-second",
} as const satisfies Record<string, Unit>;

export const SAGEMAKER_COMPONENTS = [
  "training",
  "hosting",
  "notebook",
  "studio",
  "processing",
  "batch-transform",
  "data-wrangler",
] as const;
export type SageMakerComponent = (typeof SAGEMAKER_COMPONENTS)[number];

/**
 * An EC2 instance type as AWS names them: family "." size. Families are letters then a generation
 * digit then attributes ("m5", "c7gn", "mac2-m2pro", "u7i-12tb") or the high-memory "u-6tb1"; sizes
 * are AWS's vocabulary (nano … xlarge, <n>xlarge, metal, metal-<n>xl). "m5.lrge" is not a name.
 */
const FAMILY = "(?:u-\\d+tb\\d+|[a-z]+\\d[a-z0-9-]*)";
const SIZE = "(?:nano|micro|small|medium|large|xlarge|[1-9]\\d*xlarge|metal(?:-[1-9]\\d*xl)?)";
export const EC2_INSTANCE_TYPE = new RegExp(`^${FAMILY}\\.${SIZE}$`);
/** SageMaker ML instance types: "ml." then an EC2-style name. */
export const SAGEMAKER_INSTANCE_TYPE = new RegExp(`^ml\\.${FAMILY}\\.${SIZE}$`);
const SAGEMAKER_INSTANCE_ID = new RegExp(
  `^(${SAGEMAKER_COMPONENTS.join("|")})\\.(ml\\.${FAMILY}\\.${SIZE})$`,
);
const SAGEMAKER_SERVERLESS_ID = /^serverless-inference\.([1-9]\d*)$/;

export function sagemakerInstanceId(component: SageMakerComponent, instanceType: string): string {
  return `${component}.${instanceType}`;
}

/** Splits a SageMaker item id; `undefined` when it is not one. */
export function parseSageMakerId(
  id: string,
):
  | { kind: "instance"; component: SageMakerComponent; instanceType: string }
  | { kind: "serverless"; memoryMB: number }
  | undefined {
  const instance = SAGEMAKER_INSTANCE_ID.exec(id);
  if (instance) {
    return {
      kind: "instance",
      component: instance[1] as SageMakerComponent,
      instanceType: instance[2] as string,
    };
  }
  const serverless = SAGEMAKER_SERVERLESS_ID.exec(id);
  if (serverless) return { kind: "serverless", memoryMB: Number(serverless[1]) };
  return undefined;
}


/** The most instance types one EC2 request may name. */
export const MAX_INSTANCE_TYPES = 100;

const INSTANCE_TYPE_WHAT = "an EC2 instance type (family.size, such as m5.large or c7g.xlarge)";

const eks = defineService({
  id: "eks",
  title: "Amazon EKS",
  operationId: "getEksPrices",
  summary: "EKS control plane and Fargate prices for a region",
  description:
    "`control-plane.extended` is the total per cluster-hour while a cluster is in extended support. Fargate items are per vCPU-hour and GB-hour.",
  items: EKS_ITEMS,
  params: {},
  question: () => ({}),
});

const ec2 = defineService({
  id: "ec2",
  title: "Amazon EC2",
  operationId: "getEc2Prices",
  summary: "EC2 on-demand instance prices (Linux, shared tenancy) for a region",
  description:
    "One item per instance type, id = the instance type, unit `hour`, with its vCPUs, memory, architecture, GPUs and burstable flag as AWS states them. Search by specs with `minVcpu`, `maxVcpu`, `minMemoryGiB`, `maxMemoryGiB`, `architecture`, `gpu` and `family`; order with `sort` and cut with `limit`. A type whose spec is unknown never meets a constraint on it. Nothing matching is a 404 `price_not_available` naming the search.",
  patterns: [{ pattern: EC2_INSTANCE_TYPE, unit: "hour", example: "m5.large", describe: "an EC2 instance type" }],
  instances: { familyOf: (id) => id.slice(0, id.indexOf(".")) },
  params: {
    instanceType: listParam(
      "instanceType",
      `EC2 instance types, repeated or comma-separated (at most ${MAX_INSTANCE_TYPES}), any case. Omit to list every priced type.`,
      "m5.large,c5.xlarge",
    ),
    ...SPEC_PARAMS,
  },
  question: (p, ctx) => ({
    specs: specFilterOf(p),
    ids: parseIdList(p.instanceType, {
      parameter: "instanceType",
      max: MAX_INSTANCE_TYPES,
      normalize: (v) => v.toLowerCase(),
      valid: (v) => EC2_INSTANCE_TYPE.test(v),
      what: INSTANCE_TYPE_WHAT,
      known: () => ctx.knownIds(),
      suggestions: ctx.suggestions,
    }),
  }),
});

const lambda = defineService({
  id: "lambda",
  title: "AWS Lambda",
  operationId: "getLambdaPrices",
  summary: "Lambda and Lambda@Edge prices for a region, with duration tiers and the free tier",
  items: LAMBDA_ITEMS,
  params: {},
  question: () => ({}),
  freeTier: ["requests", "gbSeconds"],
});

const sagemaker = defineService({
  id: "sagemaker",
  title: "Amazon SageMaker AI",
  operationId: "getSageMakerPrices",
  summary: "SageMaker instance and serverless inference prices for a region",
  description:
    "Item ids are `<component>.<instanceType>` (unit `hour`) and `serverless-inference.<memoryMB>` (unit `second`). Either filter may be omitted to list.",
  patterns: [
    { pattern: SAGEMAKER_INSTANCE_ID, unit: "hour", example: "training.ml.m5.xlarge", describe: "<component>.<ML instance type>" },
    { pattern: SAGEMAKER_SERVERLESS_ID, unit: "second", example: "serverless-inference.2048", describe: "serverless-inference.<memoryMB>" },
  ],
  params: {
    component: z
      .enum(SAGEMAKER_COMPONENTS, { error: `must be one of ${SAGEMAKER_COMPONENTS.join(", ")}` })
      .optional()
      .openapi({ param: { name: "component", in: "query" }, example: "training" }),
    instanceType: z
      .string()
      .max(64)
      .transform((v) => v.toLowerCase())
      .pipe(z.string().regex(SAGEMAKER_INSTANCE_TYPE, "must be a SageMaker instance type, such as ml.m5.xlarge"))
      .optional()
      .openapi({ param: { name: "instanceType", in: "query" }, example: "ml.m5.xlarge" }),
  },
  question: (p) => ({
    filter: {
      ...(p.component ? { component: p.component } : {}),
      ...(p.instanceType ? { instanceType: p.instanceType } : {}),
    },
  }),
  matches: (id, filter) => {
    const parsed = parseSageMakerId(id);
    if (!parsed) return false;
    // Serverless items are listed only when nothing narrows the question.
    if (parsed.kind === "serverless") return !filter.component && !filter.instanceType;
    return (
      (!filter.component || parsed.component === filter.component) &&
      (!filter.instanceType || parsed.instanceType === filter.instanceType)
    );
  },
});

/** The typed definitions (the typed client's price routes are derived from them). */
export const AWS_SERVICE_DEFS = { eks, ec2, lambda, sagemaker } as const;
export const AWS_SERVICES: readonly AnyServiceDef[] = Object.values(AWS_SERVICE_DEFS);

/** What AWS's missing purchase-option tables mean (the 404 says it). */
export const AWS_OPTION_HINTS = {
  spot: "AWS spot prices are live only: EC2 instance types in live mode, from EC2's DescribeSpotPriceHistory; no table holds a spot price",
} as const;
