import { z } from "@hono/zod-openapi";
import type { Unit } from "../../domain/price.ts";
import { listParam, parseIdList } from "../../pricing/params.ts";
import { SPEC_PARAMS, specFilterOf } from "../../pricing/spec-filter.ts";
import { type AnyServiceDef, defineService } from "../types.ts";

/**
 * What each priced Google Cloud service offers: item ids, units and query parameters. The routes, the
 * batch, /v1/catalog, the OpenAPI document and the fallback-table validation are made from these.
 * GiB-based prices use the `gb-*` units: Google bills memory in GiB (`GiBy.h`, `GiBy.s`).
 */
export const GKE_ITEMS = {
  "control-plane.standard": "hour",
  "autopilot.vcpu": "vcpu-hour",
  "autopilot.memory": "gb-hour",
} as const satisfies Record<string, Unit>;

/** Cloud Run: request-based billing (the region's tier), and instance-based billing's CPU and memory. */
export const CLOUD_RUN_ITEMS = {
  cpu: "second",
  memory: "gb-second",
  requests: "request",
  "instance.cpu": "second",
  "instance.memory": "gb-second",
} as const satisfies Record<string, Unit>;

/**
 * A Compute Engine machine type as Google names them: a family token (`n2`, `c4a`, `e2`, `custom`),
 * then one to four lower-case parts (`standard-4`, `micro`, `highcpu-192-metal`, `standard-4-lssd`).
 */
const MACHINE_TYPE_SOURCE = "(?:[a-z]+\\d[a-z0-9]*|custom)(?:-[a-z0-9]+){1,4}";
export const MACHINE_TYPE = new RegExp(`^${MACHINE_TYPE_SOURCE}$`);

export const VERTEX_COMPONENTS = ["training", "prediction"] as const;
export type VertexComponent = (typeof VERTEX_COMPONENTS)[number];
const VERTEX_ID = new RegExp(`^(${VERTEX_COMPONENTS.join("|")})\\.(${MACHINE_TYPE_SOURCE})$`);

/** Splits a Vertex AI item id (`training.n1-standard-4`); undefined when it is not one. */
export function parseVertexId(id: string): { component: VertexComponent; machineType: string } | undefined {
  const m = VERTEX_ID.exec(id);
  return m ? { component: m[1] as VertexComponent, machineType: m[2] as string } : undefined;
}

/** The family a machine type belongs to, for the spec search's `family` (`n2-standard-4` → `n2`). */
export function machineFamily(id: string): string {
  const dash = id.indexOf("-");
  return dash < 0 ? id : id.slice(0, dash);
}

export const MAX_MACHINE_TYPES = 100;
const MACHINE_TYPE_WHAT = "a Compute Engine machine type (family-kind-size, such as n2-standard-4 or e2-micro)";

const gke = defineService({
  id: "gke",
  title: "Google Kubernetes Engine",
  operationId: "getGkePrices",
  summary: "GKE cluster management fee and Autopilot pod prices for a region, with the monthly free-tier credit",
  description:
    "`control-plane.standard` is the cluster management fee per cluster-hour (every mode). `autopilot.vcpu` and `autopilot.memory` are Autopilot's general-purpose pod requests per vCPU-hour and GiB-hour (Google publishes CPU per mCPU-hour; the item says so). `freeTier.creditUsd` is the monthly credit per billing account, which covers one zonal or Autopilot cluster (not regional Standard clusters).",
  items: GKE_ITEMS,
  params: {},
  question: () => ({}),
  freeTier: ["creditUsd"],
});

