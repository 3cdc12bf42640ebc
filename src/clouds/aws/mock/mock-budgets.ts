import Big from "big.js";
import type { Redis } from "ioredis";
import {
  type Budget,
  type BudgetHistory,
  type BudgetInput,
  type BudgetPeriod,
  type BudgetSource,
  DuplicateBudgetError,
  type TimeUnit,
} from "../../../domain/budgets.ts";
import type { CostFilters } from "../../../domain/costs.ts";
import { type Money, money } from "../../../domain/money.ts";
import { daysBetween, periodContaining } from "../../../domain/dates.ts";
import { addDays, addMonths, monthStart, SERVICES, type SyntheticAccount } from "./synthetic-account.ts";

/**
 * Mock mode's AWS Budgets: budgets over the synthetic account. Their spend is never stored or invented:
 * actual spend is `account.spend()` over the budget's filters and period (the same big.js sums as
 * `costs()`, so a budget and the cost report for its filter agree to the last digit), and forecasted
 * spend is actual plus `account.forecast()` to the period end.
 *
 * Seeded budgets are derived from the account's own numbers on the store's first question (the
 * account's spend is async: its inventory lines are priced), so that whatever the clock says, one
 * budget is comfortably on track and one is projected to exceed its limit.
 *
 * Persistence seam: budgets created (and deletions, including of seeded budgets) are written to the Redis
 * hash MOCK_BUDGETS_KEY when a ready Redis is given, so they survive a restart. Redis is best effort: when
 * it is absent, not ready or failing, the store works from memory and only logs a warning.
 */

export const MOCK_BUDGETS_KEY = "pricebook:mock:budgets";
/** AWS's "no end date". */
export const NO_END = "2087-06-15";

/** What is kept per budget: the definition, never its spend (that is always recomputed). */
type StoredBudget = Omit<Budget, "actualSpend" | "forecastedSpend">;
/** Hash value recording that a seeded budget was deleted, so it is not re-seeded after a restart. */
interface Tombstone {
  name: string;
  deleted: true;
  deletedAt: string;
}

export interface MockBudgetStoreOptions {
  today: () => string;
  redis?: Redis;
  logger?: { warn(obj: object, msg: string): void };
}

const FORECAST_LEVEL = 80;

/** The budget period containing `date`: calendar days, months, quarters and years, as AWS resets them. */
export function budgetPeriod(timeUnit: TimeUnit, date: string): { start: string; end: string } {
  return periodContaining(timeUnit, date);
}

const minDate = (a: string, b: string): string => (a < b ? a : b);
const maxDate = (a: string, b: string): string => (a > b ? a : b);

function isTombstone(value: unknown): value is Tombstone {
  return typeof value === "object" && value !== null && (value as { deleted?: unknown }).deleted === true;
}

export class MockBudgetStore implements BudgetSource {
  readonly origin = "mock" as const;
  readonly #account: SyntheticAccount;
  readonly #today: () => string;
  readonly #redis: Redis | undefined;
  readonly #logger: MockBudgetStoreOptions["logger"];
  readonly #budgets = new Map<string, StoredBudget>();
  #seededNames: ReadonlySet<string> = new Set();
  /** The seeded budgets, sized from the account's spend: built on the first question (spend is async). */
  #seeded: Promise<void> | undefined;
  #loaded = false;

  constructor(account: SyntheticAccount, options: MockBudgetStoreOptions) {
    this.#account = account;
    this.#today = options.today;
    this.#redis = options.redis;
    this.#logger = options.logger;
  }

