import { describeTerms, PURCHASE_DEFAULTS, type PurchaseOption, type PurchaseTerms, termsKey } from "../domain/purchase.ts";
import { ApiError } from "../errors.ts";
import { listHint } from "./select.ts";

type Field = "term" | "payment" | "offeringClass" | "planType";
const FIELDS: readonly Field[] = ["term", "payment", "offeringClass", "planType"];

/**
 * The terms a question is answered with, among those a region sells: each field the question names
 * must match; an open field takes the default where it is sold, else the one value sold (Azure sells a
 * reservation only as its term total, GCP a commitment only monthly), else the first sold in the
 * order the clouds list them. Nothing sold as asked is a 404 naming what is sold.
 */
export function resolveTerms(asked: PurchaseOption, sold: readonly PurchaseTerms[], where: string): PurchaseTerms {
  let candidates = sold.filter((t) => t.option === asked.option && FIELDS.every((f) => asked[f] === undefined || t[f] === asked[f]));
  if (candidates.length === 0) {
    const offered = [...new Map(sold.map((t) => [termsKey(t), describeTerms(t)])).values()];
    throw new ApiError("price_not_available", `no ${describeTerms(asked)} prices for ${where}; sold there: ${listHint(offered, 24)}`);
  }
  for (const field of FIELDS) {
    if (asked[field] !== undefined) continue;
    const values = [...new Set(candidates.map((t) => t[field]))];
    const preferred = PURCHASE_DEFAULTS[field] as string;
    const pick = values.includes(preferred as never) ? preferred : values[0];
    candidates = candidates.filter((t) => t[field] === pick);
  }
  const resolved = candidates[0] as PurchaseTerms;
  return Object.fromEntries(Object.entries(resolved).filter(([, v]) => v !== undefined)) as unknown as PurchaseTerms;
}
