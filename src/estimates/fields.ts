import { z } from "@hono/zod-openapi";
import { didYouMean } from "../domain/suggest.ts";
import type { SpecIndex } from "../fallback/specs.ts";

/** What estimators may consult beyond prices: the instance types a cloud service has at all. */
export interface EstimatorDeps {
  /** The spec catalogue of an instance service (undefined when the cloud ships none for it). */
  specs(service: string): SpecIndex | undefined;
}

/** A whole count of things, 0 … max, with the allowed range in the message. */
export function count(name: string, max: number) {
  return z
    .number({ error: `${name} must be a whole number from 0 to ${max}` })
    .int(`${name} must be a whole number from 0 to ${max}`)
    .min(0, `${name} must be a whole number from 0 to ${max}`)
    .max(max, `${name} must be at most ${max}`);
}

/** Hours a month something runs (0 … 744, a 31-day month); absent: the estimate's month (730 h). */
export function hoursPerMonth() {
  return z
    .number({ error: "hoursPerMonth must be a number of hours from 0 to 744" })
    .min(0, "hoursPerMonth must be 0 or more")
    .max(744, "hoursPerMonth must be at most 744 (a 31-day month)")
    .optional();
}

/**
 * An instance type: well-formed by the cloud's grammar and, when the cloud ships a spec catalogue, a
 * type the cloud has (else a 400 with the closest names). Whether the region prices it is the price
 * source's answer (listed unavailable, never 0).
 */
export function instanceTypeField(name: string, grammar: RegExp, what: string, specs: SpecIndex | undefined) {
  return z
    .string({ error: `${name} must be ${what}` })
    .max(64, `${name} must be ${what}`)
    .transform((v) => v.trim().toLowerCase())
    .superRefine((v, ctx) => {
      if (!grammar.test(v)) ctx.addIssue({ code: "custom", message: `${name} must be ${what}${specs ? didYouMean(v, specs.ids()) : ""}` });
      else if (specs && !specs.get(v)) ctx.addIssue({ code: "custom", message: `${name} "${v}" is not an instance type the cloud has${didYouMean(v, specs.ids())}` });
    });
}