  async list(signal?: AbortSignal): Promise<Budget[]> {
    signal?.throwIfAborted();
    await this.#load();
    return Promise.all([...this.#budgets.values()].map((b) => this.#withSpend(b)));
  }

  async get(name: string, signal?: AbortSignal): Promise<Budget | undefined> {
    signal?.throwIfAborted();
    await this.#load();
    const budget = this.#budgets.get(name);
    return budget ? this.#withSpend(budget) : undefined;
  }

  /**
   * One entry per budget period that overlaps [start, end), lies within the budget's time period and has
   * begun (no future periods, as in AWS). `actual` is the period's spend up to yesterday.
   */
  async history(name: string, start: string, end: string, signal?: AbortSignal): Promise<BudgetHistory | undefined> {
    signal?.throwIfAborted();
    await this.#load();
    const budget = this.#budgets.get(name);
    if (!budget) return undefined;
    const today = this.#today();
    const from = maxDate(start, budget.timePeriod.start);
    const to = minDate(minDate(end, budget.timePeriod.end), addDays(today, 1));
    // Partial periods are marked rather than avoided: the data keeps Cost Explorer's 13 months (the cost
    // routes refuse earlier days), so a quarter or a year can begin before it, and the current period is
    // to date whatever the data's start. A marked period says which days its actual covers.
    const dataStart = this.#account.historyStart();
    const periods: BudgetPeriod[] = [];
    for (let p = budgetPeriod(budget.timeUnit, from); p.start < to; p = budgetPeriod(budget.timeUnit, p.end)) {
      const coveredEnd = minDate(p.end, today);
      const coveredStart = minDate(maxDate(p.start, dataStart), coveredEnd);
      const partial = coveredStart !== p.start || coveredEnd !== p.end;
      periods.push({
        start: p.start,
        end: p.end,
        budgeted: budgetedFor(budget, p.start),
        actual: await this.#actual(budget, p.start, coveredEnd),
        partial,
        ...(partial ? { covered: { start: coveredStart, end: coveredEnd, days: daysBetween(coveredStart, coveredEnd), periodDays: daysBetween(p.start, p.end) } } : {}),
      });
    }
    return { name: budget.name, type: budget.type, timeUnit: budget.timeUnit, periods, source: "mock" };
  }

  async create(input: BudgetInput, signal?: AbortSignal): Promise<Budget> {
    signal?.throwIfAborted();
    await this.#load();
    if (this.#budgets.has(input.name)) throw new DuplicateBudgetError(`a budget named "${input.name}" exists`);
    const today = this.#today();
    const budget: StoredBudget = {
      name: input.name,
      type: input.type,
      timeUnit: input.timeUnit,
      ...(input.limit ? { limit: { ...input.limit } } : {}),
      ...(input.plannedLimits ? { plannedLimits: structuredClone(input.plannedLimits) } : {}),
      timePeriod: {
        start: input.timePeriod?.start ?? budgetPeriod(input.timeUnit, today).start,
        end: input.timePeriod?.end ?? NO_END,
      },
      filters: structuredClone(input.filters),
      notifications: structuredClone(input.notifications),
      lastUpdated: new Date().toISOString(),
    };
    const redis = this.#ready();
    if (redis) {
      try {
        const written = await redis.hsetnx(MOCK_BUDGETS_KEY, budget.name, JSON.stringify(budget));
        if (written === 0) {
          // Another store over the same Redis got there first, unless what is there is a tombstone.
          const existing = parse(await redis.hget(MOCK_BUDGETS_KEY, budget.name));
          if (existing && !isTombstone(existing)) {
            this.#budgets.set(existing.name, existing);
            throw new DuplicateBudgetError(`a budget named "${input.name}" exists`);
          }
          await redis.hset(MOCK_BUDGETS_KEY, budget.name, JSON.stringify(budget));
        }
      } catch (error) {
        if (error instanceof DuplicateBudgetError) throw error;
        this.#warn(error, "mock budget not persisted to redis");
      }
    }
    this.#budgets.set(budget.name, budget);
    return this.#withSpend(budget);
  }

  async delete(name: string, signal?: AbortSignal): Promise<boolean> {
    signal?.throwIfAborted();
    await this.#load();
    if (!this.#budgets.delete(name)) return false;
    const redis = this.#ready();
    if (redis) {
      try {
        if (this.#seededNames.has(name)) {
          const tombstone: Tombstone = { name, deleted: true, deletedAt: new Date().toISOString() };
          await redis.hset(MOCK_BUDGETS_KEY, name, JSON.stringify(tombstone));
        } else {
          await redis.hdel(MOCK_BUDGETS_KEY, name);
        }
      } catch (error) {
        this.#warn(error, "mock budget deletion not persisted to redis");
      }
    }
    return true;
  }

  /** Reads what earlier stores persisted, once Redis is ready (retried on later calls until then). */
  async #load(): Promise<void> {
    this.#seeded ??= this.#seed().then((seeded) => {
      for (const budget of seeded) this.#budgets.set(budget.name, budget);
      this.#seededNames = new Set(seeded.map((b) => b.name));
    });
    await this.#seeded;
    if (this.#loaded) return;
    const redis = this.#ready();
    if (!redis) return;
    try {
      const entries = await redis.hgetall(MOCK_BUDGETS_KEY);
      for (const [name, json] of Object.entries(entries)) {
        const value = parse(json);
        if (isTombstone(value)) this.#budgets.delete(name);
        else if (value) this.#budgets.set(name, value);
        else this.#logger?.warn({ key: MOCK_BUDGETS_KEY, field: name }, "unreadable mock budget in redis, ignored");
      }
      this.#loaded = true;
    } catch (error) {
      this.#warn(error, "mock budgets not read from redis, using memory");
    }
  }

  #ready(): Redis | undefined {
    return this.#redis?.status === "ready" ? this.#redis : undefined;
  }

  #warn(error: unknown, msg: string): void {
    this.#logger?.warn({ err: error instanceof Error ? error.message : String(error), key: MOCK_BUDGETS_KEY }, msg);
  }

