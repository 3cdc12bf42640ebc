import { z } from "@hono/zod-openapi";
import type { CloudPlugin } from "../clouds/types.ts";
import type { PriceProvider } from "../domain/price.ts";
import { didYouMean } from "../domain/suggest.ts";
import { ApiError } from "../errors.ts";
import { defineRoute } from "../http/route.ts";
import { createRouter } from "../http/router.ts";
import { INSTANCE_SORTS, type InstanceSearch, searchInstances } from "../pricing/instances.ts";
import { listParam } from "../pricing/params.ts";
import { SPEC_PARAMS, specFilterOf } from "../pricing/spec-filter.ts";
import { authProblems, problemResponse, querySchema } from "./schemas.ts";

export const MAX_INSTANCE_ROWS = 200;
const MAX_PLACES = 30;

const Row = z.object({
  cloud: z.string().openapi({ example: "aws" }),
  region: z.string().openapi({ example: "eu-west-1" }),
  service: z.string().openapi({ example: "ec2" }),
  id: z.string().openapi({ example: "m7g.xlarge" }),
  description: z.string(),
  vcpu: z.number(),
  memoryGiB: z.number(),
  architecture: z.string().optional(),
  gpu: z.object({ count: z.number(), model: z.string().optional(), manufacturer: z.string().optional(), memoryGiB: z.number().optional() }).optional(),
  burstable: z.boolean().optional(),
  hourly: z.string().openapi({ description: "The price route's own price, per hour", example: "0.1819" }),
  monthly: z.string().openapi({ example: "132.787" }),
  pricePerVcpuHour: z.string(),
  pricePerGiBHour: z.string(),
  source: z.string(),
  asOf: z.string(),
});

const InstancesResponse = z
  .object({
    currency: z.literal("USD"),
    hoursPerMonth: z.number(),
    sort: z.enum(INSTANCE_SORTS),
    matched: z.number().int().openapi({ description: "Rows that met the search, before `limit`" }),
    rows: z.array(Row),
    unavailable: z.array(z.object({ cloud: z.string(), region: z.string(), reason: z.string() })).openapi({ description: "Places that could not be searched (no prices there, or the cloud unavailable)" }),
    notes: z.array(z.string()),
  })
  .openapi("InstancesResponse", { example: {"currency": "USD", "hoursPerMonth": 730, "sort": "price", "matched": 1759, "rows": [{"cloud": "aws", "region": "us-east-1", "service": "ec2", "id": "m6g.xlarge", "description": "Amazon EC2 m6g.xlarge in us-east-1", "vcpu": 4, "memoryGiB": 16, "architecture": "arm64", "hourly": "0.154", "monthly": "112.42", "pricePerVcpuHour": "0.0385", "pricePerGiBHour": "0.009625", "source": "fallback", "asOf": "2026-07-20"}, {"cloud": "aws", "region": "us-east-1", "service": "ec2", "id": "m7g.xlarge", "description": "Amazon EC2 m7g.xlarge in us-east-1", "vcpu": 4, "memoryGiB": 16, "architecture": "arm64", "hourly": "0.1632", "monthly": "119.136", "pricePerVcpuHour": "0.0408", "pricePerGiBHour": "0.0102", "source": "fallback", "asOf": "2026-07-20"}], "unavailable": [], "notes": ["monthly = hourly × 730; per-vCPU and per-GiB prices are quotients rounded half-even to 10 decimal places", "a vCPU is a hardware thread on most x86 types and a whole core on Arm (Graviton, Ampere, Axion) and a few others: compare architectures by vCPU only with care", "burstable types (T family, B series, shared-core) are left out unless burstable=true"]} });

const { sort: _sort, limit: _limit, gpu: _gpu, family: _family, ...specs } = SPEC_PARAMS;

