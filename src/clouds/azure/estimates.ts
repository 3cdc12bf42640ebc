import { z } from "@hono/zod-openapi";
import Big from "big.js";
import { didYouMean } from "../../domain/suggest.ts";
import { roundUpTo } from "../../estimates/arithmetic.ts";
import type { WorkloadMapping } from "../../estimates/compare.ts";
import { count, type EstimatorDeps, hoursPerMonth } from "../../estimates/fields.ts";
import type { Estimator } from "../../estimates/line.ts";
import { ML_COMPUTE_PREFIX } from "./catalog.ts";
import { ARM_SKU_NAME, canonicalVmSize, KNOWN_VM_SIZES } from "./vm-sizes.ts";

/**
 * How Azure bills the usage an estimate line describes. Functions (azure.microsoft.com/pricing/details/
 * functions, Consumption plan): executions (published per 10) and execution time in GB-seconds, with
 * memory rounded up to the nearest 128 MB (at most 1,536 MB) and time rounded up to the nearest 1 ms, at
 * least 100 ms and 128 MB per execution; the monthly free grant per subscription. AKS: cluster
 * management per cluster-hour by tier (Free is published at $0 and has no SLA), nodes at their VM price.
 * VMs and Machine Learning compute per instance-hour at the Linux pay-as-you-go price.
 */

const known = new Set(KNOWN_VM_SIZES);

function vmSizeField(name: string) {
  return z
    .string({ error: `${name} must be an Azure VM size such as Standard_D2s_v5` })
    .max(80, `${name} must be an Azure VM size such as Standard_D2s_v5`)
    .transform((v) => canonicalVmSize(v.trim()))
    .superRefine((v, ctx) => {
      if (!ARM_SKU_NAME.test(v)) ctx.addIssue({ code: "custom", message: `${name} must be an Azure VM size such as Standard_D2s_v5${didYouMean(v, KNOWN_VM_SIZES)}` });
      else if (!known.has(v)) ctx.addIssue({ code: "custom", message: `${name} "${v}" is not a VM size Azure has priced${didYouMean(v, KNOWN_VM_SIZES)}` });
    });
}

const functionsUsage = z.strictObject({
  plan: z.enum(["consumption"], { error: "plan must be consumption (the Flex Consumption and Premium plans bill per instance, not per execution)" }).default("consumption"),
  requestsPerMonth: count("requestsPerMonth", 100_000_000_000),
  avgDurationMs: z.number({ error: "avgDurationMs must be a number of milliseconds" }).positive("avgDurationMs must be more than 0").max(600_000, "avgDurationMs must be at most 600000 (the Consumption plan's 10-minute limit)"),
  memoryMB: z.number({ error: "memoryMB must be a number of MB" }).positive("memoryMB must be more than 0").max(1536, "memoryMB must be at most 1536 (the Consumption plan's limit)"),
});

const functions: Estimator<z.output<typeof functionsUsage>> = {
  usage: functionsUsage,
  example: { requestsPerMonth: 3_000_000, avgDurationMs: 1000, memoryMB: 512 },
  prices: () => ({ functions: ["consumption.executions", "consumption.execution-time"] }),
  estimate(u, line) {
    const free = line.freeTierOf("functions");
    const memory = roundUpTo(Math.max(u.memoryMB, 128), 128);
    const ms = roundUpTo(Math.max(u.avgDurationMs, 100), 1);
    const gbSeconds = new Big(u.requestsPerMonth).times(ms).div(1000).times(memory).div(1024);
    line.note("Consumption plan: memory rounded up to the nearest 128 MB, time to the nearest 1 ms, at least 100 ms and 128 MB per execution; executions published per 10");
    line.usage("functions", "consumption.executions", u.requestsPerMonth, free?.executions ? { key: "azure/functions/executions", quantity: free.executions, note: `Azure Functions free grant: ${free.executions} executions a month per subscription (${free.source})` } : undefined);
    line.usage("functions", "consumption.execution-time", gbSeconds, free?.gbSeconds ? { key: "azure/functions/gbSeconds", quantity: free.gbSeconds, note: `Azure Functions free grant: ${free.gbSeconds} GB-seconds a month per subscription (${free.source})` } : undefined);
  },
};

