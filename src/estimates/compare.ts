import Big from "big.js";
import { z } from "@hono/zod-openapi";
import type { CloudPlugin } from "../clouds/types.ts";
import type { Money } from "../domain/money.ts";
import type { PriceProvider, SpecFilter } from "../domain/price.ts";
import { didYouMean } from "../domain/suggest.ts";
import { ApiError } from "../errors.ts";
import { fieldErrors } from "../http/problem.ts";
import { searchInstances } from "../pricing/instances.ts";
import { count } from "./fields.ts";
import type { Estimator } from "./line.ts";
import { type EstimateAnswer, runEstimate } from "./run.ts";
import { describeTerms, type PurchaseOption } from "../domain/purchase.ts";
import { parsePurchase, purchaseParams } from "../pricing/purchase-params.ts";

/** Marks a line that runs instances (the lines a purchase option applies to). */
const INSTANCES = Symbol("instances");

/** A purchase option as an estimate line's fields. */
function purchaseFields(p: PurchaseOption): Record<string, string> {
  return Object.fromEntries(Object.entries({ purchaseOption: p.option, term: p.term, payment: p.payment, offeringClass: p.offeringClass, planType: p.planType }).filter(([, v]) => v !== undefined)) as Record<string, string>;
}

/**
 * `POST /v1/compare`: one cloud-neutral workload (a Kubernetes cluster, functions, VMs) priced on each
 * cloud in the region the caller names for it. Each cloud maps the workload onto its own services
 * (`CloudPlugin.workloads`): instance types are the cheapest that fit, chosen by the same search as
 * `GET /v1/instances`; the lines are then priced by the same estimators as `POST /v1/estimates`.
 */

/** How a cloud runs each kind of workload: which service, and the estimate line for it. */
export interface WorkloadMapping {
  kubernetes?: {
    service: string;
    line(w: { clusters: number; nodeType: string | undefined; nodes: number }): Record<string, unknown>;
    notes: string[];
  };
  functions?: {
    service: string;
    line(w: { requestsPerMonth: number; avgDurationMs: number; memoryMB: number }): Record<string, unknown>;
    notes: string[];
  };
  vms?: { line(v: { type: string; count: number }): Record<string, unknown> };
}

const ARCH = z.enum(["x86_64", "arm64", "any"], { error: "architecture must be x86_64, arm64 or any" });
const vcpu = (name: string) => z.number({ error: `${name} must be a number` }).positive(`${name} must be more than 0`).max(1_000, `${name} must be at most 1000`);
const gib = (name: string) => z.number({ error: `${name} must be a number` }).positive(`${name} must be more than 0`).max(32_768, `${name} must be at most 32768`);

export const CompareRequest = z.strictObject({
  regions: z.record(z.string(), z.string()).refine((r) => Object.keys(r).length > 0, "regions must name at least one cloud: { \"aws\": \"us-east-1\", … }"),
  kubernetes: z
    .strictObject({
      clusters: count("clusters", 100).default(1),
      nodes: count("nodes", 10_000),
      minVcpu: vcpu("minVcpu"),
      minMemoryGiB: gib("minMemoryGiB"),
      architecture: ARCH.default("x86_64"),
    })
    .optional(),
  functions: z
    .strictObject({
      requestsPerMonth: count("requestsPerMonth", 100_000_000_000),
      avgDurationMs: z.number({ error: "avgDurationMs must be a number" }).positive("avgDurationMs must be more than 0").max(900_000, "avgDurationMs must be at most 900000"),
      memoryMB: z.number({ error: "memoryMB must be a whole number" }).int("memoryMB must be a whole number").min(128, "memoryMB must be at least 128").max(10_240, "memoryMB must be at most 10240"),
    })
    .optional(),
  vms: z
    .array(z.strictObject({ count: count("count", 10_000).default(1), minVcpu: vcpu("minVcpu"), minMemoryGiB: gib("minMemoryGiB"), architecture: ARCH.default("x86_64"), gpu: z.boolean({ error: "gpu must be true or false" }).default(false) }))
    .max(20, "at most 20 VM groups")
    .optional(),
  freeTier: z.boolean({ error: "freeTier must be true or false" }).default(true),
  /** Beside on-demand: how the instances (Kubernetes nodes, VMs) could be bought instead. */
  purchaseOptions: z.array(z.strictObject(purchaseParams)).max(6, "at most 6 purchase options").optional(),
});

export interface Choice {
  for: string;
  type: string | null;
  why: string;
  vcpu?: number;
  memoryGiB?: number;
  architecture?: string;
  hourly?: string;
}

