import { z } from "@hono/zod-openapi";
import { didYouMean } from "../domain/suggest.ts";
import { ApiError } from "../errors.ts";

/** A query parameter that may be repeated and comma-separated (`?instanceType=a,b&instanceType=c`). */
export function listParam(name: string, description: string, example: string) {
  return z
    .union([z.string(), z.array(z.string())])
    .optional()
    .openapi({ param: { name, in: "query", style: "form", explode: true }, description, example });
}

export interface IdListRules {
  parameter: string;
  max: number;
  /** Canonical form of one value (EC2: lower case). */
  normalize(value: string): string;
  /** Whether a value is a well-formed id of the cloud (a name it could sell). */
  valid(value: string): boolean;
  /** What a valid value is, for the error ("an EC2 instance type (family.size, such as m5.large)"). */
  what: string;
  /** Known ids, for "did you mean". */
  known(): Iterable<string>;
  /** The request's budget of "did you mean" searches. */
  suggestions: { remaining: number };
}

/**
 * Splits repeated and comma-separated values, normalises and dedupes them, and checks each one. An
 * ill-formed value is a 400 naming it with the closest known ids; a well-formed one without a price is
 * left for the price source to list as unavailable.
 */
export function parseIdList(raw: string | string[] | undefined, rules: IdListRules): string[] | undefined {
  if (raw === undefined) return undefined;
  const values = (Array.isArray(raw) ? raw : [raw])
    .flatMap((v) => v.split(","))
    .map((v) => rules.normalize(v.trim()))
    .filter((v) => v.length > 0);
  const unique = [...new Set(values)];
  const fail = (detail: string, messages: string[]): never => {
    throw new ApiError("invalid_request", detail, {
      errors: messages.map((message) => ({ parameter: rules.parameter, message })),
    });
  };
  if (unique.length === 0) fail(`${rules.parameter} is empty`, [`must name at least one value: ${rules.what}`]);
  if (unique.length > rules.max) {
    fail(`too many values of ${rules.parameter} (${unique.length})`, [`at most ${rules.max} values per request`]);
  }
  const bad = unique.filter((v) => v.length > 64 || !rules.valid(v));
  if (bad.length > 0) {
    const named = bad.slice(0, 5);
    const hint = (v: string) => {
      if (rules.suggestions.remaining <= 0) return "";
      rules.suggestions.remaining--;
      return didYouMean(v, rules.known());
    };
    fail(
      `not ${rules.what}: ${named.map((v) => v.slice(0, 64)).join(", ")}${bad.length > named.length ? `, … (${bad.length} in all)` : ""}`,
      named.map((v) => `"${v.slice(0, 64)}" is not ${rules.what}${hint(v)}`),
    );
  }
  return unique;
}
