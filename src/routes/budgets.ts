import { z } from "@hono/zod-openapi";
import { createBudgetOnce, readBack } from "../budgets/create.ts";
import { type Begin, fingerprint, type IdempotencyStore } from "../budgets/idempotency.ts";
import { filterNotes } from "../budgets/filter-notes.ts";
import { projectBudget } from "../budgets/projection.ts";
import { BudgetInputSchema, checkBudgetDates, toBudgetInput } from "../budgets/validate.ts";
import type { Budget, BudgetSource } from "../domain/budgets.ts";
import type { CostSource } from "../domain/costs.ts";
import { addDays, addMonths, isIsoDate } from "../domain/dates.ts";
import { ApiError } from "../errors.ts";
import { cloudOperationId, defineRoute } from "../http/route.ts";
import { createRouter } from "../http/router.ts";
import { MoneySchema as money } from "./costs.ts";
import { authProblems, problemResponse, querySchema } from "./schemas.ts";

const provenance = {
  source: z.enum(["live", "mock"]).openapi({ description: "Where the budgets came from: AWS Budgets (live) or the mock account." }),
  asOf: z.string().openapi({ description: "When they were read (ISO timestamp)." }),
};
const BudgetSchema = z
  .object({
    name: z.string(),
    type: z.string(),
    timeUnit: z.string(),
    limit: money.optional(),
    plannedLimits: z.record(z.string(), money).optional(),
    timePeriod: z.object({ start: z.string(), end: z.string() }),
    filters: z.record(z.string(), z.unknown()),
    actualSpend: money.optional(),
    forecastedSpend: money.optional(),
    notifications: z.array(z.record(z.string(), z.unknown())).optional(),
    lastUpdated: z.string().optional(),
  })
  .openapi("Budget");

const notes = {
  notes: z.array(z.string()).openapi({
    description: "What to know about these numbers; e.g. that no cost in the last 13 months carries a tag value the budget filters on (its spend is then 0), with the values that do.",
    example: ["no cost in the last 13 months carries the tag Team=xyz: this budget's spend is 0. Values of Team with costs: data, ml, platform, web"],
  }),
};
const BudgetWithNotes = BudgetSchema.extend(notes).openapi("BudgetWithNotes");
const BudgetAnswer = BudgetWithNotes.extend(provenance).openapi("BudgetAnswer");
const HistoryPeriod = z
  .object({
    start: z.string(),
    end: z.string(),
    budgeted: money,
    actual: money,
    partial: z.boolean().optional().openapi({ description: "True when the cost data covers only part of the period (it began before the data, or it is still running); set in mock mode." }),
    covered: z
      .object({ start: z.string(), end: z.string(), days: z.number().int(), periodDays: z.number().int() })
      .optional()
      .openapi({ description: "For a partial period: the days [start, end) its actual covers, and the period's own length in days." }),
  })
  .openapi("BudgetHistoryPeriod");

const nameParam = z
  .string()
  .min(1)
  .max(100)
  .openapi({ param: { name: "name", in: "path" }, example: "team-platform-monthly" });

const readErrors = {
  ...authProblems,
  400: problemResponse("Invalid parameters (unknown parameters are refused)."),
  404: problemResponse("No budget by that name."),
  503: problemResponse("AWS Budgets is unavailable."),
};

export interface BudgetRouteDeps {
  /** The cloud whose budgets these are: the routes are /v1/budgets/{cloud}. */
  cloud: string;
  budgets: BudgetSource;
  costs: CostSource;
  idempotency: IdempotencyStore;
  today: () => string;
  now: () => Date;
}

function notFound(name: string): never {
  throw new ApiError("not_found", `no budget named "${name}"`);
}

