import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";

export const SCOPES = ["prices:read", "costs:read", "budgets:read", "budgets:write"] as const;
export type Scope = (typeof SCOPES)[number];

/** A configured API key: only its SHA-256 is ever held; the key itself is never stored or logged. */
export interface ApiKey {
  id: string;
  scopes: ReadonlySet<Scope>;
  hash: Buffer;
}

const entrySchema = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, "must be 1-64 letters, digits, '.', '_' or '-'"),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, "must be the key's SHA-256 in lower-case hex"),
  scopes: z.array(z.enum(SCOPES)).min(1),
});
const keysSchema = z.array(entrySchema);

export type KeyEntry = z.infer<typeof entrySchema>;

/** Thrown for an unusable key configuration; names the entry and field, never a key. */
export class KeyConfigError extends Error {
  override name = "KeyConfigError";
}

export function sha256Hex(value: string): string {
  return createHash("sha256").update(value).digest("hex");
}

/** A new random key (`pb_` + 32 random bytes, base64url) and the entry that configures it. */
export function createKey(id: string, scopes: Scope[]): { key: string; entry: KeyEntry } {
  const key = `pb_${randomBytes(32).toString("base64url")}`;
  return { key, entry: { id, sha256: sha256Hex(key), scopes } };
}

export function parseKeyEntries(json: string, origin: string): ApiKey[] {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    throw new KeyConfigError(`${origin}: not valid JSON (expected [{"id","sha256","scopes"}])`);
  }
  const parsed = keysSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new KeyConfigError(`${origin}: ${issues}`);
  }
  const ids = new Set<string>();
  return parsed.data.map((e) => {
    if (ids.has(e.id)) throw new KeyConfigError(`${origin}: key id "${e.id}" appears twice`);
    ids.add(e.id);
    return { id: e.id, scopes: new Set(e.scopes), hash: Buffer.from(e.sha256, "hex") };
  });
}

/**
 * Verifies bearer keys. The presented key is hashed once and compared with every configured hash in
 * constant time, so neither which key matched nor how much of it did shows in the timing.
 */
export class KeyRing {
  readonly #keys: ApiKey[];
  /**
   * Keys already verified, remembered by the presented key's SHA-256 (never the key itself), so the
   * hot path skips the comparisons; bounded; misses are not kept.
   */
  readonly #verified = new Map<string, ApiKey>();

  constructor(keys: ApiKey[]) {
    this.#keys = keys;
  }

  get size(): number {
    return this.#keys.length;
  }

  /** What the verified-key memo holds (SHA-256 digests of keys, base64), for tests and diagnostics. */
  remembered(): string[] {
    return [...this.#verified.keys()];
  }

  verify(presented: string): ApiKey | undefined {
    const hash = createHash("sha256").update(presented).digest();
    const memo = hash.toString("base64");
    const known = this.#verified.get(memo);
    if (known) return known;
    let match: ApiKey | undefined;
    for (const key of this.#keys) {
      if (timingSafeEqual(hash, key.hash) && !match) match = key;
    }
    if (match) {
      if (this.#verified.size >= 10_000) this.#verified.clear();
      this.#verified.set(memo, match);
    }
    return match;
  }
}
