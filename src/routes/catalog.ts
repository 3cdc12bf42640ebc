import { z } from "@hono/zod-openapi";
import type { CloudPlugin } from "../clouds/types.ts";
import { UNITS } from "../domain/price.ts";
import type { FallbackTables } from "../fallback/tables.ts";
import { defineRoute } from "../http/route.ts";
import { createRouter } from "../http/router.ts";
import { authProblems, problemResponse, querySchema } from "./schemas.ts";

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
      regions: z.record(z.string(), z.number().int()).openapi({ description: "Prices per region", example: { "us-east-1": 60 } }),
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

/** The catalogue, from the clouds' own definitions and the tables (computed once: neither changes). */
export function catalog(clouds: readonly CloudPlugin[], tables: FallbackTables): z.infer<typeof CatalogSchema> {
  let newest = "";
  for (const { row } of tables.allRows()) if (row.asOf > newest) newest = row.asOf;
  return {
    clouds: clouds.map((cloud) => ({
      id: cloud.id,
      title: cloud.title,
      regions: [...cloud.regions.codes],
      services: cloud.services.map((service) => {
        const regions: Record<string, number> = {};
        let prices = 0;
        for (const region of tables.regions(cloud.id, service.id)) {
          const n = tables.rows(cloud.id, service.id, region).length;
          regions[region] = n;
          prices += n;
        }
        return {
          id: service.id,
          title: service.title,
          path: `/v1/prices/${cloud.id}/${service.id}`,
          parameters: ["region", ...Object.keys(service.params)],
          items: Object.entries(service.items ?? {}).map(([id, unit]) => ({ id, unit })),
          idPatterns: (service.patterns ?? []).map((p) => ({ pattern: p.pattern.source, example: p.example, unit: p.unit, describe: p.describe })),
          freeTier: [...(service.freeTier ?? [])],
          fallback: { prices, regions },
        };
      }),
    })),
    source: "fallback",
    asOf: newest,
  };
}

export function catalogRoutes(clouds: readonly CloudPlugin[], tables: FallbackTables) {
  let body: string | undefined;
  return createRouter().openapi(catalogRoute, (c) => {
    body ??= JSON.stringify(catalog(clouds, tables));
    c.set("source", "fallback");
    return c.body(body, 200, { "content-type": "application/json" }) as never;
  });
}
