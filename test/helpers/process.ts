import { type ChildProcess, spawn } from "node:child_process";
import { FAKE_CREDENTIALS } from "./live.ts";
import { freePort } from "./redis.ts";

/** A Pricebook started as a real process (`node src/main.ts`), its output captured. */
export interface PricebookProcess {
  base: string;
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

/** Live-mode settings against an AWS-compatible endpoint, with fake credentials. */
export function liveProcessEnv(pricingEndpoint: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PRICEBOOK_MODE: "live",
    PRICEBOOK_AUTH: "off",
    AWS_ENDPOINT_URL_PRICING: pricingEndpoint,
    AWS_ACCESS_KEY_ID: FAKE_CREDENTIALS.accessKeyId,
    AWS_SECRET_ACCESS_KEY: FAKE_CREDENTIALS.secretAccessKey,
    AWS_REGION: "us-east-1",
    ...extra,
  };
}

/** Starts `node src/main.ts` with only `env` (plus PATH and HOME) and waits for /healthz to answer. */
export async function startPricebook(env: Record<string, string>, ms = 15_000): Promise<PricebookProcess> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  let output = "";
  const child = spawn(process.execPath, ["src/main.ts"], {
    env: { PATH: process.env.PATH, HOME: process.env.HOME, PORT: String(port), HOST: "127.0.0.1", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr?.on("data", (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) return { base, child, output: () => output, exited };
    } catch {
      // not listening yet
    }
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill("SIGKILL");
  throw new Error(`pricebook did not become healthy:\n${output}`);
}

/** Stops a child process: SIGTERM, then SIGKILL if it has not exited within 5 s. */
export async function stopProcess(proc: ChildProcess | undefined): Promise<void> {
  if (!proc || proc.exitCode !== null) return;
  const exited = new Promise((resolve) => proc.once("exit", resolve));
  proc.kill("SIGTERM");
  const timer = setTimeout(() => proc.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}
