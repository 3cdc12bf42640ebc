import { z } from "@hono/zod-openapi";
import Big from "big.js";
import { ARCHITECTURES } from "../../domain/price.ts";
import { roundUpTo } from "../../estimates/arithmetic.ts";
import { count, type EstimatorDeps, hoursPerMonth, instanceTypeField } from "../../estimates/fields.ts";
import type { WorkloadMapping } from "../../estimates/compare.ts";
import type { Estimator, LineBuilder } from "../../estimates/line.ts";
import { EC2_INSTANCE_TYPE, SAGEMAKER_COMPONENTS, SAGEMAKER_INSTANCE_TYPE } from "./catalog.ts";

/**
 * How AWS bills the usage an estimate line describes, per service. Each rule cites AWS's pricing pages:
 * Lambda (aws.amazon.com/lambda/pricing): requests and duration, duration rounded up to 1 ms, GB =
 * MB / 1024, volume tiers on the month's GB-seconds, the free tier per account a month; EKS
 * (aws.amazon.com/eks/pricing): per cluster-hour (standard or extended support), nodes at their EC2
 * price, Fargate per vCPU-hour and GB-hour; EC2 and SageMaker per instance-hour.
 */

const lambdaUsage = z.strictObject({
  requestsPerMonth: count("requestsPerMonth", 100_000_000_000),
  avgDurationMs: z
    .number({ error: "avgDurationMs must be a number of milliseconds" })
    .positive("avgDurationMs must be more than 0")
    .max(900_000, "avgDurationMs must be at most 900000 (Lambda's 15-minute limit)"),
  memoryMB: z
    .number({ error: "memoryMB must be a whole number of MB" })
    .int("memoryMB must be a whole number of MB")
    .min(128, "memoryMB must be at least 128 (Lambda's minimum)")
    .max(10_240, "memoryMB must be at most 10240 (Lambda's maximum)"),
  architecture: z.enum(ARCHITECTURES, { error: `architecture must be one of ${ARCHITECTURES.join(", ")}` }).default("x86_64"),
  ephemeralStorageMB: z
    .number({ error: "ephemeralStorageMB must be a whole number of MB" })
    .int("ephemeralStorageMB must be a whole number of MB")
    .min(512, "ephemeralStorageMB must be at least 512 (included)")
    .max(10_240, "ephemeralStorageMB must be at most 10240")
    .default(512),
});

const lambda: Estimator<z.output<typeof lambdaUsage>> = {
  usage: lambdaUsage,
  example: { requestsPerMonth: 10_000_000, avgDurationMs: 200, memoryMB: 512, architecture: "arm64" },
  prices: (u) => ({ lambda: ["requests", `duration.${u.architecture}`, ...(u.ephemeralStorageMB > 512 ? ["ephemeral-storage"] : [])] }),
  estimate(u, line: LineBuilder) {
    const free = line.freeTierOf("lambda");
    const billedMs = roundUpTo(u.avgDurationMs, 1);
    const seconds = new Big(u.requestsPerMonth).times(billedMs).div(1000);
    const gbSeconds = seconds.times(u.memoryMB).div(1024);
    line.note("duration is billed in 1 ms steps; GB-seconds = seconds × memory MB / 1024");
    line.usage("lambda", "requests", u.requestsPerMonth, free?.requests ? { key: "aws/lambda/requests", quantity: free.requests, note: `AWS Lambda free tier: ${free.requests} requests a month per account (${free.source})` } : undefined);
    line.usage(
      "lambda",
      `duration.${u.architecture}`,
      gbSeconds,
      free?.gbSeconds ? { key: "aws/lambda/gbSeconds", quantity: free.gbSeconds, note: `AWS Lambda free tier: ${free.gbSeconds} GB-seconds a month per account, x86 and Arm together (${free.source})` } : undefined,
    );
    if (u.ephemeralStorageMB > 512) {
      line.note("ephemeral storage above the included 512 MB is billed per GB-second");
      line.usage("lambda", "ephemeral-storage", seconds.times(u.ephemeralStorageMB - 512).div(1024));
    }
  },
};

function ec2TypeField(deps: EstimatorDeps, name: string) {
  return instanceTypeField(name, EC2_INSTANCE_TYPE, "an EC2 instance type such as m5.large", deps.specs("ec2"));
}

