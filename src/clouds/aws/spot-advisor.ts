import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Logger } from "pino";
import { z } from "zod";
import type { CachedLoader } from "../../resilience/cached-loader.ts";
import { HttpStatusError } from "../../resilience/classify.ts";
import { type Guard, insideGuard, UnguardedCallError } from "../../resilience/guard.ts";

/** What a spot quote says about interruptions: the Spot Advisor's band and savings, and where they are from. */
export interface Interruption {
  band: string;
  savingsPercent?: string;
  source: string;
  asOf: string;
}

/**
 * The dated copy beside the tables (`fallback-pricing/spot-advisor/aws/SOURCE.md`): AWS's file as
 * copied into alexei-led/spotinfo at 5bdc33ce; the file has no date, the commit is 2025-06-28.
 */
export const SPOT_ADVISOR_COPY = {
  path: join("spot-advisor", "aws", "spot-advisor-data.json"),
  asOf: "2025-06-28",
  note: "interruption band from the dated Spot Advisor copy (alexei-led/spotinfo@5bdc33ce, data as of 2025-06-28 at the latest): the live file could not be fetched",
} as const;

/** The slice of `spot-advisor-data.json` one region's Linux answers need. */
const rangeSchema = z.object({ index: z.number().int(), label: z.string().min(1) });
const adviceSchema = z.record(z.string(), z.object({ s: z.number(), r: z.number().int() }));

/** One region's Linux advice, as cached: band labels by range index, and `{s, r}` by instance type. */
export interface RegionAdvice {
  bands: Record<string, string>;
  types: Record<string, { s: number; r: number }>;
  asOf: string;
}

/** The advice of one region read from the parsed file, or undefined when the file does not list the region. */
export function regionAdvice(file: unknown, region: string, asOf: string): RegionAdvice | undefined {
  const root = (file ?? {}) as { ranges?: unknown; spot_advisor?: Record<string, { Linux?: unknown } | undefined> };
  const ranges = z.array(rangeSchema).parse(root.ranges);
  const linux = root.spot_advisor?.[region]?.Linux;
  if (linux === undefined) return undefined;
  return { bands: Object.fromEntries(ranges.map((r) => [String(r.index), r.label])), types: adviceSchema.parse(linux), asOf };
}

export interface SpotAdvisorOptions {
  url: string;
  guard: Guard;
  loader: CachedLoader;
  /** The fallback tables' directory (the dated copy is under it). */
  fallbackDir: string;
  logger: Logger;
  now: () => Date;
}

/** A region's interruption lookup, and what a quote should say about where it came from. */
export interface Advice {
  of(type: string): Interruption | undefined;
  note?: string;
}

const NO_ADVICE: Advice = { of: () => undefined };

/**
 * AWS's public Spot Advisor file: interruption-frequency bands and savings per region and type. Fetched
 * through its own guard and cached per region; when it cannot be fetched (or is not what AWS sends),
 * the dated copy answers, read once on first need. Advice is extra: it never fails a spot answer.
 */
export class SpotAdvisor {
  readonly #o: SpotAdvisorOptions;
  #copy: unknown;

  constructor(options: SpotAdvisorOptions) {
    this.#o = options;
  }

  async lookup(region: string, signal: AbortSignal | undefined): Promise<Advice> {
    try {
      const loaded = await this.#o.loader.load<RegionAdvice | null>(`aws:spot-advisor:${region}`, (s) => this.#fetch(region, s), { signal });
      return loaded.value ? adviceOf(loaded.value, loaded.source) : NO_ADVICE;
    } catch (error) {
      if (signal?.aborted) throw error;
      this.#o.logger.warn({ region, err: (error as Error).message }, "Spot Advisor file not fetched; answering from the dated copy");
      return this.#fromCopy(region);
    }
  }

  /** The live file, one region of it (null, cached as long, when the file does not list the region). */
  async #fetch(region: string, signal: AbortSignal): Promise<RegionAdvice | null> {
    const { body, lastModified } = await this.#o.guard.call("global", (attempt) => this.#get(attempt), signal);
    const fetched = lastModified && !Number.isNaN(Date.parse(lastModified)) ? new Date(lastModified) : this.#o.now();
    return regionAdvice(JSON.parse(body), region, fetched.toISOString().slice(0, 10)) ?? null;
  }

  /** One GET, inside the guard's attempt (its deadline aborts it). */
  async #get(signal: AbortSignal): Promise<{ body: string; lastModified: string | null }> {
    if (!insideGuard()) throw new UnguardedCallError("a Spot Advisor fetch was sent outside a guard");
    const res = await fetch(this.#o.url, { signal, headers: { accept: "application/json" } });
    if (!res.ok) {
      await res.body?.cancel();
      throw new HttpStatusError(res.status, `the Spot Advisor file answered HTTP ${res.status}`);
    }
    return { body: await res.text(), lastModified: res.headers.get("last-modified") };
  }

  #fromCopy(region: string): Advice {
    try {
      this.#copy ??= JSON.parse(readFileSync(join(this.#o.fallbackDir, SPOT_ADVISOR_COPY.path), "utf8"));
      const advice = regionAdvice(this.#copy, region, SPOT_ADVISOR_COPY.asOf);
      return advice ? { ...adviceOf(advice, "fallback"), note: SPOT_ADVISOR_COPY.note } : NO_ADVICE;
    } catch (error) {
      this.#o.logger.warn({ err: (error as Error).message }, "the dated Spot Advisor copy cannot be read: spot answers carry no interruption band");
      return NO_ADVICE;
    }
  }
}

function adviceOf(advice: RegionAdvice, source: string): Advice {
  return {
    of(type) {
      const entry = Object.hasOwn(advice.types, type) ? advice.types[type] : undefined;
      const band = entry && advice.bands[String(entry.r)];
      if (!entry || !band) return undefined;
      return { band, savingsPercent: String(entry.s), source, asOf: advice.asOf };
    },
  };
}
