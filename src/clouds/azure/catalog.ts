import type { Unit } from "../../domain/price.ts";
import { type IdListRules, listParam, parseIdList } from "../../pricing/params.ts";
import { SPEC_PARAMS, specFilterOf } from "../../pricing/spec-filter.ts";
import { type AnyServiceDef, defineService, type QuestionContext } from "../types.ts";
import { ARM_SKU_NAME, canonicalVmSize, KNOWN_VM_SIZES, vmFamily } from "./vm-sizes.ts";

/**
 * What each priced Azure service offers: item ids, units and query parameters. The routes
 * (`/v1/prices/azure/<service>`), the batch, /v1/catalog, the OpenAPI document and the fallback-table
 * validation are all made from `AZURE_SERVICES`.
 */
export const AKS_ITEMS = {
  "control-plane.free": "hour",
  "control-plane.free-infrastructure": "hour",
  "control-plane.standard": "hour",
  "control-plane.premium": "hour",
  "automatic.control-plane": "hour",
  "automatic.vcpu.general-purpose": "vcpu-hour",
  "automatic.vcpu.compute-optimized": "vcpu-hour",
  "automatic.vcpu.memory-optimized": "vcpu-hour",
  "automatic.vcpu.storage-optimized": "vcpu-hour",
  "automatic.vcpu.gpu-accelerated": "vcpu-hour",
  "automatic.vcpu.confidential-compute": "vcpu-hour",
  "automatic.vcpu.high-performance-compute": "vcpu-hour",
} as const satisfies Record<string, Unit>;

export const FUNCTIONS_ITEMS = {
  "consumption.executions": "request",
  "consumption.execution-time": "gb-second",
  "flex.on-demand.executions": "request",
  "flex.on-demand.execution-time": "gb-second",
  "flex.always-ready.baseline": "gb-second",
  "flex.always-ready.execution-time": "gb-second",
  "flex.always-ready.executions": "request",
  "premium.vcpu": "vcpu-hour",
  "premium.memory": "gb-hour",
} as const satisfies Record<string, Unit>;

/** The monthly free grants Functions answers with (Consumption, and Flex Consumption on demand). */
export const FUNCTIONS_FREE_TIER = ["executions", "gbSeconds", "flexExecutions", "flexGbSeconds"] as const;

/** The most VM sizes one request may name. */
export const MAX_VM_SIZES = 100;

/** An ML compute item: `compute.` and the VM size it runs on. */
export const ML_COMPUTE_PREFIX = "compute.";
const ML_COMPUTE_ID = /^compute\.((?:Standard|Basic)_[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)*)$/;

/** The VM size of an ML compute id, or undefined. */
export function mlVmSize(id: string): string | undefined {
  return ML_COMPUTE_ID.exec(id)?.[1];
}

const VM_SIZE_WHAT = "an Azure VM size, the ARM SKU name such as Standard_D2s_v5 (any case)";

/** `vmSize` values → sizes in Azure's casing; "did you mean" searches every size Azure has priced. */
function vmSizes(raw: string | string[] | undefined, ctx: QuestionContext): string[] | undefined {
  const rules: IdListRules = {
    parameter: "vmSize",
    max: MAX_VM_SIZES,
    normalize: canonicalVmSize,
    valid: (v) => ARM_SKU_NAME.test(v),
    what: VM_SIZE_WHAT,
    known: () => KNOWN_VM_SIZES,
    suggestions: ctx.suggestions,
  };
  return parseIdList(raw, rules);
}

const vmSizeParam = (what: string) =>
  listParam(
    "vmSize",
    `${what}, repeated or comma-separated (at most ${MAX_VM_SIZES}), any case; answered in Azure's casing. Omit to list every priced size.`,
    "Standard_D2s_v5,Standard_E4s_v5",
  );