const query = {
  ...specs,
  gpu: z.enum(["true", "false"], { error: 'gpu must be "true" or "false" (use gpuModel for a model)' }).optional().openapi({ param: { name: "gpu", in: "query" }, description: "Only types with GPUs (true) or without (false)." }),
  gpuModel: SPEC_PARAMS.gpu.openapi({ param: { name: "gpuModel", in: "query" }, description: "Only types with this GPU model (T4, A10G, L4, H100 …; any case).", example: "L4" }),
  burstable: z.enum(["true", "false"], { error: 'burstable must be "true" or "false"' }).default("false").openapi({ param: { name: "burstable", in: "query" }, description: "Include burstable types (T family, B series, shared-core). Default false." }),
  clouds: z.string().max(100).optional().openapi({ param: { name: "clouds", in: "query" }, description: "Comma-separated clouds to search (default: all).", example: "aws" }),
  regions: listParam("regions", `Places to search as cloud:region, repeated or comma-separated (at most ${MAX_PLACES}); default: each searched cloud's example region.`, "aws:us-east-1,aws:eu-west-1"),
  sort: z.enum(INSTANCE_SORTS, { error: `sort must be one of ${INSTANCE_SORTS.join(", ")}` }).default("price").openapi({ param: { name: "sort", in: "query" }, description: "price (hourly, default), pricePerVcpu or pricePerGiB; ascending, ties to the lower price." }),
  limit: z.coerce
    .number({ error: "limit must be a number" })
    .int("limit must be a whole number")
    .min(1, "limit must be at least 1")
    .max(MAX_INSTANCE_ROWS, `limit must be at most ${MAX_INSTANCE_ROWS}`)
    .default(20)
    .openapi({ param: { name: "limit", in: "query" }, description: `At most this many rows (default 20, at most ${MAX_INSTANCE_ROWS}).` }),
};

const instancesRoute = defineRoute({
  scope: "prices:read",
  method: "get",
  path: "/v1/instances",
  operationId: "searchInstances",
  tags: ["prices"],
  summary: "The cheapest instance types that fit, across clouds and regions",
  description:
    "Every row meets the search and carries the same price the price route gives for that type, with its source and as-of date. A place that cannot be searched is listed in `unavailable`; the others still answer.",
  request: { query: querySchema(query) },
  responses: {
    200: { description: "Matching instance types, sorted", content: { "application/json": { schema: InstancesResponse } } },
    ...authProblems,
    400: problemResponse("A parameter is out of range or names an unknown cloud or region (each named, with the closest valid values)."),
  },
});

function places(clouds: readonly CloudPlugin[], p: { clouds?: string | undefined; regions?: string | string[] | undefined }): InstanceSearch["where"] {
  const ids = clouds.map((c) => c.id);
  const bad = (parameter: string, message: string): never => {
    throw new ApiError("invalid_request", `${parameter}: ${message}`, { errors: [{ parameter, message }] });
  };
  const chosen = p.clouds
    ? p.clouds.split(",").map((c) => {
        const id = c.trim().toLowerCase();
        return clouds.find((x) => x.id === id) ?? bad("clouds", `"${c.slice(0, 20)}" is not one of ${ids.join(", ")}${didYouMean(id, ids)}`);
      })
    : clouds.filter((c) => c.services.some((s) => s.instances));
  const raw = p.regions === undefined ? [] : (Array.isArray(p.regions) ? p.regions : [p.regions]).flatMap((r) => r.split(",")).map((r) => r.trim()).filter(Boolean);
  if (raw.length > MAX_PLACES) bad("regions", `at most ${MAX_PLACES} places per search`);
  if (raw.length === 0) return chosen.map((cloud) => ({ cloud, region: cloud.regions.example }));
  const out: InstanceSearch["where"] = [];
  for (const pair of raw) {
    const [cloudId = "", code = ""] = pair.split(":");
    const cloud = clouds.find((c) => c.id === cloudId.toLowerCase()) ?? bad("regions", `"${pair.slice(0, 40)}" must be cloud:region, cloud one of ${ids.join(", ")}${didYouMean(cloudId, ids)}`);
    if (!chosen.includes(cloud)) bad("regions", `"${pair.slice(0, 40)}" names ${cloud.id}, which clouds= leaves out`);
    const region = cloud.regions.normalize(code) ?? bad("regions", cloud.regions.explain(code));
    if (!out.some((o) => o.cloud === cloud && o.region === region)) out.push({ cloud, region });
  }
  return out;
}

export function instanceRoutes(deps: { clouds: readonly CloudPlugin[]; prices(cloud: string): PriceProvider }) {
  return createRouter().openapi(instancesRoute, async (c) => {
    const p = c.req.valid("query");
    // The spec constraints only: this search sorts and limits across clouds itself.
    const { minVcpu, maxVcpu, minMemoryGiB, maxMemoryGiB, architecture } = p;
    const filter = specFilterOf({ minVcpu, maxVcpu, minMemoryGiB, maxMemoryGiB, architecture, gpu: p.gpuModel ?? p.gpu }) ?? {};
    const search: InstanceSearch = {
      filter,
      includeBurstable: p.burstable === "true",
      where: places(deps.clouds, p),
      sort: p.sort,
      limit: p.limit,
    };
    c.set("source", undefined);
    return c.json(await searchInstances(search, deps.prices, c.get("signal")), 200);
  });
}