export interface CloudComparison {
  cloud: string;
  region: string;
  choices: Choice[];
  estimate: EstimateAnswer | null;
  monthly: Money | null;
  complete: boolean;
  notes: string[];
  /** The same workload with its instances bought each way the request asked (`purchaseOptions`). */
  options?: Array<{ purchase: string; monthly: Money | null; complete: boolean; estimate: EstimateAnswer | null }>;
}

export interface CompareAnswer {
  currency: "USD";
  clouds: CloudComparison[];
  /** Clouds whose estimate is complete, cheapest first; incomplete ones follow, unranked. */
  ranking: Array<{ rank: number | null; cloud: string; monthly: Money | null; complete: boolean }>;
  /** With `purchaseOptions`: every complete (cloud, purchase option), cheapest first, on-demand included. */
  cheapest?: Array<{ rank: number; cloud: string; purchase: string; monthly: Money }>;
  notes: string[];
}

export interface CompareDeps {
  clouds: readonly CloudPlugin[];
  prices(cloud: string): PriceProvider;
  estimators: ReadonlyMap<string, Estimator<never>>;
}

async function cheapestFit(cloud: CloudPlugin, region: string, need: { minVcpu: number; minMemoryGiB: number; architecture: string; gpu?: boolean }, deps: CompareDeps, signal?: AbortSignal) {
  const filter: SpecFilter = { minVcpu: need.minVcpu, minMemoryGiB: need.minMemoryGiB, ...(need.architecture === "any" ? {} : { architecture: need.architecture as "x86_64" | "arm64" }), gpu: need.gpu ?? false };
  const found = await searchInstances({ filter, includeBurstable: false, where: [{ cloud, region }], sort: "price", limit: 1 }, deps.prices, signal);
  const [best] = found.rows;
  const arch = need.architecture === "any" ? "any architecture" : need.architecture;
  if (!best) return { choice: undefined, why: found.unavailable[0]?.reason ?? `no ${arch} type with ≥ ${need.minVcpu} vCPU and ≥ ${need.minMemoryGiB} GiB is priced in ${region}` };
  return { choice: best, why: `the cheapest ${arch} type with ≥ ${need.minVcpu} vCPU and ≥ ${need.minMemoryGiB} GiB in ${region} (of ${found.matched} that fit), burstable types left out` };
}

export async function runCompare(body: unknown, deps: CompareDeps, signal?: AbortSignal): Promise<CompareAnswer> {
  const parsed = CompareRequest.safeParse(body);
  if (!parsed.success) throw new ApiError("invalid_request", "not a comparison request", { errors: fieldErrors(parsed.error) });
  const req = parsed.data;
  if (!req.kubernetes && !req.functions && !req.vms?.length) {
    throw new ApiError("invalid_request", "nothing to compare", { errors: [{ parameter: "kubernetes", message: "name at least one of kubernetes, functions or vms" }] });
  }
  const errors: Array<{ parameter: string; message: string }> = [];
  const places: Array<{ cloud: CloudPlugin; region: string }> = [];
  for (const [id, code] of Object.entries(req.regions)) {
    const ids = deps.clouds.map((c) => c.id);
    const cloud = deps.clouds.find((c) => c.id === id.toLowerCase());
    if (!cloud) {
      errors.push({ parameter: `regions.${id}`, message: `"${id.slice(0, 20)}" is not one of ${ids.join(", ")}${didYouMean(id, ids)}` });
      continue;
    }
    const region = cloud.regions.normalize(code);
    if (!region) errors.push({ parameter: `regions.${id}`, message: cloud.regions.explain(code) });
    else places.push({ cloud, region });
  }
  if (errors.length > 0) throw new ApiError("invalid_request", "invalid regions", { errors });
  const options: PurchaseOption[] = [];
  for (const [i, raw] of (req.purchaseOptions ?? []).entries()) {
    const parsed = parsePurchase(raw);
    if ("errors" in parsed) errors.push(...parsed.errors.map((e) => ({ ...e, parameter: `purchaseOptions[${i}].${e.parameter}` })));
    else if (parsed.purchase) options.push(parsed.purchase);
  }
  if (errors.length > 0) throw new ApiError("invalid_request", "invalid purchase options", { errors });

  const compared = await Promise.all(places.map((p) => compareOn(p.cloud, p.region, req, options, deps, signal)));
  const ranked = compared.filter((c) => c.complete && c.monthly).sort((a, b) => new Big(a.monthly?.amount ?? 0).cmp(b.monthly?.amount ?? 0));
  const unranked = compared.filter((c) => !ranked.includes(c));
  const cheapest = compared
    .flatMap((c) => [
      ...(c.complete && c.monthly ? [{ cloud: c.cloud, purchase: "on-demand", monthly: c.monthly }] : []),
      ...(c.options ?? []).filter((o) => o.complete && o.monthly).map((o) => ({ cloud: c.cloud, purchase: o.purchase, monthly: o.monthly as Money })),
    ])
    .sort((a, b) => new Big(a.monthly.amount).cmp(b.monthly.amount))
    .map((c, i) => ({ rank: i + 1, ...c }));
  return {
    currency: "USD",
    clouds: compared,
    ...(options.length > 0 ? { cheapest } : {}),
    ranking: [
      ...ranked.map((c, i) => ({ rank: i + 1, cloud: c.cloud, monthly: c.monthly, complete: true })),
      ...unranked.map((c) => ({ rank: null, cloud: c.cloud, monthly: c.monthly, complete: false })),
    ],
    notes: [
      "list prices (on-demand) in USD; each cloud's free grants applied per billing account where asked",
      "a vCPU is a hardware thread on most x86 types and a whole core on Arm (Graviton, Ampere, Axion): types are chosen within one architecture unless architecture=any",
      "a cloud whose estimate is incomplete (something could not be priced) is not ranked: its monthly figure is a lower bound",
    ],
  };
}