export function budgetRoutes(deps: BudgetRouteDeps) {
  const op = (name: string) => cloudOperationId(deps.cloud, name);
  const listRoute = defineRoute({
    scope: "budgets:read",
    method: "get",
    path: `/v1/budgets/${deps.cloud}`,
    operationId: op("listBudgets"),
    tags: ["budgets"],
    summary: "Every budget of the account (all pages), with actual and forecasted spend",
    request: { query: querySchema({}) },
    responses: {
      200: { description: "Budgets", content: { "application/json": { schema: z.object({ budgets: z.array(BudgetWithNotes), ...provenance }) } } },
      ...readErrors,
    },
  });

  const getRoute = defineRoute({
    scope: "budgets:read",
    method: "get",
    path: `/v1/budgets/${deps.cloud}/{name}`,
    operationId: op("getBudget"),
    tags: ["budgets"],
    summary: "One budget",
    request: { params: z.object({ name: nameParam }) },
    responses: { 200: { description: "Budget", content: { "application/json": { schema: BudgetAnswer } } }, ...readErrors },
  });

  const historyRoute = defineRoute({
    scope: "budgets:read",
    method: "get",
    path: `/v1/budgets/${deps.cloud}/{name}/history`,
    operationId: op("getBudgetHistory"),
    tags: ["budgets"],
    summary: "Budgeted vs actual per period (DescribeBudgetPerformanceHistory)",
    request: {
      params: z.object({ name: nameParam }),
      query: querySchema({
        start: z.string().refine(isIsoDate, "must be a date YYYY-MM-DD").optional().openapi({ param: { name: "start", in: "query" }, example: "2026-01-01" }),
        end: z.string().refine(isIsoDate, "must be a date YYYY-MM-DD").optional().openapi({ param: { name: "end", in: "query" }, example: "2026-12-01" }),
      }),
    },
    responses: {
      200: {
        description: "History",
        content: {
          "application/json": {
            schema: z.object({ name: z.string(), type: z.string(), timeUnit: z.string(), periods: z.array(HistoryPeriod), ...notes, ...provenance }),
          },
        },
      },
      ...readErrors,
    },
  });

  const projectionRoute = defineRoute({
    scope: "budgets:read",
    method: "get",
    path: `/v1/budgets/${deps.cloud}/{name}/projection`,
    operationId: op("getBudgetProjection"),
    tags: ["budgets"],
    summary: "Actual to date, forecast to period end, projected % of the limit, and the (projected) breach date",
    request: { params: z.object({ name: nameParam }) },
    responses: {
      200: { description: "Projection", content: { "application/json": { schema: z.record(z.string(), z.unknown()).openapi("BudgetProjection") } } },
      ...readErrors,
    },
  });

  const createRouteDef = defineRoute({
    scope: "budgets:write",
    method: "post",
    path: `/v1/budgets/${deps.cloud}`,
    operationId: op("createBudget"),
    tags: ["budgets"],
    summary: "Create a budget, exactly once",
    description:
      "Needs `budgets:write`. Validated against AWS's rules. `?dryRun=true` answers what would be created without calling AWS. With an `Idempotency-Key` header, the same key and body within 24 hours returns the first result (header `Idempotent-Replayed: true`) without a second CreateBudget; the same key with another body is a 422. A budget of the same name: 200 with it when it equals the request, else 409 naming the difference.",
    request: {
      query: querySchema({ dryRun: z.enum(["true", "false"]).optional().openapi({ param: { name: "dryRun", in: "query" } }) }),
      headers: z.object({ "idempotency-key": z.string().min(1).max(255).regex(/^[\x21-\x7e]+$/, "printable ASCII without spaces").optional() }),
      body: { required: true, content: { "application/json": { schema: BudgetInputSchema } } },
    },
    responses: {
      201: { description: "Created", content: { "application/json": { schema: BudgetSchema } } },
      200: { description: "Already existed as asked, or a dry run", content: { "application/json": { schema: z.record(z.string(), z.unknown()) } } },
      ...authProblems,
      400: problemResponse("The budget breaks one of AWS's rules; `errors` names each field."),
      413: problemResponse("The body is over the size limit."),
      415: problemResponse("The body is not application/json."),
      409: problemResponse("A different budget has that name, the account's budget limit is reached, or the same Idempotency-Key is in flight."),
      422: problemResponse("The Idempotency-Key was used with a different body."),
      503: problemResponse(
        "AWS Budgets did not confirm. `upstream_unavailable`: nothing was created, retry. `outcome_unknown`: the create was sent and could not be read back; retry with the same Idempotency-Key (the retry reads back first and never creates twice).",
      ),
    },
  });

  const deleteRoute = defineRoute({
    scope: "budgets:write",
    method: "delete",
    path: `/v1/budgets/${deps.cloud}/{name}`,
    operationId: op("deleteBudget"),
    tags: ["budgets"],
    summary: "Delete a budget",
    description: "Needs `budgets:write`.",
    request: { params: z.object({ name: nameParam }) },
    responses: { 204: { description: "Deleted" }, ...readErrors },
  });

  // Budgets are read from their source on every request: as of now.
  const provenanceNow = () => ({ source: deps.budgets.origin, asOf: deps.now().toISOString() });
  const notesFor = (c: { get(key: "signal"): AbortSignal }) => filterNotes(deps.costs, deps.today(), c.get("signal"));
  return createRouter()
    .openapi(listRoute, async (c) => {
      const budgets = await deps.budgets.list(c.get("signal"));
      const notesOf = notesFor(c);
      const withNotes = await Promise.all(budgets.map(async (b) => ({ ...b, notes: await notesOf(b.filters) })));
      c.set("source", deps.budgets.origin);
      return c.json({ budgets: withNotes, ...provenanceNow() }, 200);
    })
    .openapi(getRoute, async (c) => {
      const budget = (await deps.budgets.get(c.req.valid("param").name, c.get("signal"))) ?? notFound(c.req.valid("param").name);
      const budgetNotes = await notesFor(c)(budget.filters);
      c.set("source", deps.budgets.origin);
      return c.json({ ...budget, notes: budgetNotes, ...provenanceNow() }, 200);
    })
    .openapi(historyRoute, async (c) => {
      const { name } = c.req.valid("param");
      const today = deps.today();
      const q = c.req.valid("query");
      const end = q.end ?? today;
      const start = q.start ?? addMonths(end, -12);
      const bad = (parameter: string, message: string) => new ApiError("invalid_request", `invalid ${parameter}: ${message}`, { errors: [{ parameter, message }] });
      if (end <= start) throw bad("end", "must be after start");
      if (end > addDays(today, 1)) throw bad("end", `history ends today: ${addDays(today, 1)} or earlier`);
      // Bounded, so that a DAILY budget's history stays a page, not a year of years.
      if (start < addMonths(today, -60)) throw bad("start", `at most 5 years back: ${addMonths(today, -60)} or later`);
      const history = (await deps.budgets.history(name, start, end, c.get("signal"))) ?? notFound(name);
      // The filters are the budget's: read it for them (the history does not repeat them).
      const budget = await deps.budgets.get(name, c.get("signal"));
      const historyNotes = budget ? await notesFor(c)(budget.filters) : [];
      c.set("source", history.source);
      return c.json({ ...history, notes: historyNotes, asOf: deps.now().toISOString() }, 200);
    })
    .openapi(projectionRoute, async (c) => {
      const { name } = c.req.valid("param");
      const budget = (await deps.budgets.get(name, c.get("signal"))) ?? notFound(name);
      const projection = await projectBudget(budget, deps.costs, deps.today(), c.get("signal"));
      const projectionNotes = await notesFor(c)(budget.filters);
      c.set("source", projection.source);
      return c.json({ ...projection, notes: projectionNotes }, 200);
    })
    .openapi(createRouteDef, async (c) => {
      const input = toBudgetInput(c.req.valid("json"));
      checkBudgetDates(input, deps.today());
      if (c.req.valid("query").dryRun === "true") return c.json({ dryRun: true, wouldCreate: input }, 200);
      const key = c.req.valid("header")["idempotency-key"];
      const apiKey = c.get("apiKey");
      const scope = apiKey?.id ?? "anonymous";
      // A key that may write but not read budgets learns only what it sent and that it exists: never a
      // stored budget's limit, period, filters or spend (from a 409, a 200 or a replay).
      const reveal = !apiKey || apiKey.scopes.has("budgets:read");
      const view = (budget: Budget) => (reveal ? budget : { ...input, exists: true });
      const print = fingerprint(input);
      const signal = c.get("signal");
      if (key) {
        const begun: Begin = await deps.idempotency.begin(scope, key, print);
        if (begun.kind === "mismatch") throw new ApiError("idempotency_mismatch", "this Idempotency-Key was used with a different request body");
        if (begun.kind === "pending") throw new ApiError("conflict", "a request with this Idempotency-Key is still in progress", { headers: { "retry-after": "2" } });
        if (begun.kind === "replay") {
          c.header("idempotent-replayed", "true");
          // The first request's own status and body (a stored Budget, 201 or 200), as this key may see it.
          return c.json(view(begun.response.body as Budget) as never, begun.response.status as 201);
        }
        if (begun.kind === "unknown") {
          // An earlier create with this key was sent and never confirmed: read back before anything else.
          const found = await readBack(deps.budgets, input, signal, reveal);
          if (found.state === "created") {
            await deps.idempotency.finish(scope, key, print, { status: 201, body: found.budget });
            return c.json(view(found.budget) as never, 201);
          }
          await deps.idempotency.retake(scope, key, print);
        }
      }
      try {
        const outcome = await createBudgetOnce(deps.budgets, input, signal, reveal);
        if (key) await deps.idempotency.finish(scope, key, print, { status: outcome.status, body: outcome.budget });
        return outcome.status === 201 ? c.json(view(outcome.budget) as never, 201) : c.json(view(outcome.budget) as never, 200);
      } catch (error) {
        if (key) {
          // Unknown outcome: the key stays taken until a retry reads back. Anything else: nothing was
          // created, and the key may be used again.
          if (error instanceof ApiError && error.code === "outcome_unknown") await deps.idempotency.markUnknown(scope, key, print);
          else await deps.idempotency.abandon(scope, key);
        }
        throw error;
      }
    })
    .openapi(deleteRoute, async (c) => {
      const { name } = c.req.valid("param");
      if (!(await deps.budgets.delete(name, c.get("signal")))) notFound(name);
      return c.body(null, 204);
    });
}
