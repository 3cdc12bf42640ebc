import type { OpenAPIHono, z } from "@hono/zod-openapi";
import type { AnyServiceDef, CloudPlugin, QuestionContext, ServiceDef } from "../clouds/types.ts";
import type { FreeTier, PriceItem, PriceProvider, Unavailable } from "../domain/price.ts";
import type { FallbackTables } from "../fallback/tables.ts";
import type { AppEnv } from "../http/env.ts";
import { defineRoute } from "../http/route.ts";
import { createRouter } from "../http/router.ts";
import { purchaseParams, splitPurchase } from "../pricing/purchase-params.ts";
import { authProblems, priceResponseSchema, problemResponse, querySchema, regionParam } from "./schemas.ts";

const errorResponses = {
  ...authProblems,
  400: problemResponse("Invalid parameters; `errors` names each one, what is allowed and the closest valid values."),
  404: problemResponse("Nothing can be priced for this region or these items."),
  503: problemResponse("The upstream price source is unavailable and nothing cached or fallback can answer."),
};

/** Every price answer's body. */
export interface PriceResponseBody {
  cloud: string;
  service: string;
  region: string;
  currency: "USD";
  items: PriceItem[];
  unavailable: Unavailable[];
  freeTier?: FreeTier;
}

/** The price routes' types for the typed client, derived from the service definitions. */
type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;
export type PriceRoutesSchema<C extends string, Defs extends Record<string, ServiceDef<z.ZodRawShape, string>>> = UnionToIntersection<
  {
    [K in keyof Defs]: Defs[K] extends ServiceDef<infer P, infer Id>
      ? {
          [Path in `/v1/prices/${C}/${Id}`]: {
            $get: {
              input: { query: { region: string } & (keyof P extends never ? unknown : z.input<z.ZodObject<P>>) };
              output: PriceResponseBody;
              outputFormat: "json";
              status: 200;
            };
          };
        }
      : never;
  }[keyof Defs]
>;

/** Each service's schema name in the document: getEc2Prices → Ec2Prices. */
function schemaName(service: AnyServiceDef): string {
  return service.operationId.replace(/^get/, "");
}

/** The ids the fallback tables price for one service in the asked region (for "did you mean"). */
export function knownIds(tables: FallbackTables, cloud: string, service: string, region: string): () => Iterable<string> {
  return () => tables.ids(cloud, service, region);
}

/** "Did you mean" searches one GET request may run. */
const GET_SUGGESTIONS = 5;

export interface PriceRouteDeps {
  clouds: readonly CloudPlugin[];
  prices: (cloud: string) => PriceProvider;
  tables: FallbackTables;
}

/**
 * `GET /v1/prices/{cloud}/{service}` for every service of every cloud, made from the catalogues: the
 * contract (query parameters, response schema, scope) and the handler are the same for all of them.
 */
export function priceRoutes(deps: PriceRouteDeps): OpenAPIHono<AppEnv> {
  const router = createRouter();
  for (const cloud of deps.clouds) {
    const region = regionParam(cloud.regions);
    const prices = deps.prices(cloud.id);
    for (const service of cloud.services) {
      const route = defineRoute({
        scope: "prices:read",
        method: "get",
        path: `/v1/prices/${cloud.id}/${service.id}`,
        operationId: service.operationId,
        tags: ["prices"],
        summary: service.summary,
        ...(service.description ? { description: service.description } : {}),
        request: { query: querySchema({ region, ...service.params, ...purchaseParams }) },
        responses: {
          200: {
            description: "Prices",
            content: { "application/json": { schema: priceResponseSchema(schemaName(service), cloud.id, service.id) } },
          },
          ...errorResponses,
        },
      });
      router.openapi(route, async (c) => {
        const { region: where, ...all } = c.req.valid("query") as { region: string } & Record<string, unknown>;
        const { purchase, rest: params } = splitPurchase(all);
        const ctx: QuestionContext = { knownIds: knownIds(deps.tables, cloud.id, service.id, where), suggestions: { remaining: GET_SUGGESTIONS } };
        const question = { cloud: cloud.id, service: service.id, region: where, ...service.question(params, ctx), ...(purchase ? { purchase } : {}) };
        const set = await prices.price(question, { signal: c.get("signal") });
        c.set("source", set.items[0]?.source);
        const body: PriceResponseBody = { cloud: cloud.id, service: service.id, region: where, currency: "USD", ...set };
        return c.json(body, 200);
      });
    }
  }
  return router;
}
