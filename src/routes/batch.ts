import { z } from "@hono/zod-openapi";
import type { AnyServiceDef, CloudPlugin, QuestionContext } from "../clouds/types.ts";
import type { PriceProvider } from "../domain/price.ts";
import { didYouMean } from "../domain/suggest.ts";
import { ApiError } from "../errors.ts";
import type { FallbackTables } from "../fallback/tables.ts";
import { fieldErrors } from "../http/problem.ts";
import { defineRoute } from "../http/route.ts";
import { createRouter } from "../http/router.ts";
import { type BatchQuestion, runBatch } from "../pricing/batch.ts";
import { purchaseParams, splitPurchase } from "../pricing/purchase-params.ts";
import { knownIds } from "./prices.ts";
import { authProblems, ProblemSchema, problemResponse, querySchema, regionField } from "./schemas.ts";

export const MAX_BATCH = 500;
/** Distinct item ids one batch may name, across its queries. */
export const MAX_BATCH_IDS = 2_000;
/** Queries validated between two yields to the event loop. */
const CHUNK = 50;
/** "Did you mean" searches one batch may run, in all. */
const BATCH_SUGGESTIONS = 20;

/** Lets other requests run between chunks of one request's work. */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

const BatchRequest = z
  .strictObject({
    queries: z
      .array(
        z.unknown().openapi({
          type: "object",
          description: "`cloud` (default `aws`), `service`, `region`, and the same parameters as the service's GET endpoint.",
        }),
      )
      .min(1)
      .max(MAX_BATCH, `at most ${MAX_BATCH} queries per batch`),
  })
  .openapi("BatchRequest", {
    example: {
      queries: [
        { cloud: "aws", service: "ec2", region: "us-east-1", instanceType: ["m5.large", "c5.xlarge"] },
        { service: "eks", region: "eu-west-1" },
      ],
    },
  });

const BatchResponse = z
  .object({
    results: z.array(
      z.object({
        status: z.number().int().openapi({ description: "What the GET endpoint would have answered." }),
        body: z.union([z.record(z.string(), z.unknown()), ProblemSchema]).openapi({ description: "A price response, or a problem." }),
      }),
    ),
  })
  .openapi("BatchResponse");

const batchRoute = defineRoute({
  scope: "prices:read",
  method: "post",
  path: "/v1/prices/batch",
  operationId: "batchPrices",
  tags: ["prices"],
  summary: "Many price lookups in one request",
  description: `Up to ${MAX_BATCH} queries, of any cloud and service, naming at most ${MAX_BATCH_IDS} distinct item ids in all; results in the same order, each with the status and body the GET endpoint would answer. Queries naming ids of the same cloud, service and region are merged into one lookup. Each query counts against the key's rate limit.`,
  request: { body: { required: true, content: { "application/json": { schema: BatchRequest } } } },
  responses: {
    200: { description: "One result per query", content: { "application/json": { schema: BatchResponse } } },
    ...authProblems,
    400: problemResponse("The body is not a batch, has more than 500 queries, or names more than 2,000 distinct item ids."),
    413: problemResponse("The body is over the size limit."),
    415: problemResponse("The body is not application/json."),
  },
});

interface ServiceEntry {
  cloud: CloudPlugin;
  service: AnyServiceDef;
  schema: z.ZodType;
}

const head = z.object({ cloud: z.string().default("aws"), service: z.string() }).loose();

export interface BatchRouteDeps {
  clouds: readonly CloudPlugin[];
  prices: (cloud: string) => PriceProvider;
  tables: FallbackTables;
}

/** The batch: each query validated by its service's own parameters (the GET route's), then answered. */
export function batchRoutes(deps: BatchRouteDeps) {
  const entries = new Map<string, ServiceEntry>();
  for (const cloud of deps.clouds) {
    for (const service of cloud.services) {
      const schema = querySchema({
        cloud: z.literal(cloud.id),
        service: z.literal(service.id),
        region: regionField(cloud.regions),
        ...service.params,
        ...purchaseParams,
      });
      entries.set(`${cloud.id}/${service.id}`, { cloud, service, schema });
    }
  }
  const clouds = deps.clouds.map((c) => c.id);

  const toQuestion = (raw: unknown, index: number, suggestions: { remaining: number }): BatchQuestion | ApiError => {
    const invalid = (errors: Array<{ parameter: string; message: string }>) =>
      new ApiError("invalid_request", `invalid query at index ${index}`, {
        errors: errors.map((e) => ({ ...e, parameter: `queries[${index}].${e.parameter}` })),
      });
    const top = head.safeParse(raw);
    if (!top.success) return invalid(fieldErrors(top.error));
    const { cloud, service } = top.data;
    if (!clouds.includes(cloud)) {
      return invalid([{ parameter: "cloud", message: `must be one of ${clouds.join(", ")}${didYouMean(cloud, clouds)}` }]);
    }
    const entry = entries.get(`${cloud}/${service}`);
    if (!entry) {
      const services = (deps.clouds.find((c) => c.id === cloud) as CloudPlugin).services.map((s) => s.id);
      return invalid([{ parameter: "service", message: `must be one of ${services.join(", ")}${didYouMean(service, services)}` }]);
    }
    const parsed = entry.schema.safeParse({ ...(raw as object), cloud });
    if (!parsed.success) return invalid(fieldErrors(parsed.error));
    const { region, cloud: _c, service: _s, ...all } = parsed.data as { region: string; cloud: string; service: string } & Record<string, unknown>;
    try {
      const { purchase, rest: params } = splitPurchase(all);
      const ctx: QuestionContext = { knownIds: knownIds(deps.tables, entry.cloud.id, entry.service.id, region), suggestions };
      const question = { cloud, service, region, ...entry.service.question(params, ctx), ...(purchase ? { purchase } : {}) };
      return { question, service: entry.service, prices: deps.prices(cloud) };
    } catch (error) {
      if (error instanceof ApiError) return invalid(error.errors ?? [{ parameter: "(query)", message: error.message }]);
      throw error;
    }
  };

  return createRouter().openapi(batchRoute, async (c) => {
    const { queries } = c.req.valid("json");
    // A batch of N queries costs N of the key's prices:read budget (the route's check took one).
    if (queries.length > 1) await c.get("authorize")?.("prices:read", queries.length - 1);
    // Validated in chunks, yielding between them: no request holds the event loop for long.
    const suggestions = { remaining: BATCH_SUGGESTIONS };
    const questions: Array<BatchQuestion | ApiError> = [];
    const ids = new Set<string>();
    for (let i = 0; i < queries.length; i++) {
      if (i > 0 && i % CHUNK === 0) await yieldToLoop();
      const q = toQuestion(queries[i], i, suggestions);
      questions.push(q);
      if (!(q instanceof ApiError)) for (const id of q.question.ids ?? []) ids.add(`${q.question.cloud}/${q.question.service}/${id}`);
      if (ids.size > MAX_BATCH_IDS) {
        throw new ApiError("invalid_request", `a batch may name at most ${MAX_BATCH_IDS} distinct item ids`, {
          errors: [{ parameter: "queries", message: `names more than ${MAX_BATCH_IDS} distinct item ids (by query ${i}); split it into several batches` }],
        });
      }
    }
    const results = await runBatch(questions, { signal: c.get("signal"), requestId: c.get("requestId"), yieldEvery: CHUNK, yieldToLoop });
    return c.json({ results }, 200);
  });
}