const compute = defineService({
  id: "compute",
  title: "Compute Engine",
  operationId: "getComputeEnginePrices",
  summary: "Compute Engine on-demand machine-type prices (Linux, no sustained-use discount) for a region",
  description:
    "One item per machine type, id = the machine type, unit `hour`, with vCPUs (fractional for shared-core types: e2-micro 0.25), memory, architecture and GPUs. A machine type has no SKU of its own: live prices are vCPU × the family's \"Instance Core\" SKU + GiB × its \"Instance Ram\" SKU (+ the GPUs' SKUs for accelerator-optimized types), each item naming the SKUs it used. These are list prices: sustained-use and committed-use discounts are not applied. Search by specs with `minVcpu`, `maxVcpu`, `minMemoryGiB`, `maxMemoryGiB`, `architecture`, `gpu` and `family`; order with `sort`; cut with `limit`.",
  patterns: [{ pattern: MACHINE_TYPE, unit: "hour", example: "n2-standard-4", describe: "a Compute Engine machine type" }],
  instances: { familyOf: machineFamily },
  params: {
    machineType: listParam(
      "machineType",
      `Machine types, repeated or comma-separated (at most ${MAX_MACHINE_TYPES}), any case. Omit to list every priced type.`,
      "n2-standard-4,e2-medium",
    ),
    ...SPEC_PARAMS,
  },
  question: (p, ctx) => ({
    specs: specFilterOf(p),
    ids: parseIdList(p.machineType, {
      parameter: "machineType",
      max: MAX_MACHINE_TYPES,
      normalize: (v) => v.toLowerCase(),
      valid: (v) => MACHINE_TYPE.test(v),
      what: MACHINE_TYPE_WHAT,
      known: () => ctx.knownIds(),
      suggestions: ctx.suggestions,
    }),
  }),
});

const cloudRun = defineService({
  id: "cloud-run",
  title: "Cloud Run",
  operationId: "getCloudRunPrices",
  summary: "Cloud Run vCPU-second, GiB-second and request prices for a region, with the monthly free tier",
  description:
    "`cpu` (per vCPU-second), `memory` (per GiB-second) and `requests` (per request) are request-based billing at the region's price tier (Tier 1 or Tier 2; each item says which); `instance.cpu` and `instance.memory` are instance-based billing. Usage is rounded up to 100 ms. `freeTier` is the monthly grant per billing account (vCPU-seconds, GiB-seconds, requests), applied at Tier 1 prices.",
  items: CLOUD_RUN_ITEMS,
  params: {},
  question: () => ({}),
  freeTier: ["vcpuSeconds", "gibSeconds", "requests"],
});

const vertexAi = defineService({
  id: "vertex-ai",
  title: "Vertex AI",
  operationId: "getVertexAiPrices",
  summary: "Vertex AI custom-training and prediction node-hour prices per machine type for a region",
  description:
    "Item ids are `training.<machineType>` and `prediction.<machineType>`, unit `hour` (one node-hour). Live prices are vCPU × the Vertex AI core SKU + GiB × its RAM SKU for the machine's family (training adds Vertex AI's management-fee SKUs where the catalogue has them); each item names the SKUs. Either filter may be omitted to list.",
  patterns: [{ pattern: VERTEX_ID, unit: "hour", example: "training.n1-standard-4", describe: "<component>.<machine type> (component: training or prediction)" }],
  params: {
    component: z
      .enum(VERTEX_COMPONENTS, { error: `must be one of ${VERTEX_COMPONENTS.join(", ")}` })
      .optional()
      .openapi({ param: { name: "component", in: "query" }, example: "training" }),
    machineType: z
      .string()
      .max(64)
      .transform((v) => v.toLowerCase())
      .pipe(z.string().regex(MACHINE_TYPE, "must be a machine type, such as n1-standard-4"))
      .optional()
      .openapi({ param: { name: "machineType", in: "query" }, example: "n1-standard-4" }),
  },
  question: (p) => ({
    filter: {
      ...(p.component ? { component: p.component } : {}),
      ...(p.machineType ? { machineType: p.machineType } : {}),
    },
  }),
  matches: (id, filter) => {
    const parsed = parseVertexId(id);
    return (
      parsed !== undefined &&
      (!filter.component || parsed.component === filter.component) &&
      (!filter.machineType || parsed.machineType === filter.machineType)
    );
  },
});

/** The typed definitions (the typed client's price routes are derived from them). */
export const GCP_SERVICE_DEFS = { gke, compute, "cloud-run": cloudRun, "vertex-ai": vertexAi } as const;
export const GCP_SERVICES: readonly AnyServiceDef[] = Object.values(GCP_SERVICE_DEFS);