const aks = defineService({
  id: "aks",
  title: "Azure Kubernetes Service",
  operationId: "getAzureAksPrices",
  summary: "AKS cluster management (Free, Standard, Premium, Automatic) prices for a region",
  description:
    "Per cluster-hour. `control-plane.free` is the Free tier, published at $0 (not a missing price). `control-plane.standard` is the `Standard Uptime SLA` meter; `control-plane.premium` is the total of that meter and `Standard Long Term Support`, both billed, with the two in `parts`. `control-plane.free-infrastructure` is the `FreeTierInfrastructureCost Uptime SLA` meter where Azure lists it (not included in the Free tier's $0: Microsoft's pricing pages do not say what it bills). `automatic.control-plane` is AKS Automatic's hosted control plane; `automatic.vcpu.*` are Automatic's per-vCPU surcharges by VM category, on top of the node VMs' prices. Nodes are priced as VMs (`/v1/prices/azure/vm`).",
  items: AKS_ITEMS,
  publishedFree: ["control-plane.free"],
  params: {},
  question: () => ({}),
});

const vm = defineService({
  id: "vm",
  title: "Azure Virtual Machines",
  operationId: "getAzureVmPrices",
  summary: "Azure VM pay-as-you-go prices (Linux) for a region",
  description:
    "One item per VM size, id = the ARM SKU name in Azure's casing (`Standard_D2s_v5`), unit `hour`: the Linux pay-as-you-go price (not Windows, Spot, Low Priority, Dev/Test, reservations or the \"Cloud Services\" rows Azure lists under the same size), with its vCPUs, memory, architecture and GPUs as the cited sources state them. Search by specs with `minVcpu`, `maxVcpu`, `minMemoryGiB`, `maxMemoryGiB`, `architecture`, `gpu` and `family` (the series: `dsv5`, `easv5`, `ncast4v3`); order with `sort` and cut with `limit`. Nothing matching is a 404 `price_not_available` naming the search.",
  patterns: [{ pattern: ARM_SKU_NAME, unit: "hour", example: "Standard_D2s_v5", describe: "an Azure VM size (ARM SKU name)" }],
  instances: { familyOf: vmFamily },
  params: { vmSize: vmSizeParam("Azure VM sizes (ARM SKU names)"), ...SPEC_PARAMS },
  question: (p, ctx) => ({
    specs: specFilterOf(p),
    ids: vmSizes(p.vmSize, ctx),
  }),
});

const functions = defineService({
  id: "functions",
  title: "Azure Functions",
  operationId: "getAzureFunctionsPrices",
  summary: "Azure Functions prices (Consumption, Flex Consumption, Premium) for a region, with the monthly free grants",
  description:
    "`consumption.executions` is per execution (Azure publishes it per 10 executions; the price here is that divided by 10, exactly); `consumption.execution-time` per GB-second. `flex.on-demand.*` and `flex.always-ready.*` are the Flex Consumption meters; `premium.vcpu` (vCPU-hour) and `premium.memory` (GiB-hour) the Elastic Premium plan's. `freeTier` holds the monthly grants per subscription: `executions` and `gbSeconds` (Consumption), `flexExecutions` and `flexGbSeconds` (Flex Consumption on demand); item prices are those after the grant.",
  items: FUNCTIONS_ITEMS,
  params: {},
  question: () => ({}),
  freeTier: FUNCTIONS_FREE_TIER,
});

const ml = defineService({
  id: "ml",
  title: "Azure Machine Learning",
  operationId: "getAzureMlPrices",
  summary: "Azure Machine Learning compute instance and compute cluster prices for a region",
  description:
    "Item ids are `compute.<vmSize>` (unit `hour`): Azure Machine Learning compute instances and compute clusters are billed at the VM's Linux pay-as-you-go price, so each item is that VM price (the description and `sku` say so), with the VM's specs; the spec search works as for `vm`.",
  patterns: [{ pattern: ML_COMPUTE_ID, unit: "hour", example: "compute.Standard_D2s_v5", describe: "compute.<Azure VM size>" }],
  instances: { familyOf: (id) => vmFamily(mlVmSize(id) ?? id) },
  params: { vmSize: vmSizeParam("Azure VM sizes the compute runs on (ARM SKU names)"), ...SPEC_PARAMS },
  question: (p, ctx) => ({
    specs: specFilterOf(p),
    ids: vmSizes(p.vmSize, ctx)?.map((size) => `${ML_COMPUTE_PREFIX}${size}`),
  }),
});

/** The typed definitions (the typed client's price routes are derived from them). */
export const AZURE_SERVICE_DEFS = { aks, vm, functions, ml } as const;
export const AZURE_SERVICES: readonly AnyServiceDef[] = Object.values(AZURE_SERVICE_DEFS);
