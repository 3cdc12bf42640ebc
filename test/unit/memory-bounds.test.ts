import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { IdempotencyStore } from "../../src/budgets/idempotency.ts";
import { createKey, KeyRing, parseKeyEntries } from "../../src/http/auth.ts";

describe("IdempotencyStore without Redis", () => {
  it("forgets records after their 24 hours: the in-memory map is pruned, not grown forever", async () => {
    let now = 1_000_000;
    const store = new IdempotencyStore(undefined, { now: () => now });
    for (let i = 0; i < 50; i++) await store.finish("key-a", `idem-${i}`, "print", { status: 201, body: {} });
    expect(store.inMemory).toBe(50);
    now += 24 * 60 * 60 * 1000 + 1;
    expect(store.inMemory).toBe(0);
    // An expired key is a new key again.
    expect(await store.begin("key-a", "idem-1", "print")).toEqual({ kind: "new" });
  });

  it("holds at most its bound, dropping the oldest", async () => {
    const store = new IdempotencyStore(undefined, { maxInMemory: 10 });
    for (let i = 0; i < 25; i++) await store.finish("key-a", `idem-${i}`, "print", { status: 201, body: {} });
    expect(store.inMemory).toBe(10);
    expect(await store.begin("key-a", "idem-24", "print")).toMatchObject({ kind: "replay" });
  });

  it("a pending request that outlives its lease is an unknown outcome, not 'in progress' forever", async () => {
    let now = 0;
    const store = new IdempotencyStore(undefined, { now: () => now, leaseMs: 1000 });
    expect(await store.begin("k", "idem", "p")).toEqual({ kind: "new" });
    expect(await store.begin("k", "idem", "p")).toEqual({ kind: "pending" });
    now = 1001;
    expect(await store.begin("k", "idem", "p")).toEqual({ kind: "unknown" });
  });
});

describe("KeyRing", () => {
  it("remembers verified keys by their SHA-256, never the key itself", () => {
    const { key, entry } = createKey("reader", ["prices:read"]);
    const ring = new KeyRing(parseKeyEntries(JSON.stringify([entry]), "test"));
    expect(ring.verify(key)?.id).toBe("reader");
    expect(ring.verify(key)?.id).toBe("reader");
    const remembered = ring.remembered();
    expect(remembered).toEqual([createHash("sha256").update(key).digest("base64")]);
    expect(remembered.join("")).not.toContain(key);
    expect(ring.verify("pb_not-a-key")).toBeUndefined();
    expect(ring.remembered()).toHaveLength(1);
  });
});
