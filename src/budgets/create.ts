import Big from "big.js";
import { type Budget, type BudgetInput, BudgetLimitError, type BudgetSource, DuplicateBudgetError } from "../domain/budgets.ts";
import type { CostFilters, Money } from "../domain/costs.ts";
import { ApiError, fromUpstream } from "../errors.ts";
import { UpstreamError } from "../resilience/guard.ts";

const sameMoney = (a: Money | undefined, b: Money | undefined) =>
  (!a && !b) || (!!a && !!b && a.unit === b.unit && new Big(a.amount).eq(b.amount));

const sameSet = (a: string[] | undefined, b: string[] | undefined) => {
  const x = new Set(a ?? []);
  const y = new Set(b ?? []);
  return x.size === y.size && [...x].every((v) => y.has(v));
};

function sameFilters(a: CostFilters, b: CostFilters): boolean {
  const tagKeys = new Set([...Object.keys(a.tags ?? {}), ...Object.keys(b.tags ?? {})]);
  return sameSet(a.services, b.services) && sameSet(a.regions, b.regions) && [...tagKeys].every((k) => sameSet(a.tags?.[k], b.tags?.[k]));
}

/** The fields where an existing budget differs from what was asked for (empty: the same budget). */
export function differences(existing: Budget, input: BudgetInput): string[] {
  const out: string[] = [];
  if (existing.type !== input.type) out.push(`type (${existing.type}, asked ${input.type})`);
  if (existing.timeUnit !== input.timeUnit) out.push(`timeUnit (${existing.timeUnit}, asked ${input.timeUnit})`);
  if (!sameMoney(existing.limit, input.limit)) {
    out.push(`limit (${existing.limit ? `${existing.limit.amount} ${existing.limit.unit}` : "none"}, asked ${input.limit ? `${input.limit.amount} ${input.limit.unit}` : "none"})`);
  }
  const plannedKeys = new Set([...Object.keys(existing.plannedLimits ?? {}), ...Object.keys(input.plannedLimits ?? {})]);
  if ([...plannedKeys].some((k) => !sameMoney(existing.plannedLimits?.[k], input.plannedLimits?.[k]))) out.push("plannedLimits");
  if (!sameFilters(existing.filters, input.filters)) out.push("filters");
  // AWS fills in a start and its "no end" date when none is asked for: compare only what was asked.
  if (input.timePeriod?.start && existing.timePeriod.start !== input.timePeriod.start) {
    out.push(`timePeriod.start (${existing.timePeriod.start}, asked ${input.timePeriod.start})`);
  }
  if (input.timePeriod?.end && existing.timePeriod.end !== input.timePeriod.end) {
    out.push(`timePeriod.end (${existing.timePeriod.end}, asked ${input.timePeriod.end})`);
  }
  return out;
}

export interface CreateOutcome {
  status: 200 | 201;
  budget: Budget;
}

/** A different budget holds the name: which fields differ only for a caller that may read budgets. */
function conflict(name: string, diff: string[], reveal: boolean): ApiError {
  return new ApiError("conflict", reveal ? `a budget named "${name}" already exists and differs in: ${diff.join("; ")}` : `a budget named "${name}" already exists`);
}

/** A create was sent and neither it nor a read-back could tell whether it happened. */
export function outcomeUnknown(name: string, cause: unknown): ApiError {
  return new ApiError(
    "outcome_unknown",
    `AWS Budgets did not confirm the create of "${name}" and reading it back failed: it may or may not exist. Retry with the same Idempotency-Key: the retry reads back first and never creates twice`,
    { headers: { "retry-after": "5" }, cause },
  );
}

/**
 * What a name holds after a create whose outcome is unknown: `created` (the budget is there, as asked),
 * `absent` (nothing was created), or an error: a different budget under the name (409), or the
 * read-back failing too (503 outcome_unknown).
 */
export async function readBack(
  budgets: BudgetSource,
  input: BudgetInput,
  signal: AbortSignal | undefined,
  reveal = true,
): Promise<{ state: "created"; budget: Budget } | { state: "absent" }> {
  let existing: Budget | undefined;
  try {
    existing = await budgets.get(input.name, signal);
  } catch (error) {
    throw outcomeUnknown(input.name, error);
  }
  if (!existing) return { state: "absent" };
  const diff = differences(existing, input);
  if (diff.length > 0) throw conflict(input.name, diff, reveal);
  return { state: "created", budget: existing };
}

/**
 * Creates a budget exactly once. CreateBudget has no idempotency token, so: a duplicate name is
 * compared with the request (the same → 200 with it, else 409 naming the difference), the account's
 * budget limit is a 409 (never retried), a create that was never sent (breaker open, no quota) is a 503
 * that changed nothing, and a create whose outcome is unknown (timeout, 5xx) is resolved by reading the
 * budget back; when that read fails as well, 503 `outcome_unknown`.
 */
export async function createBudgetOnce(budgets: BudgetSource, input: BudgetInput, signal?: AbortSignal, reveal = true): Promise<CreateOutcome> {
  try {
    return { status: 201, budget: await budgets.create(input, signal) };
  } catch (error) {
    if (error instanceof DuplicateBudgetError) {
      const existing = await budgets.get(input.name, signal);
      if (!existing) throw new ApiError("conflict", `a budget named "${input.name}" already exists`);
      const diff = differences(existing, input);
      if (diff.length === 0) return { status: 200, budget: existing };
      throw conflict(input.name, diff, reveal);
    }
    if (error instanceof BudgetLimitError) {
      throw new ApiError("conflict", `AWS refused to create another budget: ${error.message}`);
    }
    if (error instanceof UpstreamError && error.kind !== "client" && error.kind !== "aborted") {
      if (!error.sent) throw fromUpstream(error, `and the create was never sent: nothing was created; retry (with the same Idempotency-Key)`);
      const found = await readBack(budgets, input, signal, reveal);
      if (found.state === "created") return { status: 201, budget: found.budget };
      throw fromUpstream(error, "and the budget is not there: nothing was created; retry (with the same Idempotency-Key)");
    }
    throw error;
  }
}