async function compareOn(
  cloud: CloudPlugin,
  region: string,
  req: z.output<typeof CompareRequest>,
  options: readonly PurchaseOption[],
  deps: CompareDeps,
  signal?: AbortSignal,
): Promise<CloudComparison> {
  const map = cloud.workloads;
  const choices: Choice[] = [];
  const lines: Array<Record<string | symbol, unknown>> = [];
  const notes: string[] = [];
  const missing: string[] = [];
  const head = (service: string, id: string) => ({ id, cloud: cloud.id, service, region });
  if (req.kubernetes) {
    if (!map?.kubernetes) missing.push("kubernetes");
    else {
      const k = req.kubernetes;
      const fit = await cheapestFit(cloud, region, k, deps, signal);
      choices.push(choiceOf("kubernetes.nodes", fit));
      lines.push({ ...head(map.kubernetes.service, "kubernetes"), ...map.kubernetes.line({ clusters: k.clusters, nodeType: fit.choice?.id, nodes: fit.choice ? k.nodes : 0 }), [INSTANCES]: true });
      notes.push(...map.kubernetes.notes);
    }
  }
  if (req.functions) {
    if (!map?.functions) missing.push("functions");
    else {
      lines.push({ ...head(map.functions.service, "functions"), ...map.functions.line(req.functions) });
      notes.push(...map.functions.notes);
    }
  }
  for (const [i, vm] of (req.vms ?? []).entries()) {
    if (!map?.vms) {
      missing.push(`vms[${i}]`);
      continue;
    }
    const fit = await cheapestFit(cloud, region, vm, deps, signal);
    choices.push(choiceOf(`vms[${i}]`, fit));
    if (fit.choice) lines.push({ ...head(fit.choice.service, `vms[${i}]`), ...map.vms.line({ type: fit.choice.id, count: vm.count }), [INSTANCES]: true });
  }
  const unfit = choices.filter((c) => c.type === null);
  // Each purchase option prices the same lines with the option on the lines that run instances.
  const priced = async (purchase: PurchaseOption | undefined) => {
    if (lines.length === 0) return null;
    const asked = lines.map((line) => {
      const { [INSTANCES]: runsInstances, ...rest } = line;
      return purchase && runsInstances ? { ...rest, ...purchaseFields(purchase) } : rest;
    });
    return runEstimate({ lines: asked, freeTier: req.freeTier }, deps, signal);
  };
  const estimate = await priced(undefined);
  const isComplete = (e: EstimateAnswer | null) => missing.length === 0 && unfit.length === 0 && (e?.total.complete ?? false);
  const complete = isComplete(estimate);
  if (missing.length > 0) notes.push(`${cloud.title} has no mapping in Pricebook for: ${missing.join(", ")}`);
  const alternatives = await Promise.all(
    options.map(async (purchase) => {
      const e = await priced(purchase);
      return { purchase: describeTerms(purchase), monthly: e?.total.monthly ?? null, complete: isComplete(e), estimate: e };
    }),
  );
  if (options.length > 0) notes.push("purchase options apply to the instances (Kubernetes nodes, VMs), chosen by their on-demand price; control planes and functions stay on demand");
  return {
    cloud: cloud.id,
    region,
    choices,
    estimate,
    monthly: estimate?.total.monthly ?? null,
    complete,
    notes: [...new Set(notes)],
    ...(options.length > 0 ? { options: alternatives } : {}),
  };
}

function choiceOf(what: string, fit: Awaited<ReturnType<typeof cheapestFit>>): Choice {
  const c = fit.choice;
  return c
    ? { for: what, type: c.id, why: fit.why, vcpu: c.vcpu, memoryGiB: c.memoryGiB, ...(c.architecture ? { architecture: c.architecture } : {}), hourly: c.hourly }
    : { for: what, type: null, why: fit.why };
}

