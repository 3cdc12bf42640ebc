import { GetCallerIdentityCommand, type STSClient } from "@aws-sdk/client-sts";

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
}

export interface AccountProbe {
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
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    const status = e.$metadata?.httpStatusCode;
    // An answer from AWS, even a refusal, means the API is reachable with these credentials' network.
    const reachable = status !== undefined && status < 500;
    return { api: r.api, reachable, latencyMs: Math.round(performance.now() - started), error: e.name ?? "Error" };
  }
}

/** STS GetCallerIdentity for who we are, and one call to each AWS API Pricebook uses. */
export class LiveAccountProbe implements AccountProbe {
  readonly #sts: STSClient;
  readonly #checks: Reachability[];

  constructor(sts: STSClient, checks: Reachability[]) {
    this.#sts = sts;
    this.#checks = checks;
  }

  async describe(signal: AbortSignal): Promise<AccountInfo> {
    const started = performance.now();
    const [identity, ...apis] = await Promise.all([
      this.#sts.send(new GetCallerIdentityCommand({}), { abortSignal: AbortSignal.any([signal, AbortSignal.timeout(CHECK_TIMEOUT_MS)]) }),
      ...this.#checks.map((c) => check(c, signal)),
    ]);
    return {
      mock: false,
      mode: "live",
      accountId: identity.Account ?? "",
      arn: identity.Arn ?? "",
      apis: [{ api: "sts", reachable: true, latencyMs: Math.round(performance.now() - started) }, ...apis],
      checkedAt: new Date().toISOString(),
    };
  }
}

/** Mock mode's account: clearly marked, AWS's documentation account id, no calls. */
export class MockAccountProbe implements AccountProbe {
  async describe(): Promise<AccountInfo> {
    return {
      mock: true,
      mode: "mock",
      accountId: "123456789012",
      arn: "arn:aws:iam::123456789012:user/pricebook-mock",
      apis: [],
      checkedAt: new Date().toISOString(),
    };
  }
}
