import type { UpstreamError } from "./resilience/guard.ts";

/**
 * One error class and a closed list of codes for the whole service. Domain code throws `ApiError`;
 * the HTTP layer renders it as application/problem+json (RFC 9457). Anything else is a bug and
 * becomes a generic 500.
 */
export const ERROR_STATUS = {
  invalid_request: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  price_not_available: 404,
  method_not_allowed: 405,
  body_timeout: 408,
  conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  idempotency_mismatch: 422,
  rate_limited: 429,
  internal_error: 500,
  upstream_error: 502,
  upstream_unavailable: 503,
  outcome_unknown: 503,
  request_timeout: 504,
  /** The client went away before the answer (nginx's 499): logged and counted, never seen by anyone. */
  client_closed_request: 499,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

const TITLES: Record<ErrorCode, string> = {
  invalid_request: "Invalid request",
  unauthorized: "Unauthorized",
  forbidden: "Forbidden",
  not_found: "Not found",
  price_not_available: "Price not available",
  method_not_allowed: "Method not allowed",
  body_timeout: "Request body not received in time",
  conflict: "Conflict",
  payload_too_large: "Payload too large",
  unsupported_media_type: "Unsupported media type",
  idempotency_mismatch: "Idempotency key reused with another request",
  rate_limited: "Too many requests",
  internal_error: "Internal server error",
  upstream_error: "Upstream error",
  upstream_unavailable: "Upstream unavailable",
  outcome_unknown: "Outcome unknown",
  request_timeout: "Request timed out",
  client_closed_request: "Client closed the request",
};

/** A parameter that failed validation, and what is allowed. */
export interface FieldError {
  parameter: string;
  message: string;
}

export interface ApiErrorOptions {
  errors?: FieldError[];
  /** Extra response headers, e.g. Retry-After. */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class ApiError extends Error {
  override name = "ApiError";
  readonly code: ErrorCode;
  readonly status: number;
  readonly title: string;
  readonly errors: FieldError[] | undefined;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, detail: string, options: ApiErrorOptions = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = ERROR_STATUS[code];
    this.title = TITLES[code];
    this.errors = options.errors;
    this.headers = options.headers ?? {};
  }
}

/** The RFC 9457 body every error response carries. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  errors?: FieldError[];
  requestId?: string;
}

export function toProblem(error: ApiError, requestId?: string): Problem {
  return {
    type: `/problems/${error.code}`,
    title: error.title,
    status: error.status,
    detail: error.message,
    code: error.code,
    ...(error.errors ? { errors: error.errors } : {}),
    ...(requestId ? { requestId } : {}),
  };
}

/**
 * The one mapping from an upstream failure to a problem, used by every route: the upstream refusing
 * what we sent is a 502 (retrying will not help); anything else is a 503 whose Retry-After is the
 * failure's own (the breaker's remaining open time, the upstream's Retry-After, or the kind's default).
 * `context` finishes the sentence ("and no cached or fallback price can answer for EKS in us-east-1").
 */
export function fromUpstream(error: UpstreamError, context?: string): ApiError {
  const who = `${error.title ?? error.api} (${error.region})`;
  if (error.kind === "aborted") return new ApiError("client_closed_request", "the client closed the connection before the answer", { cause: error });
  if (error.kind === "client") {
    return new ApiError("upstream_error", `${who} refused Pricebook's request: ${error.code}`, { cause: error });
  }
  return new ApiError(
    "upstream_unavailable",
    `${who} is unavailable (${error.kind})${context ? ` ${context}` : `; retry after ${error.retryAfterSeconds} s`}`,
    { headers: { "retry-after": String(error.retryAfterSeconds) }, cause: error },
  );
}
