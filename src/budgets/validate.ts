import { z } from "@hono/zod-openapi";
import { BUDGET_TYPES, type BudgetInput, TIME_UNITS } from "../domain/budgets.ts";
import { isIsoDate, periodContaining } from "../domain/dates.ts";
import { ApiError } from "../errors.ts";
import { isDecimalString, isZero } from "../domain/money.ts";
import { awsRegions } from "../clouds/aws/regions.ts";

/** AWS Budgets' rules, checked before anything is sent (API_budgets_CreateBudget, Budget data type). */
const amount = z
  .string()
  .refine((v) => isDecimalString(v) && !isZero(v), "must be a positive decimal string such as \"100\" or \"250.50\"")
  .refine((v) => v.length <= 30, "too long");

const spend = z.strictObject({ amount, unit: z.string().min(1).max(32).openapi({ example: "USD" }) });

const subscriber = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("EMAIL"), address: z.email({ error: "must be an email address" }).max(50) }),
  z.strictObject({
    type: z.literal("SNS"),
    address: z.string().regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/, "must be an SNS topic ARN"),
  }),
]);

const notification = z
  .strictObject({
    type: z.enum(["ACTUAL", "FORECASTED"]),
    comparison: z.enum(["GREATER_THAN", "LESS_THAN", "EQUAL_TO"]).default("GREATER_THAN"),
    threshold: z.number().positive().max(1_000_000_000),
    thresholdType: z.enum(["PERCENTAGE", "ABSOLUTE_VALUE"]).default("PERCENTAGE"),
    subscribers: z.array(subscriber).min(1).max(11),
  })
  .refine((n) => n.subscribers.filter((s) => s.type === "SNS").length <= 1, "at most one SNS subscriber per notification")
  .refine((n) => n.subscribers.filter((s) => s.type === "EMAIL").length <= 10, "at most 10 email subscribers per notification");

export const BudgetInputSchema = z
  .strictObject({
    name: z
      .string()
      .min(1)
      .max(100, "at most 100 characters")
      .refine((n) => !/[:\\]/.test(n), "must not contain ':' or '\\'")
      .refine((n) => !n.includes("/action/"), "must not contain '/action/'")
      .refine((n) => n !== "." && n !== "..", "must not be '.' or '..' (it could never be addressed in a URL)")
      .refine((n) => n.isWellFormed() && !/\p{Cc}/u.test(n), "must be well-formed text without control characters")
      .refine((n) => !/<script>.*<\/script>/is.test(n), "must not contain a <script> element")
      .openapi({ example: "team-platform-monthly" }),
    type: z.enum(BUDGET_TYPES).default("COST"),
    timeUnit: z.enum(TIME_UNITS).default("MONTHLY"),
    limit: spend.optional(),
    plannedLimits: z
      .record(z.string().refine(isIsoDate, "keys must be period start dates YYYY-MM-DD"), spend)
      .optional()
      .openapi({ description: "Period start (YYYY-MM-DD) → limit; instead of `limit`." }),
    timePeriod: z
      .strictObject({
        start: z.string().refine(isIsoDate, "must be YYYY-MM-DD").optional(),
        end: z.string().refine(isIsoDate, "must be YYYY-MM-DD").optional(),
      })
      .optional(),
    filters: z
      .strictObject({
        services: z.array(z.string().min(1).max(256)).max(100).optional(),
        regions: z.array(z.string().refine((r) => awsRegions.has(r), "must be an AWS region code")).max(50).optional(),
        tags: z.record(z.string().min(1).max(128), z.array(z.string().max(256)).min(1).max(100)).optional(),
      })
      .default({}),
    notifications: z.array(notification).max(5, "AWS allows at most 5 notifications per budget").default([]),
  })
  .superRefine((b, ctx) => {
    if (b.limit && b.plannedLimits) ctx.addIssue({ code: "custom", path: ["plannedLimits"], message: "give limit or plannedLimits, not both" });
    const costOrUsage = b.type === "COST" || b.type === "USAGE";
    if (costOrUsage && !b.limit && !b.plannedLimits) ctx.addIssue({ code: "custom", path: ["limit"], message: "COST and USAGE budgets need limit or plannedLimits" });
    if (b.plannedLimits && !costOrUsage) ctx.addIssue({ code: "custom", path: ["plannedLimits"], message: "only COST and USAGE budgets take planned limits" });
    if (b.plannedLimits && !["MONTHLY", "QUARTERLY"].includes(b.timeUnit)) {
      ctx.addIssue({ code: "custom", path: ["plannedLimits"], message: "planned limits need timeUnit MONTHLY or QUARTERLY" });
    }
    if (b.plannedLimits && Object.keys(b.plannedLimits).length === 0) {
      ctx.addIssue({ code: "custom", path: ["plannedLimits"], message: "must give the limit of at least one period, such as { \"2026-12-01\": { \"amount\": \"100\", \"unit\": \"USD\" } }" });
    }
    for (const day of Object.keys(b.plannedLimits ?? {})) {
      const quarterly = b.timeUnit === "QUARTERLY";
      if (isIsoDate(day) && (!day.endsWith("-01") || (quarterly && !["01", "04", "07", "10"].includes(day.slice(5, 7))))) {
        ctx.addIssue({ code: "custom", path: ["plannedLimits", day], message: `keys must be the first day of a ${quarterly ? "quarter" : "month"}, such as ${day.slice(0, 8)}01` });
      }
    }
    const units = [b.limit, ...Object.values(b.plannedLimits ?? {})].filter(Boolean).map((s) => s?.unit);
    if (b.type === "COST" && units.some((u) => u !== "USD")) ctx.addIssue({ code: "custom", path: ["limit", "unit"], message: "COST budgets are in USD" });
    if (!costOrUsage && b.limit && (b.limit.unit !== "PERCENTAGE" || Number(b.limit.amount) > 100)) {
      ctx.addIssue({ code: "custom", path: ["limit"], message: "utilization and coverage budgets take a PERCENTAGE limit of at most 100" });
    }
    if (b.timePeriod?.start && b.timePeriod.end && b.timePeriod.end <= b.timePeriod.start) {
      ctx.addIssue({ code: "custom", path: ["timePeriod", "end"], message: "must be after start" });
    }
  })
  .openapi("BudgetInput", {
    example: {
      name: "team-platform-monthly",
      type: "COST",
      timeUnit: "MONTHLY",
      limit: { amount: "5000", unit: "USD" },
      filters: { services: ["Amazon Elastic Compute Cloud - Compute"], tags: { Team: ["platform"] } },
      notifications: [{ type: "FORECASTED", comparison: "GREATER_THAN", threshold: 90, thresholdType: "PERCENTAGE", subscribers: [{ type: "EMAIL", address: "finops@example.com" }] }],
    },
  });

export function toBudgetInput(body: z.infer<typeof BudgetInputSchema>): BudgetInput {
  return body as BudgetInput;
}

/**
 * The rules that depend on the date: with only an `end`, AWS starts the budget at the beginning of the
 * current period, so the end must come after that.
 */
export function checkBudgetDates(input: BudgetInput, today: string): void {
  const end = input.timePeriod?.end;
  if (!end || input.timePeriod?.start) return;
  const start = periodContaining(input.timeUnit, today).start;
  if (end <= start) {
    throw new ApiError("invalid_request", "invalid timePeriod.end", {
      errors: [{ parameter: "timePeriod.end", message: `must be after the budget's start: without timePeriod.start it starts with the current period, ${start}` }],
    });
  }
}
