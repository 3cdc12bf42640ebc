import { type FailureKind, classifyTransport } from "../../resilience/classify.ts";

/**
 * A Retail Prices page that is not what the API sends (not JSON, no `Items` array, an item without its
 * fields): treated as a transient fault, retried, counted by the breaker, never served.
 */
export class RetailPricesFormatError extends Error {
  override name = "RetailPricesFormatError";
}

/**
 * Classifies what the Retail Prices client throws: HTTP 429 → throttling (its Retry-After honoured by
 * the guard), 5xx, network errors, timeouts and malformed pages → transient; any other HTTP answer (a
 * 400 for a filter Azure refuses) → the caller's fault, not retried.
 */
export function classifyAzureError(error: unknown, callerSignal?: AbortSignal): FailureKind {
  if (callerSignal?.aborted) return "aborted";
  if (error instanceof RetailPricesFormatError) return "transient";
  return classifyTransport(error) ?? "client";
}
