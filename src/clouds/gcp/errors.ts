import { type FailureKind, HttpStatusError, classifyTransport } from "../../resilience/classify.ts";

/**
 * Classifies what the Cloud Billing Catalog client throws: 429 (RESOURCE_EXHAUSTED) is throttling,
 * 5xx and 408 are transient, a page that is not the documented JSON is transient (retried, then a
 * failure that falls back); any other 4xx (a bad or restricted key: 400 INVALID_ARGUMENT,
 * 403 PERMISSION_DENIED) is the configuration's fault and is not retried.
 */
export function classifyGcpError(error: unknown, callerSignal?: AbortSignal): FailureKind {
  if (callerSignal?.aborted) return "aborted";
  if (error instanceof HttpStatusError) {
    if (error.status === 429 || error.code === "RESOURCE_EXHAUSTED") return "throttling";
    if (error.status >= 500 || error.status === 408) return "transient";
    return "client";
  }
  if ((error as { name?: string } | undefined)?.name === "MalformedPageError") return "transient";
  return classifyTransport(error) ?? "client";
}
