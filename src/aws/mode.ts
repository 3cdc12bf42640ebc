import { defaultProvider } from "@aws-sdk/credential-provider-node";

export type RequestedMode = "auto" | "live" | "mock";
export type Mode = "live" | "mock";

/** Resolves AWS credentials once; rejects when none can be found. */
export type CredentialProbe = () => Promise<{ accessKeyId: string }>;

export interface ModeDecision {
  mode: Mode;
  /** One phrase for the start-up line: why this mode. */
  reason: string;
}

/** The operator asked for live mode and there is nothing to be live with. */
export class LiveModeUnavailableError extends Error {
  override name = "LiveModeUnavailableError";
}

/**
 * The SDK's default chain, bounded: a failed lookup is not memoised by the SDK, so we probe exactly
 * once at start-up, with the IMDS/container probes held to one short attempt each.
 */
export function defaultCredentialProbe(): CredentialProbe {
  const provider = defaultProvider({ timeout: 500, maxRetries: 0 });
  return () => provider();
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer from the credential chain within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * `mock` is taken as asked. `auto` probes for credentials and picks `live` or `mock`. `live` probes
 * too and refuses to start without credentials: mock data is never served when live was asked for.
 */
export async function decideMode(
  requested: RequestedMode,
  probe: CredentialProbe,
  timeoutMs: number,
): Promise<ModeDecision> {
  if (requested === "mock") return { mode: "mock", reason: "PRICEBOOK_MODE=mock" };
  try {
    const credentials = await withTimeout(probe(), timeoutMs);
    if (!credentials?.accessKeyId) throw new Error("the credential chain returned no access key");
    return { mode: "live", reason: `AWS credentials found (PRICEBOOK_MODE=${requested})` };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    if (requested === "live") {
      throw new LiveModeUnavailableError(
        `PRICEBOOK_MODE=live but no AWS credentials were found (${why}). Provide credentials through the AWS SDK's default chain (environment, profile, SSO, web identity, container or instance role), or set PRICEBOOK_MODE=mock.`,
      );
    }
    return { mode: "mock", reason: `no AWS credentials found (${why})` };
  }
}
