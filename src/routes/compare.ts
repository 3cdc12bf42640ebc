import { z } from "@hono/zod-openapi";
import { type CompareDeps, runCompare } from "../estimates/compare.ts";
import { defineRoute } from "../http/route.ts";
import { createRouter } from "../http/router.ts";
import { authProblems, problemResponse } from "./schemas.ts";

const MoneySchema = z.object({ amount: z.string(), unit: z.string() });

const CompareBody = z
  .object({
    regions: z.record(z.string(), z.string()).openapi({ description: "The region to price each cloud in", example: { aws: "us-east-1" } }),
    kubernetes: z
      .object({ clusters: z.number().int().optional(), nodes: z.number().int(), minVcpu: z.number(), minMemoryGiB: z.number(), architecture: z.enum(["x86_64", "arm64", "any"]).optional() })
      .optional()
      .openapi({ description: "A cluster of `nodes` nodes, each at least minVcpu / minMemoryGiB (architecture default x86_64; `any` mixes architectures, with the vCPU caveat)" }),
    functions: z.object({ requestsPerMonth: z.number().int(), avgDurationMs: z.number(), memoryMB: z.number().int() }).optional(),
    vms: z
      .array(z.object({ count: z.number().int().optional(), minVcpu: z.number(), minMemoryGiB: z.number(), architecture: z.enum(["x86_64", "arm64", "any"]).optional(), gpu: z.boolean().optional() }))
      .optional(),
    freeTier: z.boolean().optional(),
    purchaseOptions: z
      .array(
        z.object({
          purchaseOption: z.string(),
          term: z.string().optional(),
          payment: z.string().optional(),
          offeringClass: z.string().optional(),
          planType: z.string().optional(),
        }),
      )
      .optional()
      .openapi({ description: "Beside on-demand, price the instances (Kubernetes nodes, VMs) bought each of these ways, as on the price endpoints (at most 6); the answer ranks every complete (cloud, option) in `cheapest`" }),
  })
  .openapi("CompareRequest", {
    example: {
      regions: { aws: "us-east-1", azure: "eastus", gcp: "us-central1" },
      kubernetes: { clusters: 1, nodes: 3, minVcpu: 4, minMemoryGiB: 16 },
      functions: { requestsPerMonth: 10_000_000, avgDurationMs: 200, memoryMB: 512 },
      vms: [{ count: 2, minVcpu: 2, minMemoryGiB: 8 }],
    },
  });

const CompareResponse = z
  .object({
    currency: z.literal("USD"),
    clouds: z.array(
      z.object({
        cloud: z.string(),
        region: z.string(),
        choices: z.array(
          z.object({
            for: z.string().openapi({ example: "kubernetes.nodes" }),
            type: z.string().nullable(),
            why: z.string(),
            vcpu: z.number().optional(),
            memoryGiB: z.number().optional(),
            architecture: z.string().optional(),
            hourly: z.string().optional(),
          }),
        ),
        estimate: z.record(z.string(), z.unknown()).nullable().openapi({ description: "The lines, priced as POST /v1/estimates prices them" }),
        monthly: MoneySchema.nullable(),
        complete: z.boolean(),
        notes: z.array(z.string()),
        options: z
          .array(z.object({ purchase: z.string().openapi({ example: "reserved 1yr no-upfront standard" }), monthly: MoneySchema.nullable(), complete: z.boolean(), estimate: z.record(z.string(), z.unknown()).nullable() }))
          .optional()
          .openapi({ description: "With purchaseOptions: the same workload with its instances bought each way asked" }),
      }),
    ),
    cheapest: z
      .array(z.object({ rank: z.number().int(), cloud: z.string(), purchase: z.string(), monthly: MoneySchema }))
      .optional()
      .openapi({ description: "With purchaseOptions: every complete (cloud, purchase option), on-demand included, cheapest first" }),
    ranking: z.array(z.object({ rank: z.number().int().nullable(), cloud: z.string(), monthly: MoneySchema.nullable(), complete: z.boolean() })),
    notes: z.array(z.string()),
  })
  .openapi("CompareResponse", { example: {"currency": "USD", "clouds": [{"cloud": "aws", "region": "us-east-1", "choices": [{"for": "kubernetes.nodes", "type": "m5a.xlarge", "why": "the cheapest x86_64 type with ≥ 4 vCPU and ≥ 16 GiB in us-east-1 (of 710 that fit), burstable types left out", "vcpu": 4, "memoryGiB": 16, "architecture": "x86_64", "hourly": "0.172"}], "estimate": {"note": "the lines, as POST /v1/estimates answers them"}, "monthly": {"amount": "449.68", "unit": "USD"}, "complete": true, "notes": ["EKS: the control plane is billed per cluster-hour (standard support); nodes at their EC2 on-demand price"]}], "ranking": [{"rank": 1, "cloud": "aws", "monthly": {"amount": "449.68", "unit": "USD"}, "complete": true}], "notes": ["list prices (on-demand) in USD; each cloud's free grants applied per billing account where asked", "a vCPU is a hardware thread on most x86 types and a whole core on Arm (Graviton, Ampere, Axion): types are chosen within one architecture unless architecture=any", "a cloud whose estimate is incomplete (something could not be priced) is not ranked: its monthly figure is a lower bound"]} });

const compareRoute = defineRoute({
  scope: "prices:read",
  method: "post",
  path: "/v1/compare",
  operationId: "compare",
  tags: ["estimates"],
  summary: "One workload priced on each cloud: the types chosen (cheapest that fits) and why, the estimate, the ranking",
  description:
    "Instance types are chosen by the same search as GET /v1/instances and priced by the same estimators as POST /v1/estimates. Types are compared within one architecture unless `architecture: any`. A cloud whose estimate is incomplete is not ranked.",
  request: { body: { required: true, content: { "application/json": { schema: CompareBody } } } },
  responses: {
    200: { description: "The comparison", content: { "application/json": { schema: CompareResponse } } },
    ...authProblems,
    400: problemResponse("An unknown cloud or region, nothing to compare, or a field out of range (each named)."),
    413: problemResponse("The body is over the size limit."),
    415: problemResponse("The body is not application/json."),
  },
});

export function compareRoutes(deps: CompareDeps) {
  return createRouter().openapi(compareRoute, async (c) => {
    const body = c.req.valid("json");
    // A comparison costs one price question per cloud it names (the route's check took one).
    const clouds = Object.keys(body.regions).length;
    if (clouds > 1) await c.get("authorize")?.("prices:read", clouds - 1);
    return c.json(await runCompare(body, deps, c.get("signal")), 200);
  });
}
