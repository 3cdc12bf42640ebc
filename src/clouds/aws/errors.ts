import { type FailureKind, classifyTransport } from "../../resilience/classify.ts";

/** AWS error names that mean "slow down" (smithy's throttling list, plus the Price List's own). */
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
]);

interface AwsErrorLike {
  name?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: { throttling?: boolean };
}

/** Classifies an AWS SDK v3 error (smithy's retry rules: status, error name, `$retryable`). */
export function classifyAwsError(error: unknown, callerSignal?: AbortSignal): FailureKind {
  if (callerSignal?.aborted) return "aborted";
  const e = (error ?? {}) as AwsErrorLike;
  const name = e.name ?? "";
  const status = e.$metadata?.httpStatusCode;
  if (status === 429 || THROTTLING_CODES.has(name) || e.$retryable?.throttling) return "throttling";
  if (status !== undefined && status >= 500) return "transient";
  if (TRANSIENT_CODES.has(name)) return "transient";
  // Anything else AWS answered (a 4xx), or an error we cannot place, is not retried and trips nothing.
  return classifyTransport(error) ?? "client";
}
