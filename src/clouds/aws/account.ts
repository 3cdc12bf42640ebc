/** One AWS API's reachability, as seen from this process just now. */
export interface ApiCheck {
  api: string;
  reachable: boolean;
  latencyMs: number;
  /** The AWS error name when not reachable (AccessDeniedException still means reachable). */
  error?: string;
}

export interface AccountInfo {
  mock: boolean;
  mode: "live" | "mock";
  accountId: string;
  arn: string;
  apis: ApiCheck[];
  checkedAt: string;
  source: "live" | "mock";
  asOf: string;
}

export interface AccountProbe {
  readonly origin: "live" | "mock";
  describe(signal: AbortSignal): Promise<AccountInfo>;
}

/** A reachability check: one cheap call to the API. A service error still proves it is reachable. */
export interface Reachability {
  api: string;
  call(signal: AbortSignal): Promise<unknown>;
}

const CHECK_TIMEOUT_MS = 3_000;

async function check(r: Reachability, signal: AbortSignal): Promise<ApiCheck> {
  const started = performance.now();
  const bounded = AbortSignal.any([signal, AbortSignal.timeout(CHECK_TIMEOUT_MS)]);
  try {
    await r.call(bounded);
    return { api: r.api, reachable: true, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    // Through a guard the AWS error is the UpstreamError's cause.
    const raw = (error as { name?: string; cause?: unknown }).name === "UpstreamError" ? (error as { cause?: unknown }).cause : error;
    const e = (raw ?? error) as { name?: string; $metadata?: { httpStatusCode?: number } };
    const status = e.$metadata?.httpStatusCode;
    // An answer from AWS, even a refusal, means the API is reachable with these credentials' network.
    const reachable = status !== undefined && status < 500;
    return { api: r.api, reachable, latencyMs: Math.round(performance.now() - started), error: e.name ?? "Error" };
  }
}

/** Who the credentials are: STS GetCallerIdentity, called through its guard. */
export type Identity = (signal: AbortSignal) => Promise<{ Account?: string | undefined; Arn?: string | undefined }>;

/** STS GetCallerIdentity for who we are, and one call to each AWS API Pricebook uses. */
export class LiveAccountProbe implements AccountProbe {
  readonly origin = "live" as const;
  readonly #identity: Identity;
  readonly #checks: Reachability[];
  readonly #now: () => Date;

  constructor(identity: Identity, checks: Reachability[], now: () => Date) {
    this.#identity = identity;
    this.#checks = checks;
    this.#now = now;
  }

  async describe(signal: AbortSignal): Promise<AccountInfo> {
    const started = performance.now();
    const [identity, ...apis] = await Promise.all([this.#identity(signal), ...this.#checks.map((c) => check(c, signal))]);
    const at = this.#now().toISOString();
    return {
      mock: false,
      mode: "live",
      accountId: identity.Account ?? "",
      arn: identity.Arn ?? "",
      apis: [{ api: "sts", reachable: true, latencyMs: Math.round(performance.now() - started) }, ...apis],
      checkedAt: at,
      source: "live",
      asOf: at,
    };
  }
}

/** Mock mode's account: clearly marked, AWS's documentation account id, no calls. */
export class MockAccountProbe implements AccountProbe {
  readonly origin = "mock" as const;
  readonly #now: () => Date;

  constructor(now: () => Date) {
    this.#now = now;
  }

  async describe(): Promise<AccountInfo> {
    const at = this.#now().toISOString();
    return {
      mock: true,
      mode: "mock",
      accountId: "123456789012",
      arn: "arn:aws:iam::123456789012:user/pricebook-mock",
      apis: [],
      checkedAt: at,
      source: "mock",
      asOf: at,
    };
  }
}
