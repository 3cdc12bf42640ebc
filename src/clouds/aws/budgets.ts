import {
  type Budget as AwsBudget,
  type BudgetsClient,
  CreateBudgetCommand,
  DeleteBudgetCommand,
  DescribeBudgetCommand,
  DescribeBudgetPerformanceHistoryCommand,
  DescribeBudgetsCommand,
  type Expression as BudgetExpression,
} from "@aws-sdk/client-budgets";
import {
  type Budget,
  type BudgetHistory,
  type BudgetInput,
  BudgetLimitError,
  type BudgetSource,
  DuplicateBudgetError,
} from "../../domain/budgets.ts";
import type { CostFilters } from "../../domain/costs.ts";
import { type Money, money } from "../../domain/money.ts";
import { type CallOptions, type Guard, UpstreamError } from "../../resilience/guard.ts";
import { guardedPages } from "../../resilience/paginate.ts";
import { toExpression } from "./filters.ts";

/** AWS Budgets is a global service whose endpoint is in us-east-1: the guard's breaker key. */
export const BUDGETS_REGION = "us-east-1";

const isoDate = (d: Date | undefined): string => (d ? d.toISOString().slice(0, 10) : "");
/** Budgets amounts can carry binary-float tails ("604.4560000000000172803993336856365203857421875"): kept exactly. */
const moneyOf = (s: { Amount?: string; Unit?: string } | undefined): Money | undefined =>
  s?.Amount === undefined ? undefined : money(s.Amount, s.Unit ?? "USD");

/** Reads both filter shapes AWS returns: the newer FilterExpression and the legacy CostFilters. */
export function filtersOf(b: AwsBudget): CostFilters {
  const filters: CostFilters = {};
  const visit = (e: BudgetExpression | undefined) => {
    if (!e) return;
    for (const part of e.And ?? []) visit(part);
    if (e.Dimensions?.Key === "SERVICE") filters.services = [...(filters.services ?? []), ...(e.Dimensions.Values ?? [])];
    if (e.Dimensions?.Key === "REGION") filters.regions = [...(filters.regions ?? []), ...(e.Dimensions.Values ?? [])];
    if (e.Tags?.Key) filters.tags = { ...(filters.tags ?? {}), [e.Tags.Key]: e.Tags.Values ?? [] };
  };
  visit(b.FilterExpression);
  const legacy = b.CostFilters ?? {};
  if (legacy.Service?.length) filters.services = legacy.Service;
  if (legacy.Region?.length) filters.regions = legacy.Region;
  for (const tv of legacy.TagKeyValue ?? []) {
    // "user:Environment$prod" → Environment: prod
    const [key, value] = tv.replace(/^user:/, "").split("$");
    if (key) filters.tags = { ...(filters.tags ?? {}), [key]: [...(filters.tags?.[key] ?? []), value ?? ""] };
  }
  return filters;
}

export function fromAws(b: AwsBudget): Budget {
  const planned = b.PlannedBudgetLimits
    ? Object.fromEntries(
        Object.entries(b.PlannedBudgetLimits).map(([epoch, spend]) => [
          /^\d+$/.test(epoch) ? new Date(Number(epoch) * 1000).toISOString().slice(0, 10) : epoch,
          moneyOf(spend) as Money,
        ]),
      )
    : undefined;
  const limit = moneyOf(b.BudgetLimit);
  const actual = moneyOf(b.CalculatedSpend?.ActualSpend);
  const forecasted = moneyOf(b.CalculatedSpend?.ForecastedSpend);
  return {
    name: b.BudgetName ?? "",
    type: (b.BudgetType ?? "COST") as Budget["type"],
    timeUnit: (b.TimeUnit ?? "MONTHLY") as Budget["timeUnit"],
    ...(limit && !planned ? { limit } : {}),
    ...(planned ? { plannedLimits: planned } : {}),
    timePeriod: { start: isoDate(b.TimePeriod?.Start), end: isoDate(b.TimePeriod?.End) },
    filters: filtersOf(b),
    ...(actual ? { actualSpend: actual } : {}),
    ...(forecasted ? { forecastedSpend: forecasted } : {}),
    ...(b.LastUpdatedTime ? { lastUpdated: b.LastUpdatedTime.toISOString() } : {}),
  };
}

export interface BudgetsDeps {
  client: BudgetsClient;
  guard: Guard;
  /** The account that owns the budgets: a setting, or STS GetCallerIdentity once. */
  accountId: () => Promise<string>;
}

/** AWS Budgets through its guard. Errors AWS defines for a reason become domain errors. */
export class AwsBudgets implements BudgetSource {
  readonly origin = "live" as const;
  readonly #d: BudgetsDeps;

  constructor(deps: BudgetsDeps) {
    this.#d = deps;
  }

