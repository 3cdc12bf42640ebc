import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { defaultProvider } from "@aws-sdk/credential-provider-node";

export type RequestedMode = "auto" | "live" | "mock";
export type Mode = "live" | "mock";

/** Resolves AWS credentials once; rejects when none can be found. */
export type CredentialProbe = () => Promise<{ accessKeyId: string }>;

export interface ModeDecision {
  mode: Mode;
  /** Exactly why this mode: for the start-up line and /healthz. */
  reason: string;
}

/** The operator asked for live mode (or configured credentials) and there is nothing to be live with. */
export class LiveModeUnavailableError extends Error {
  override name = "LiveModeUnavailableError";
}

class ProbeTimeoutError extends Error {
  override name = "ProbeTimeoutError";
}

/** Environment variables through which the AWS SDK's default chain is configured. */
const CREDENTIAL_VARIABLES = [
  "AWS_ACCESS_KEY_ID",
  "AWS_PROFILE",
  "AWS_WEB_IDENTITY_TOKEN_FILE",
  "AWS_ROLE_ARN",
  "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
  "AWS_CONTAINER_CREDENTIALS_FULL_URI",
  "AWS_SHARED_CREDENTIALS_FILE",
  "AWS_CONFIG_FILE",
] as const;

/**
 * What says that AWS credentials are meant to be used here: the SDK's variables that are set, and
 * the shared credential/config files that exist. Names only, never values.
 */
export function credentialConfiguration(env: Record<string, string | undefined>, home = homedir()): string[] {
  const found: string[] = CREDENTIAL_VARIABLES.filter((name) => env[name]);
  const files = [env.AWS_SHARED_CREDENTIALS_FILE ?? join(home, ".aws", "credentials"), env.AWS_CONFIG_FILE ?? join(home, ".aws", "config")];
  for (const file of files) if (existsSync(file)) found.push(file);
  return [...new Set(found)];
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
    timer = setTimeout(() => reject(new ProbeTimeoutError(`no answer from the credential chain within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * `mock` is taken as asked. `live` probes and refuses to start without credentials. `auto` picks live
 * when credentials resolve and mock only when the chain says, definitively, that there are none and
 * nothing configures any: configured credentials that fail, or a probe that times out, stop the start
 * with the reason instead of silently serving mock data.
 */
export async function decideMode(
  requested: RequestedMode,
  probe: CredentialProbe,
  timeoutMs: number,
  configured: readonly string[] = [],
): Promise<ModeDecision> {
  if (requested === "mock") return { mode: "mock", reason: "PRICEBOOK_MODE=mock" };
  try {
    const credentials = await withTimeout(probe(), timeoutMs);
    if (!credentials?.accessKeyId) throw new Error("the credential chain returned no access key");
    return { mode: "live", reason: `PRICEBOOK_MODE=${requested} and AWS credentials resolved` };
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    if (requested === "live") {
      throw new LiveModeUnavailableError(
        `PRICEBOOK_MODE=live but no AWS credentials were found (${why}). Provide credentials through the AWS SDK's default chain (environment, profile, SSO, web identity, container or instance role), or set PRICEBOOK_MODE=mock.`,
      );
    }
    if (configured.length > 0) {
      throw new LiveModeUnavailableError(
        `PRICEBOOK_MODE=auto: AWS credentials are configured (${configured.join(", ")}) but could not be resolved (${why}). Not falling back to mock data: fix the credentials, or set PRICEBOOK_MODE=mock to serve mock data on purpose.`,
      );
    }
    if (error instanceof ProbeTimeoutError) {
      throw new LiveModeUnavailableError(
        `PRICEBOOK_MODE=auto: ${why} (an instance or container role may be slow to answer). Not falling back to mock data: set PRICEBOOK_MODE=live or PRICEBOOK_MODE=mock, or raise CREDENTIALS_DETECT_TIMEOUT_MS.`,
      );
    }
    return { mode: "mock", reason: `PRICEBOOK_MODE=auto and no AWS credentials are configured or found (${why})` };
  }
}
