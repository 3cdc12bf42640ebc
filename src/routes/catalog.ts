import { z } from "@hono/zod-openapi";
import type { CloudPlugin } from "../clouds/types.ts";
import { UNITS } from "../domain/price.ts";
import { OPTIONS_BEYOND_ON_DEMAND } from "../domain/purchase.ts";
import { purchaseParams } from "../pricing/purchase-params.ts";
import { coverage, loadOffered, type ServiceCoverage } from "../fallback/coverage.ts";
import type { FallbackTables } from "../fallback/tables.ts";
import { defineRoute } from "../http/route.ts";
import { createRouter } from "../http/router.ts";
import { authProblems, problemResponse, querySchema } from "./schemas.ts";

const RegionCoverageSchema = z.object({
  prices: z.number().int(),
  oldestAsOf: z.string(),
  newestAsOf: z.string(),
  withSpecs: z.number().int().optional().openapi({ description: "Rows that carry vCPU, memory and architecture" }),
  offered: z.number().int().optional().openapi({ description: "Types the region offers" }),
  offeredPriced: z.number().int().optional().openapi({ description: "Of those, how many have a price" }),
  percentOfOffered: z.number().optional().openapi({ description: "offeredPriced / offered, percent, one decimal (rounded down)", example: 95 }),
});

const ServiceSchema = z.object({
  id: z.string().openapi({ example: "ec2" }),
  title: z.string().openapi({ example: "Amazon EC2" }),
  path: z.string().openapi({ example: "/v1/prices/aws/ec2" }),
  parameters: z.array(z.string()).openapi({ description: "Query parameters the service's GET route takes", example: ["region", "instanceType"] }),
  items: z.array(z.object({ id: z.string(), unit: z.enum(UNITS) })).openapi({ description: "Fixed item ids, in the order they are answered" }),
  idPatterns: z
    .array(z.object({ pattern: z.string(), example: z.string(), unit: z.enum(UNITS), describe: z.string() }))
    .openapi({ description: "Open-ended item ids (instance types), as regular expressions" }),
  freeTier: z.array(z.string()).openapi({ description: "Names of the monthly free-grant amounts the service answers with" }),
  fallback: z
    .object({
      prices: z.number().int().openapi({ description: "Prices the fallback tables hold for the service, all regions" }),
      regions: z.record(z.string(), z.number().int()).openapi({ description: "Prices per region", example: { "us-east-1": 1300 } }),
      coverage: z
        .record(z.string(), RegionCoverageSchema)
        .openapi({ description: "Per region: the as-of range, rows with specs (instance services), and the share of the types the region offers that has a price (where a list of them is shipped)" }),
      offeredSource: z
        .object({ citation: z.string(), asOf: z.string() })
        .optional()
        .openapi({ description: "Where the list of types each region offers comes from (the coverage denominator)" }),
      purchaseOptions: z
        .record(z.string(), z.object({ regions: z.array(z.string()) }))
        .openapi({ description: "Purchase options the tables hold beside on-demand (`reserved`, `savings-plan`, `spot`), with their regions; live mode may answer more (AWS spot: live only)", example: { reserved: { regions: ["us-east-1"] } } }),
    })
    .openapi({ description: "What mock mode answers, and what live mode falls back to" }),
});

const CatalogSchema = z
  .object({
    clouds: z.array(
      z.object({
        id: z.string().openapi({ example: "aws" }),
        title: z.string().openapi({ example: "Amazon Web Services" }),
        regions: z.array(z.string()),
        services: z.array(ServiceSchema),
      }),
    ),
    source: z.literal("fallback").openapi({ description: "The counts are of the fallback tables" }),
    asOf: z.string().openapi({ description: "The newest as-of date among the tables' prices" }),
  })
  .openapi("Catalog");

const catalogRoute = defineRoute({
  scope: "prices:read",
  method: "get",
  path: "/v1/catalog",
  operationId: "getCatalog",
  tags: ["prices"],
  summary: "What can be priced: clouds → services → regions, item ids or id patterns, units, parameters, fallback coverage",
  description: "A recommendation engine discovers here what exists instead of guessing. Needs `prices:read`.",
  request: { query: querySchema({}) },
  responses: {
    200: { description: "The catalogue", content: { "application/json": { schema: CatalogSchema } } },
    ...authProblems,
    400: problemResponse("Unknown query parameters are refused."),
  },
});

/**
 * The catalogue, from the clouds' own definitions and the tables' coverage (computed once, reading
 * every table in turn with the event loop free between files: neither changes while running).
 */
export async function catalog(clouds: readonly CloudPlugin[], tables: FallbackTables): Promise<z.infer<typeof CatalogSchema>> {
  const offered = tables.dir === undefined ? [] : loadOffered(tables.dir);
  const instanceServices = new Set(clouds.flatMap((c) => c.services.filter((s) => s.instances).map((s) => `${c.id}/${s.id}`)));
  const covered = await coverage(tables, offered, (cloud, service) => instanceServices.has(`${cloud}/${service}`));
  const of = (cloud: string, service: string): ServiceCoverage | undefined => covered.find((c) => c.cloud === cloud && c.service === service);
  let newest = "";
  for (const s of covered) for (const r of Object.values(s.regions)) if (r.newestAsOf > newest) newest = r.newestAsOf;
  return {
    clouds: clouds.map((cloud) => ({
      id: cloud.id,
      title: cloud.title,
      regions: [...cloud.regions.codes],
      services: cloud.services.map((service) => {
        const cov = of(cloud.id, service.id);
        const regions: Record<string, number> = {};
        let prices = 0;
        for (const [region, c] of Object.entries(cov?.regions ?? {})) {
          regions[region] = c.prices;
          prices += c.prices;
        }
        return {
          id: service.id,
          title: service.title,
          path: `/v1/prices/${cloud.id}/${service.id}`,
          parameters: ["region", ...Object.keys(service.params), ...Object.keys(purchaseParams)],
          items: Object.entries(service.items ?? {}).map(([id, unit]) => ({ id, unit })),
          idPatterns: (service.patterns ?? []).map((p) => ({ pattern: p.pattern.source, example: p.example, unit: p.unit, describe: p.describe })),
          freeTier: [...(service.freeTier ?? [])],
          fallback: {
            prices,
            regions,
            coverage: cov?.regions ?? {},
            ...(cov?.offeredSource ? { offeredSource: cov.offeredSource } : {}),
            purchaseOptions: Object.fromEntries(
              OPTIONS_BEYOND_ON_DEMAND.map((o) => [o, { regions: tables.optionRegions(cloud.id, service.id, o) }] as const).filter(([, v]) => v.regions.length > 0),
            ),
          },
        };
      }),
    })),
    source: "fallback",
    asOf: newest,
  };
}

export function catalogRoutes(clouds: readonly CloudPlugin[], tables: FallbackTables) {
  let body: Promise<string> | undefined;
  return createRouter().openapi(catalogRoute, async (c) => {
    body ??= catalog(clouds, tables).then((value) => JSON.stringify(value));
    const text = await body.catch((error: unknown) => {
      body = undefined; // a failed computation is not kept: the next request tries again
      throw error;
    });
    c.set("source", "fallback");
    return c.body(text, 200, { "content-type": "application/json" }) as never;
  });
}