const AKS_TIERS = ["free", "standard", "premium"] as const;
const aksUsage = z.strictObject({
  clusters: count("clusters", 1000).default(1),
  tier: z.enum(AKS_TIERS, { error: `tier must be one of ${AKS_TIERS.join(", ")}` }).default("free"),
  hoursPerMonth: hoursPerMonth(),
  nodes: z.array(z.strictObject({ vmSize: vmSizeField("vmSize"), count: count("count", 100_000), hoursPerMonth: hoursPerMonth() })).max(100, "at most 100 node pools per line").default([]),
});

const aks: Estimator<z.output<typeof aksUsage>> = {
  usage: aksUsage,
  example: { clusters: 1, tier: "standard", nodes: [{ vmSize: "Standard_D4s_v5", count: 3 }] },
  prices: (u) => ({ aks: [`control-plane.${u.tier}`], vm: [...new Set(u.nodes.map((n) => n.vmSize))] }),
  estimate(u, line) {
    const hours = u.hoursPerMonth ?? line.ctx.hoursPerMonth;
    line.hours("aks", `control-plane.${u.tier}`, u.clusters, hours);
    if (u.tier === "free") line.note("AKS Free tier: cluster management published at $0, without an uptime SLA");
    if (u.tier === "premium") line.note("AKS Premium: the Standard uptime SLA and Long Term Support meters together");
    for (const n of u.nodes) line.hours("vm", n.vmSize, n.count, n.hoursPerMonth ?? hours);
  },
};

const vmUsage = z.strictObject({ type: vmSizeField("type"), count: count("count", 100_000).default(1), hoursPerMonth: hoursPerMonth() });
const vm: Estimator<z.output<typeof vmUsage>> = {
  usage: vmUsage,
  example: { type: "Standard_D2s_v5", count: 2 },
  prices: (u) => ({ vm: [u.type] }),
  estimate: (u, line) => void line.hours("vm", u.type, u.count, u.hoursPerMonth ?? line.ctx.hoursPerMonth),
};

const mlUsage = z.strictObject({
  component: z.enum(["compute-instance", "compute-cluster"], { error: "component must be compute-instance or compute-cluster" }).default("compute-instance"),
  instanceType: vmSizeField("instanceType"),
  count: count("count", 100_000).default(1),
  hoursPerMonth: hoursPerMonth(),
});
const ml: Estimator<z.output<typeof mlUsage>> = {
  usage: mlUsage,
  example: { component: "compute-cluster", instanceType: "Standard_NC4as_T4_v3", count: 2 },
  prices: (u) => ({ ml: [`${ML_COMPUTE_PREFIX}${u.instanceType}`] }),
  estimate(u, line) {
    line.note("Azure Machine Learning compute instances and clusters bill at the VM's Linux pay-as-you-go price");
    line.hours("ml", `${ML_COMPUTE_PREFIX}${u.instanceType}`, u.count, u.hoursPerMonth ?? line.ctx.hoursPerMonth);
  },
};

export function azureEstimators(_deps: EstimatorDeps): Record<string, Estimator<never>> {
  return { functions, aks, vm, ml } as unknown as Record<string, Estimator<never>>;
}

/** How a cloud-neutral workload runs on Azure (`POST /v1/compare`). */
export const AZURE_WORKLOADS: WorkloadMapping = {
  kubernetes: {
    service: "aks",
    line: (w) => ({ clusters: w.clusters, tier: "standard", nodes: w.nodeType ? [{ vmSize: w.nodeType, count: w.nodes }] : [] }),
    notes: ["AKS: the Standard tier (with an uptime SLA, like EKS) is compared; the Free tier is published at $0 but has no SLA"],
  },
  functions: {
    service: "functions",
    line: (w) => ({ plan: "consumption", ...w }),
    notes: ["Azure Functions: the Consumption plan (memory in 128 MB steps, at least 100 ms an execution), the monthly free grant per subscription"],
  },
  vms: { line: (v) => ({ type: v.type, count: v.count }) },
};
