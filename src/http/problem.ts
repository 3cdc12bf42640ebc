import type { Context } from "hono";
import type { ZodError } from "zod";
import { ApiError, type FieldError, toProblem } from "../errors.ts";
import type { AppEnv } from "./env.ts";

/** Renders any ApiError as application/problem+json. */
export function problemJson(c: Context<AppEnv>, error: ApiError): Response {
  const body = toProblem(error, c.get("requestId"));
  return new Response(JSON.stringify(body), {
    status: error.status,
    headers: { "content-type": "application/problem+json", ...error.headers },
  });
}

/** Maps zod issues to `{ parameter, message }`, one per offending parameter. */
export function fieldErrors(error: ZodError): FieldError[] {
  const out: FieldError[] = [];
  for (const issue of error.issues) {
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) out.push({ parameter: key, message: issue.message });
      continue;
    }
    const parameter = issue.path.length ? issue.path.map(String).join(".") : "(request)";
    // zod 4 leaves `input` out of issues; its message says "received undefined" for a missing field.
    const missing = issue.code === "invalid_type" && /received undefined$/.test(issue.message);
    const message = missing ? "is required" : issue.message;
    out.push({ parameter, message });
  }
  return out;
}

export function validationError(error: ZodError, target: string): ApiError {
  const errors = fieldErrors(error);
  const names = [...new Set(errors.map((e) => e.parameter))].join(", ");
  return new ApiError(
    "invalid_request",
    `invalid ${target} parameter${errors.length > 1 ? "s" : ""}: ${names}`,
    {
      errors,
    },
  );
}