function eksEstimator(deps: EstimatorDeps) {
  const usage = z.strictObject({
    clusters: count("clusters", 1000).default(1),
    supportTier: z.enum(["standard", "extended"], { error: "supportTier must be standard or extended" }).default("standard"),
    hoursPerMonth: hoursPerMonth(),
    nodes: z
      .array(z.strictObject({ instanceType: ec2TypeField(deps, "instanceType"), count: count("count", 100_000), hoursPerMonth: hoursPerMonth() }))
      .max(100, "at most 100 node groups per line")
      .default([]),
    fargate: z
      .strictObject({
        vcpu: z.number({ error: "vcpu must be a number" }).nonnegative("vcpu must be 0 or more").max(1_000_000, "vcpu must be at most 1000000"),
        memoryGiB: z.number({ error: "memoryGiB must be a number" }).nonnegative("memoryGiB must be 0 or more").max(10_000_000, "memoryGiB must be at most 10000000"),
        architecture: z.enum(ARCHITECTURES, { error: `architecture must be one of ${ARCHITECTURES.join(", ")}` }).default("x86_64"),
        hoursPerMonth: hoursPerMonth(),
      })
      .optional(),
  });
  const estimator: Estimator<z.output<typeof usage>> = {
    usage,
    example: { clusters: 1, nodes: [{ instanceType: "m5.large", count: 3 }] },
    prices: (u) => ({
      eks: [
        `control-plane.${u.supportTier}`,
        ...(u.fargate ? [`fargate.vcpu.${u.fargate.architecture}`, `fargate.memory.${u.fargate.architecture}`] : []),
      ],
      ec2: [...new Set(u.nodes.map((n) => n.instanceType))],
    }),
    estimate(u, line) {
      const hours = u.hoursPerMonth ?? line.ctx.hoursPerMonth;
      line.hours("eks", `control-plane.${u.supportTier}`, u.clusters, hours);
      for (const node of u.nodes) line.hours("ec2", node.instanceType, node.count, node.hoursPerMonth ?? hours);
      if (u.fargate) {
        const h = u.fargate.hoursPerMonth ?? hours;
        line.note("Fargate: the pods' requested vCPU and memory, per hour they run");
        line.hours("eks", `fargate.vcpu.${u.fargate.architecture}`, u.fargate.vcpu, h);
        line.hours("eks", `fargate.memory.${u.fargate.architecture}`, u.fargate.memoryGiB, h);
      }
      if (u.supportTier === "extended") line.note("extended support: the control-plane price is the total per cluster-hour");
    },
  };
  return estimator;
}

function ec2Estimator(deps: EstimatorDeps) {
  const usage = z.strictObject({ type: ec2TypeField(deps, "type"), count: count("count", 100_000).default(1), hoursPerMonth: hoursPerMonth() });
  const estimator: Estimator<z.output<typeof usage>> = {
    usage,
    example: { type: "m7g.large", count: 2 },
    prices: (u) => ({ ec2: [u.type] }),
    estimate: (u, line) => void line.hours("ec2", u.type, u.count, u.hoursPerMonth ?? line.ctx.hoursPerMonth),
  };
  return estimator;
}

const sagemakerUsage = z.strictObject({
  component: z.enum(SAGEMAKER_COMPONENTS, { error: `component must be one of ${SAGEMAKER_COMPONENTS.join(", ")}` }),
  instanceType: z
    .string({ error: "instanceType must be a SageMaker instance type such as ml.m5.xlarge" })
    .max(64)
    .transform((v) => v.toLowerCase())
    .pipe(z.string().regex(SAGEMAKER_INSTANCE_TYPE, "instanceType must be a SageMaker instance type such as ml.m5.xlarge")),
  count: count("count", 100_000).default(1),
  hoursPerMonth: hoursPerMonth(),
});

const sagemaker: Estimator<z.output<typeof sagemakerUsage>> = {
  usage: sagemakerUsage,
  example: { component: "hosting", instanceType: "ml.m5.xlarge", count: 2 },
  prices: (u) => ({ sagemaker: [`${u.component}.${u.instanceType}`] }),
  estimate: (u, line) => void line.hours("sagemaker", `${u.component}.${u.instanceType}`, u.count, u.hoursPerMonth ?? line.ctx.hoursPerMonth),
};

/** AWS's estimators, by service id. */
export function awsEstimators(deps: EstimatorDeps): Record<string, Estimator<never>> {
  return {
    lambda,
    eks: eksEstimator(deps),
    ec2: ec2Estimator(deps),
    sagemaker,
  } as unknown as Record<string, Estimator<never>>;
}

/** How a cloud-neutral workload runs on AWS (`POST /v1/compare`). */
export const AWS_WORKLOADS: WorkloadMapping = {
  kubernetes: {
    service: "eks",
    line: (w) => ({ clusters: w.clusters, supportTier: "standard", nodes: w.nodeType ? [{ instanceType: w.nodeType, count: w.nodes }] : [] }),
    notes: ["EKS: the control plane is billed per cluster-hour (standard support); nodes at their EC2 on-demand price"],
  },
  functions: {
    service: "lambda",
    line: (w) => ({ ...w, architecture: "x86_64" }),
    notes: ["Lambda: x86_64, duration billed in 1 ms steps, the published monthly free tier per account"],
  },
  vms: { line: (v) => ({ type: v.type, count: v.count }) },
};
