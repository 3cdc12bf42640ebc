/**
 * Below HTTP, failures are classified values. Only `throttling` and `transient` are retried; only
 * `transient` counts against a breaker. `client` errors (validation, access denied, not found) are the
 * caller's or the configuration's fault; `aborted` means our caller went away. Each cloud supplies its
 * own classifier (its error codes); this module knows only what every transport shares.
 */
export type FailureKind = "throttling" | "transient" | "client" | "aborted";

/** A cloud's classifier: the error, and the caller's signal (aborted → "aborted"). */
export type Classify = (error: unknown, callerSignal?: AbortSignal) => FailureKind;

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
  status?: number;
  cause?: unknown;
}

/** Our own per-attempt deadline, distinguishable from the caller's abort. */
export class AttemptTimeoutError extends Error {
  override name = "AttemptTimeoutError";
}

/** An HTTP answer from an upstream that is not a success: status, and the body's first bytes. */
export class HttpStatusError extends Error {
  override name = "HttpStatusError";
  readonly status: number;
  /** Seconds the upstream asked us to wait (its Retry-After), when it said. */
  readonly retryAfterSeconds: number | undefined;
  readonly code: string;

  constructor(status: number, message: string, options: { retryAfterSeconds?: number | undefined; code?: string } = {}) {
    super(message);
    this.status = status;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.code = options.code ?? `HTTP${status}`;
  }
}

/**
 * What every transport shares: our attempt deadline, network errors, HTTP 429/5xx, bodies that do not
 * parse. Undefined when the error says nothing transport-level (the cloud's own codes decide).
 */
export function classifyTransport(error: unknown): FailureKind | undefined {
  const e = (error ?? {}) as ErrorLike;
  const name = e.name ?? "";
  if (name === "AttemptTimeoutError") return "transient";
  if (typeof e.status === "number") {
    if (e.status === 429) return "throttling";
    if (e.status >= 500) return "transient";
  }
  if ((e.code && NETWORK_CODES.has(e.code)) || NETWORK_CODES.has(name)) return "transient";
  // A body the upstream never sends (truncated, not JSON): parsing it fails.
  if (name === "SyntaxError" || /deserializ/i.test(e.message ?? "")) return "transient";
  if (name === "AbortError") return "transient";
  const cause = e.cause as ErrorLike | undefined;
  if (cause?.code && NETWORK_CODES.has(cause.code)) return "transient";
  return undefined;
}

export function isRetryable(kind: FailureKind): boolean {
  return kind === "throttling" || kind === "transient";
}
