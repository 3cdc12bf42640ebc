import type { Unit } from "../domain/price.ts";

/**
 * What each priced service offers: the item ids and the unit each id is priced in. The fallback
 * tables, the live sub-clients and the routes all check against these, so a table row with a
 * mistyped id or a wrong unit is rejected at start-up instead of being served.
 */
export const PRICE_SERVICES = ["eks", "ec2", "lambda", "sagemaker"] as const;
export type PriceService = (typeof PRICE_SERVICES)[number];

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

/** EC2 instance types: family (letters, digits, dashes: "m5", "u-6tb1", "mac2-m2pro") "." size. */
export const EC2_INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/;
/** SageMaker ML instance types: "ml." family "." size. */
export const SAGEMAKER_INSTANCE_TYPE = /^ml\.[a-z][a-z0-9-]*\.[a-z0-9-]+$/;
const SAGEMAKER_INSTANCE_ID = new RegExp(
  `^(${SAGEMAKER_COMPONENTS.join("|")})\\.(${SAGEMAKER_INSTANCE_TYPE.source.slice(1, -1)})$`,
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

/** The unit an item id must be priced in, or `undefined` when the id is not part of the service. */
export function expectedUnit(service: PriceService, id: string): Unit | undefined {
  switch (service) {
    case "eks":
      return Object.hasOwn(EKS_ITEMS, id) ? EKS_ITEMS[id as keyof typeof EKS_ITEMS] : undefined;
    case "lambda":
      return Object.hasOwn(LAMBDA_ITEMS, id) ? LAMBDA_ITEMS[id as keyof typeof LAMBDA_ITEMS] : undefined;
    case "ec2":
      return EC2_INSTANCE_TYPE.test(id) ? "hour" : undefined;
    case "sagemaker": {
      const parsed = parseSageMakerId(id);
      if (!parsed) return undefined;
      return parsed.kind === "instance" ? "hour" : "second";
    }
  }
}
