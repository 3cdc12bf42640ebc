/**
 * Below HTTP, failures are classified values. Only `throttling` and `transient` are retried; only
 * they count against a breaker. `client` errors (validation, access denied, not found) are the
 * caller's or the configuration's fault; `aborted` means our caller went away.
 */
export type FailureKind = "throttling" | "transient" | "client" | "aborted";

const THROTTLING_CODES = new Set([
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "TooManyRequestsException",
  "LimitExceededException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "ProvisionedThroughputExceededException",
  "SlowDown",
]);

const TRANSIENT_CODES = new Set([
  "TimeoutError",
  "RequestTimeout",
  "RequestTimeoutException",
  "InternalServerError",
  "InternalServerException",
  "InternalErrorException",
  "InternalFailure",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "BadGateway",
  "GatewayTimeout",
  "AttemptTimeoutError",
]);

const NETWORK_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
]);

interface ErrorLike {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
  $response?: unknown;
  cause?: unknown;
}

/** Our own per-attempt deadline, distinguishable from the caller's abort. */
export class AttemptTimeoutError extends Error {
  override name = "AttemptTimeoutError";
}

export function classifyAwsError(error: unknown, callerSignal?: AbortSignal): FailureKind {
  if (callerSignal?.aborted) return "aborted";
  const e = (error ?? {}) as ErrorLike;
  const name = e.name ?? "";
  if (name === "AttemptTimeoutError") return "transient";
  const status = e.$metadata?.httpStatusCode;
  if (status === 429 || THROTTLING_CODES.has(name) || e.$retryable?.throttling) return "throttling";
  if (status !== undefined && status >= 500) return "transient";
  if (TRANSIENT_CODES.has(name)) return "transient";
  if ((e.code && NETWORK_CODES.has(e.code)) || NETWORK_CODES.has(name)) return "transient";
  // A body AWS never sends (truncated, not JSON): the SDK fails deserialising it.
  if (name === "SyntaxError" || /deserializ/i.test(e.message ?? "")) return "transient";
  if (name === "AbortError") return "transient";
  const cause = e.cause as ErrorLike | undefined;
  if (cause?.code && NETWORK_CODES.has(cause.code)) return "transient";
  // Anything else (a 4xx, or an error we cannot place) is not retried and does not trip a breaker.
  return "client";
}

export function isRetryable(kind: FailureKind): boolean {
  return kind === "throttling" || kind === "transient";
}
