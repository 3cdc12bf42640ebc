import { z } from "@hono/zod-openapi";
import Big from "big.js";
import { roundUpTo } from "../../estimates/arithmetic.ts";
import type { WorkloadMapping } from "../../estimates/compare.ts";
import { count, type EstimatorDeps, hoursPerMonth, instanceTypeField } from "../../estimates/fields.ts";
import type { Estimator } from "../../estimates/line.ts";
import { MACHINE_TYPE, VERTEX_COMPONENTS } from "./catalog.ts";

/**
 * How Google Cloud bills the usage an estimate line describes. Cloud Run (cloud.google.com/run/pricing,
 * request-based billing): vCPU-seconds, GiB-seconds and requests, usage rounded up to 100 ms, the monthly
 * free tier per billing account. GKE (cloud.google.com/kubernetes-engine/pricing): the cluster fee per
 * cluster-hour in every mode, the monthly credit per billing account for one zonal or Autopilot cluster,
 * Standard nodes at their Compute Engine price, Autopilot pods per vCPU-hour and GiB-hour requested.
 * Compute Engine and Vertex AI per machine-hour (list prices: no sustained- or committed-use discount).
 */

function machineTypeField(deps: EstimatorDeps, name: string) {
  return instanceTypeField(name, MACHINE_TYPE, "a Compute Engine machine type such as n2-standard-4", deps.specs("compute"));
}

const cloudRunUsage = z.strictObject({
  requestsPerMonth: count("requestsPerMonth", 100_000_000_000),
  avgDurationMs: z.number({ error: "avgDurationMs must be a number of milliseconds" }).positive("avgDurationMs must be more than 0").max(3_600_000, "avgDurationMs must be at most 3600000 (Cloud Run's 60-minute limit)"),
  memoryMB: z.number({ error: "memoryMB must be a whole number of MiB" }).int("memoryMB must be a whole number of MiB").min(128, "memoryMB must be at least 128").max(32_768, "memoryMB must be at most 32768 (Cloud Run's limit)"),
  vcpu: z.number({ error: "vcpu must be a number" }).min(0.08, "vcpu must be at least 0.08").max(8, "vcpu must be at most 8").default(1),
  concurrency: count("concurrency", 1000).min(1, "concurrency must be at least 1").default(1),
});

const cloudRun: Estimator<z.output<typeof cloudRunUsage>> = {
  usage: cloudRunUsage,
  example: { requestsPerMonth: 10_000_000, avgDurationMs: 200, memoryMB: 512 },
  prices: () => ({ "cloud-run": ["cpu", "memory", "requests"] }),
  estimate(u, line) {
    const free = line.freeTierOf("cloud-run");
    const billed = roundUpTo(u.avgDurationMs, 100);
    // Instance time: each request's time, shared by `concurrency` requests served at once.
    const seconds = new Big(u.requestsPerMonth).times(billed).div(1000).div(u.concurrency);
    line.note("request-based billing: usage rounded up to 100 ms; instance time = requests × time ÷ concurrency (concurrency 1 bills each request its own time)");
    line.usage("cloud-run", "cpu", seconds.times(u.vcpu), free?.vcpuSeconds ? { key: "gcp/cloud-run/vcpuSeconds", quantity: free.vcpuSeconds, note: `Cloud Run free tier: ${free.vcpuSeconds} vCPU-seconds a month per billing account (${free.source})` } : undefined, "vCPU-seconds");
    line.usage("cloud-run", "memory", seconds.times(u.memoryMB).div(1024), free?.gibSeconds ? { key: "gcp/cloud-run/gibSeconds", quantity: free.gibSeconds, note: `Cloud Run free tier: ${free.gibSeconds} GiB-seconds a month per billing account (${free.source})` } : undefined, "GiB-seconds");
    line.usage("cloud-run", "requests", u.requestsPerMonth, free?.requests ? { key: "gcp/cloud-run/requests", quantity: free.requests, note: `Cloud Run free tier: ${free.requests} requests a month per billing account (${free.source})` } : undefined);
  },
};