  #call<T>(fn: (signal: AbortSignal) => Promise<T>, signal?: AbortSignal, options?: CallOptions): Promise<T> {
    return this.#d.guard.call(BUDGETS_REGION, fn, signal, options);
  }

  async list(signal?: AbortSignal): Promise<Budget[]> {
    const AccountId = await this.#d.accountId();
    const pages = await guardedPages(this.#d.guard, BUDGETS_REGION, signal, async (token, abortSignal) => {
      const page = await this.#d.client.send(new DescribeBudgetsCommand({ AccountId, MaxResults: 100, ...(token ? { NextToken: token } : {}) }), { abortSignal });
      return { items: page.Budgets ?? [], next: page.NextToken };
    });
    const out = pages.map(fromAws);
    return out;
  }

  async get(name: string, signal?: AbortSignal): Promise<Budget | undefined> {
    const AccountId = await this.#d.accountId();
    try {
      const out = await this.#call((abortSignal) => this.#d.client.send(new DescribeBudgetCommand({ AccountId, BudgetName: name }), { abortSignal }), signal);
      return out.Budget ? fromAws(out.Budget) : undefined;
    } catch (error) {
      if (error instanceof UpstreamError && error.code === "NotFoundException") return undefined;
      throw error;
    }
  }

  async history(name: string, start: string, end: string, signal?: AbortSignal): Promise<BudgetHistory | undefined> {
    const AccountId = await this.#d.accountId();
    const periods: BudgetHistory["periods"] = [];
    let head: { type: Budget["type"]; timeUnit: Budget["timeUnit"] } | undefined;
    try {
      const pages = await guardedPages(this.#d.guard, BUDGETS_REGION, signal, async (token, abortSignal) => {
        const page = await this.#d.client.send(
          new DescribeBudgetPerformanceHistoryCommand({
            AccountId,
            BudgetName: name,
            TimePeriod: { Start: new Date(`${start}T00:00:00Z`), End: new Date(`${end}T00:00:00Z`) },
            MaxResults: 100,
            ...(token ? { NextToken: token } : {}),
          }),
          { abortSignal },
        );
        return { items: [page], next: page.NextToken };
      });
      for (const page of pages) {
        const h = page.BudgetPerformanceHistory;
        head ??= { type: (h?.BudgetType ?? "COST") as Budget["type"], timeUnit: (h?.TimeUnit ?? "MONTHLY") as Budget["timeUnit"] };
        for (const p of h?.BudgetedAndActualAmountsList ?? []) {
          periods.push({
            start: isoDate(p.TimePeriod?.Start),
            end: isoDate(p.TimePeriod?.End),
            budgeted: moneyOf(p.BudgetedAmount) ?? money("0"),
            actual: moneyOf(p.ActualAmount) ?? money("0"),
          });
        }
      }
    } catch (error) {
      if (error instanceof UpstreamError && error.code === "NotFoundException") return undefined;
      throw error;
    }
    return { name, type: head?.type ?? "COST", timeUnit: head?.timeUnit ?? "MONTHLY", periods, source: "live" };
  }

  async create(input: BudgetInput, signal?: AbortSignal): Promise<Budget> {
    const AccountId = await this.#d.accountId();
    const filter = toExpression(input.filters) as BudgetExpression | undefined;
    const planned = input.plannedLimits
      ? Object.fromEntries(
          Object.entries(input.plannedLimits).map(([day, m]) => [String(Date.parse(`${day}T00:00:00Z`) / 1000), { Amount: m.amount, Unit: m.unit }]),
        )
      : undefined;
    try {
      await this.#call(
        (abortSignal) =>
          this.#d.client.send(
            new CreateBudgetCommand({
              AccountId,
              Budget: {
                BudgetName: input.name,
                BudgetType: input.type,
                TimeUnit: input.timeUnit,
                ...(input.limit ? { BudgetLimit: { Amount: input.limit.amount, Unit: input.limit.unit } } : {}),
                ...(planned ? { PlannedBudgetLimits: planned } : {}),
                ...(filter ? { FilterExpression: filter } : {}),
                ...(input.type === "COST" ? { Metrics: ["UnblendedCost"] } : {}),
                ...(input.timePeriod?.start || input.timePeriod?.end
                  ? {
                      TimePeriod: {
                        ...(input.timePeriod.start ? { Start: new Date(`${input.timePeriod.start}T00:00:00Z`) } : {}),
                        ...(input.timePeriod.end ? { End: new Date(`${input.timePeriod.end}T00:00:00Z`) } : {}),
                      },
                    }
                  : {}),
              },
              NotificationsWithSubscribers: input.notifications.map((n) => ({
                Notification: {
                  NotificationType: n.type,
                  ComparisonOperator: n.comparison,
                  Threshold: n.threshold,
                  ThresholdType: n.thresholdType,
                },
                Subscribers: n.subscribers.map((s) => ({ SubscriptionType: s.type, Address: s.address })),
              })),
            }),
            { abortSignal },
          ),
        signal,
        // CreateBudget has no idempotency token: a timed-out create is read back, never sent twice.
        { retryTransient: false },
      );
    } catch (error) {
      if (error instanceof UpstreamError && error.code === "DuplicateRecordException") throw new DuplicateBudgetError(error.message);
      if (error instanceof UpstreamError && error.code === "CreationLimitExceededException") {
        throw new BudgetLimitError((error.cause as Error | undefined)?.message ?? "the account's budget limit is reached");
      }
      throw error;
    }
    return (await this.get(input.name, signal)) ?? {
      name: input.name,
      type: input.type,
      timeUnit: input.timeUnit,
      ...(input.limit ? { limit: input.limit } : {}),
      ...(input.plannedLimits ? { plannedLimits: input.plannedLimits } : {}),
      timePeriod: { start: input.timePeriod?.start ?? "", end: input.timePeriod?.end ?? "" },
      filters: input.filters,
      notifications: input.notifications,
    };
  }

  async delete(name: string, signal?: AbortSignal): Promise<boolean> {
    const AccountId = await this.#d.accountId();
    try {
      await this.#call((abortSignal) => this.#d.client.send(new DeleteBudgetCommand({ AccountId, BudgetName: name }), { abortSignal }), signal);
      return true;
    } catch (error) {
      if (error instanceof UpstreamError && error.code === "NotFoundException") return false;
      throw error;
    }
  }
}
