import { z } from "@hono/zod-openapi";
import {
  OFFERING_CLASSES,
  OPTION_FIELDS,
  PAYMENTS,
  PLAN_TYPES,
  PURCHASE_ALIASES,
  PURCHASE_DEFAULTS,
  PURCHASE_OPTIONS,
  type PurchaseOption,
  TERMS,
} from "../domain/purchase.ts";
import { didYouMean } from "../domain/suggest.ts";
import { ApiError } from "../errors.ts";

/** A choice among fixed values (and the clouds' own names for them), any case; a wrong one names the closest. */
function choice<T extends string>(name: string, values: readonly T[], description: string, aliases: Readonly<Record<string, T>> = {}) {
  return z
    .string()
    .transform((raw, ctx) => {
      const value = raw.trim().toLowerCase();
      const found = values.find((v) => v === value) ?? aliases[value];
      if (found) return found;
      ctx.issues.push({ code: "custom", input: raw, message: `"${raw.slice(0, 40)}" is not one of ${values.join(", ")}${didYouMean(value, [...values, ...Object.keys(aliases)])}` });
      return z.NEVER;
    })
    .optional()
    .openapi({ param: { name, in: "query" }, type: "string", enum: [...values], description });
}

/**
 * The purchase-option parameters every price question takes (GET and batch), as the contract publishes
 * them. Absent `purchaseOption` is on-demand.
 */
export const purchaseParams = {
  purchaseOption: choice(
    "purchaseOption",
    PURCHASE_OPTIONS,
    "How the price is bought (default on-demand). Azure `reservation` and GCP `commitment` are accepted as `reserved`; `preemptible` as `spot`.",
    PURCHASE_ALIASES,
  ),
  term: choice("term", TERMS, `reserved, savings-plan: the commitment (default ${PURCHASE_DEFAULTS.term}).`),
  payment: choice("payment", PAYMENTS, `reserved, savings-plan: how it is paid (default ${PURCHASE_DEFAULTS.payment} where the cloud sells it; Azure reservations are priced as their term total, GCP commitments monthly).`),
  offeringClass: choice("offeringClass", OFFERING_CLASSES, `AWS reserved instances: the offering class (default ${PURCHASE_DEFAULTS.offeringClass}).`),
  planType: choice("planType", PLAN_TYPES, `AWS Savings Plans: the plan (default ${PURCHASE_DEFAULTS.planType}).`),
};

export type PurchaseParams = { [K in keyof typeof purchaseParams]?: string | undefined };

const purchaseBody = z.strictObject(purchaseParams);

/**
 * The purchase option of a body (an estimate line, a compare request): the same fields and rules as
 * the query parameters, with errors by field instead of an exception.
 */
export function parsePurchase(raw: Record<string, unknown>): { purchase: PurchaseOption | undefined } | { errors: Array<{ parameter: string; message: string }> } {
  const defined = Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== undefined));
  const parsed = purchaseBody.safeParse(defined);
  if (!parsed.success) return { errors: parsed.error.issues.map((i) => ({ parameter: i.path.join(".") || "purchaseOption", message: i.message })) };
  try {
    return { purchase: splitPurchase(parsed.data as PurchaseParams).purchase };
  } catch (error) {
    if (error instanceof ApiError && error.errors) return { errors: error.errors };
    throw error;
  }
}

/**
 * Splits the purchase-option parameters off a validated query: the option they ask for (undefined for
 * on-demand) and the service's own parameters. A field that does not apply to the option is a 400.
 */
export function splitPurchase<T extends Record<string, unknown>>(params: T & PurchaseParams): { purchase: PurchaseOption | undefined; rest: Omit<T, keyof PurchaseParams> } {
  const { purchaseOption, term, payment, offeringClass, planType, ...rest } = params;
  const fields = { term, payment, offeringClass, planType };
  const option = (purchaseOption ?? "on-demand") as (typeof PURCHASE_OPTIONS)[number];
  const allowed: readonly string[] = option === "on-demand" ? [] : OPTION_FIELDS[option];
  const wrong = Object.entries(fields).filter(([k, v]) => v !== undefined && !allowed.includes(k));
  if (wrong.length > 0) {
    throw new ApiError("invalid_request", `${wrong.map(([k]) => k).join(", ")} does not apply to purchaseOption ${option}`, {
      errors: wrong.map(([k]) => ({
        parameter: k,
        message: `applies to purchaseOption ${Object.entries(OPTION_FIELDS).filter(([, f]) => f.includes(k as never)).map(([o]) => o).join(" or ")} only${allowed.length ? `; ${option} takes ${allowed.join(", ")}` : `; ${option} takes none`}`,
      })),
    });
  }
  if (option === "on-demand") return { purchase: undefined, rest: rest as Omit<T, keyof PurchaseParams> };
  const purchase = { option, ...Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) } as PurchaseOption;
  return { purchase, rest: rest as Omit<T, keyof PurchaseParams> };
}