function gkeEstimator(deps: EstimatorDeps) {
  const usage = z.strictObject({
    clusters: count("clusters", 1000).default(1),
    mode: z.enum(["standard", "autopilot"], { error: "mode must be standard or autopilot" }).default("standard"),
    regional: z.boolean({ error: "regional must be true or false" }).default(false),
    hoursPerMonth: hoursPerMonth(),
    nodes: z.array(z.strictObject({ machineType: machineTypeField(deps, "machineType"), count: count("count", 100_000), hoursPerMonth: hoursPerMonth() })).max(100, "at most 100 node pools per line").default([]),
    autopilot: z
      .strictObject({
        vcpu: z.number({ error: "vcpu must be a number" }).nonnegative("vcpu must be 0 or more").max(1_000_000, "vcpu must be at most 1000000"),
        memoryGiB: z.number({ error: "memoryGiB must be a number" }).nonnegative("memoryGiB must be 0 or more").max(10_000_000, "memoryGiB must be at most 10000000"),
        hoursPerMonth: hoursPerMonth(),
      })
      .optional(),
  });
  const estimator: Estimator<z.output<typeof usage>> = {
    usage,
    example: { clusters: 1, nodes: [{ machineType: "e2-standard-4", count: 3 }] },
    prices: (u) => ({
      gke: ["control-plane.standard", ...(u.autopilot ? ["autopilot.vcpu", "autopilot.memory"] : [])],
      compute: [...new Set(u.nodes.map((n) => n.machineType))],
    }),
    estimate(u, line) {
      const hours = u.hoursPerMonth ?? line.ctx.hoursPerMonth;
      const free = line.freeTierOf("gke");
      const priced = line.prices("gke", "control-plane.standard");
      // The monthly credit (dollars) covers one zonal or Autopilot cluster's fee: as cluster-hours at the fee.
      const creditHours = free?.creditUsd && "item" in priced && (u.mode === "autopilot" || !u.regional) ? new Big(free.creditUsd).div(priced.item.price) : undefined;
      line.usage(
        "gke",
        "control-plane.standard",
        new Big(u.clusters).times(hours),
        creditHours ? { key: "gcp/gke/credit", quantity: creditHours, note: `GKE free tier: a $${free?.creditUsd} credit a month per billing account for zonal and Autopilot clusters (${free?.source}), as cluster-hours at the fee` } : undefined,
        "cluster-hours",
      );
      if (u.regional && u.mode === "standard") line.note("the monthly credit does not apply to regional Standard clusters");
      for (const n of u.nodes) line.hours("compute", n.machineType, n.count, n.hoursPerMonth ?? hours);
      if (u.autopilot) {
        const h = u.autopilot.hoursPerMonth ?? hours;
        line.hours("gke", "autopilot.vcpu", u.autopilot.vcpu, h);
        line.hours("gke", "autopilot.memory", u.autopilot.memoryGiB, h);
      }
    },
  };
  return estimator;
}

function computeEstimator(deps: EstimatorDeps) {
  const usage = z.strictObject({ type: machineTypeField(deps, "type"), count: count("count", 100_000).default(1), hoursPerMonth: hoursPerMonth() });
  const estimator: Estimator<z.output<typeof usage>> = {
    usage,
    example: { type: "n2-standard-4", count: 2 },
    prices: (u) => ({ compute: [u.type] }),
    estimate(u, line) {
      line.note("list prices: sustained-use and committed-use discounts are not applied");
      line.hours("compute", u.type, u.count, u.hoursPerMonth ?? line.ctx.hoursPerMonth);
    },
  };
  return estimator;
}

function vertexEstimator(deps: EstimatorDeps) {
  const usage = z.strictObject({
    component: z.enum(VERTEX_COMPONENTS, { error: `component must be one of ${VERTEX_COMPONENTS.join(", ")}` }),
    instanceType: machineTypeField(deps, "instanceType"),
    count: count("count", 100_000).default(1),
    hoursPerMonth: hoursPerMonth(),
  });
  const estimator: Estimator<z.output<typeof usage>> = {
    usage,
    example: { component: "prediction", instanceType: "n1-standard-4", count: 1 },
    prices: (u) => ({ "vertex-ai": [`${u.component}.${u.instanceType}`] }),
    estimate: (u, line) => void line.hours("vertex-ai", `${u.component}.${u.instanceType}`, u.count, u.hoursPerMonth ?? line.ctx.hoursPerMonth),
  };
  return estimator;
}

export function gcpEstimators(deps: EstimatorDeps): Record<string, Estimator<never>> {
  return { "cloud-run": cloudRun, gke: gkeEstimator(deps), compute: computeEstimator(deps), "vertex-ai": vertexEstimator(deps) } as unknown as Record<string, Estimator<never>>;
}

/** How a cloud-neutral workload runs on Google Cloud (`POST /v1/compare`). */
export const GCP_WORKLOADS: WorkloadMapping = {
  kubernetes: {
    service: "gke",
    line: (w) => ({ clusters: w.clusters, mode: "standard", regional: false, nodes: w.nodeType ? [{ machineType: w.nodeType, count: w.nodes }] : [] }),
    notes: ["GKE: a zonal Standard cluster; its fee is covered by the monthly credit, which applies once per billing account (not to regional Standard clusters)"],
  },
  functions: {
    service: "cloud-run",
    line: (w) => ({ ...w, vcpu: 1, concurrency: 1 }),
    notes: ["Cloud Run: request-based billing with 1 vCPU and each request billed its own time (concurrency 1), usage in 100 ms steps, the monthly free tier per billing account"],
  },
  vms: { line: (v) => ({ type: v.type, count: v.count }) },
};