  /** Actual spend over [start, end) in the budget's measure. */
  async #actual(budget: StoredBudget, start: string, end: string): Promise<Money> {
    const unit = limitUnit(budget);
    if (budget.type !== "COST") return money("0", unit);
    return money(start < end ? await this.#account.spend(budget.filters, start, end) : "0", unit);
  }

  async #withSpend(budget: StoredBudget): Promise<Budget> {
    const today = this.#today();
    const period = budgetPeriod(budget.timeUnit, today);
    const copy: Budget = structuredClone(budget);
    // Only COST budgets have spend: the synthetic account has no RIs or Savings Plans to measure
    // utilization or coverage against, and no USAGE metering per budget.
    const inEffect = budget.timePeriod.start <= today && today < budget.timePeriod.end;
    if (budget.type !== "COST" || !inEffect) return copy;
    const actual = await this.#actual(budget, maxDate(period.start, budget.timePeriod.start), today);
    copy.actualSpend = actual;
    const forecast = await this.#account.forecast({
      start: today,
      end: minDate(period.end, budget.timePeriod.end),
      granularity: "MONTHLY",
      metric: "UnblendedCost",
      predictionIntervalLevel: FORECAST_LEVEL,
      filters: budget.filters,
    });
    if (forecast.available) {
      copy.forecastedSpend = money(new Big(actual.amount).plus(forecast.total.amount), actual.unit);
    }
    return copy;
  }

  /** The four starting budgets, sized from the account's last full month (or quarter) of spend. */
  async #seed(): Promise<StoredBudget[]> {
    const today = this.#today();
    const thisMonth = monthStart(today);
    const lastMonth = addMonths(thisMonth, -1);
    const yearAgo = addMonths(thisMonth, -12);
    const stamp = `${yearAgo}T00:00:00.000Z`;
    const monthly = async (filters: CostFilters) => new Big(await this.#account.spend(filters, lastMonth, thisMonth));
    const usd = (amount: Big): Money => money(amount.round(2));
    const roundUp = (value: Big, step: number) => value.div(step).round(0, Big.roundUp).times(step);
    const roundDown = (value: Big, step: number) => value.div(step).round(0, Big.roundDown).times(step);
    const alerts = (email: string): StoredBudget["notifications"] => [
      { type: "ACTUAL", comparison: "GREATER_THAN", threshold: 80, thresholdType: "PERCENTAGE", subscribers: [{ type: "EMAIL", address: email }] },
      { type: "FORECASTED", comparison: "GREATER_THAN", threshold: 100, thresholdType: "PERCENTAGE", subscribers: [{ type: "EMAIL", address: email }] },
    ];

    const ec2: CostFilters = { services: [SERVICES.ec2] };
    const prod: CostFilters = { tags: { Environment: ["prod"] } };
    const ml: CostFilters = { services: [SERVICES.sagemaker] };

    const quarter = budgetPeriod("QUARTERLY", today);
    const lastQuarter = budgetPeriod("QUARTERLY", addDays(quarter.start, -1));
    const prodQuarter = new Big(await this.#account.spend(prod, lastQuarter.start, lastQuarter.end));

    // Planned limits: last month's ML spend, planned to grow 4% a month, for a year back and a year ahead.
    const mlBase = await monthly(ml);
    const [accountBase, ec2Base] = [await monthly({}), await monthly(ec2)];
    const plannedLimits: Record<string, Money> = {};
    for (let i = -12; i <= 11; i++) {
      const plan = mlBase.times((1.04 ** i).toFixed(6));
      plannedLimits[addMonths(thisMonth, i)] = usd(roundUp(plan, 10));
    }

    return [
      {
        // On track: 30% above last month, more than a month of growth can add.
        name: "account-monthly",
        type: "COST",
        timeUnit: "MONTHLY",
        limit: usd(roundUp(accountBase.times("1.3"), 100)),
        timePeriod: { start: yearAgo, end: NO_END },
        filters: {},
        notifications: alerts("finops@example.com"),
        lastUpdated: stamp,
      },
      {
        // Projected to exceed: 15% below last month, while EC2 keeps growing.
        name: "ec2-compute-monthly",
        type: "COST",
        timeUnit: "MONTHLY",
        limit: usd(roundDown(ec2Base.times("0.85"), 10)),
        timePeriod: { start: yearAgo, end: NO_END },
        filters: ec2,
        notifications: alerts("platform@example.com"),
        lastUpdated: stamp,
      },
      {
        name: "prod-quarterly",
        type: "COST",
        timeUnit: "QUARTERLY",
        limit: usd(roundUp(prodQuarter.times("1.2"), 500)),
        timePeriod: { start: budgetPeriod("QUARTERLY", yearAgo).start, end: NO_END },
        filters: prod,
        notifications: alerts("finops@example.com"),
        lastUpdated: stamp,
      },
      {
        name: "ml-planned-monthly",
        type: "COST",
        timeUnit: "MONTHLY",
        plannedLimits,
        timePeriod: { start: yearAgo, end: NO_END },
        filters: ml,
        notifications: alerts("ml@example.com"),
        lastUpdated: stamp,
      },
    ];
  }
}

function limitUnit(budget: StoredBudget): string {
  return budget.limit?.unit ?? Object.values(budget.plannedLimits ?? {})[0]?.unit ?? "USD";
}

/** The limit for the period starting on `start`: the fixed limit, or that period's planned limit (0 if none). */
function budgetedFor(budget: StoredBudget, start: string): Money {
  if (budget.limit) return money(budget.limit.amount, budget.limit.unit);
  const planned = budget.plannedLimits?.[start];
  return planned ? money(planned.amount, planned.unit) : money("0", limitUnit(budget));
}

function parse(json: string | null): StoredBudget | Tombstone | undefined {
  if (json === null) return undefined;
  try {
    const value = JSON.parse(json) as unknown;
    if (isTombstone(value)) return value;
    if (typeof value === "object" && value !== null && typeof (value as { name?: unknown }).name === "string") {
      return value as StoredBudget;
    }
  } catch {
    // fall through: unreadable
  }
  return undefined;
}
