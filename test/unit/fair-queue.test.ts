import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { FairQueue, TokenBucket } from "../../src/resilience/fair-queue.ts";

const tick = () => new Promise((r) => setImmediate(r));

describe("FairQueue", () => {
  it("gives tenants turns: one tenant's long queue does not starve another's one job", async () => {
    const queue = new FairQueue(1);
    const order: string[] = [];
    const gates: Array<() => void> = [];
    const job = (name: string) => () =>
      new Promise<void>((resolve) => {
        order.push(name);
        gates.push(resolve);
      });
    const all = [
      ...Array.from({ length: 5 }, (_, i) => queue.run("batch-key", job(`batch-${i}`))),
      queue.run("other-key", job("other-0")),
    ];
    for (let i = 0; i < 6; i++) {
      await tick();
      gates.shift()?.();
    }
    await Promise.all(all);
    // batch-0 was already running; the other key's job comes right after it, not after batch-4.
    expect(order.slice(0, 2)).toEqual(["batch-0", "other-0"]);
    expect(order).toHaveLength(6);
  });

  it("drops a waiting job whose caller gave up: it never runs and holds no slot", async () => {
    const queue = new FairQueue(1);
    let release: () => void = () => undefined;
    const first = queue.run("a", () => new Promise<void>((r) => (release = r)));
    const gone = new AbortController();
    const ran: string[] = [];
    const abandoned = queue.run("a", async () => void ran.push("abandoned"), gone.signal).catch((e: Error) => e.message);
    const kept = queue.run("b", async () => void ran.push("kept"));
    await tick();
    expect(queue.waiting).toBe(2);
    gone.abort(new Error("client gone"));
    expect(await abandoned).toBe("client gone");
    expect(queue.waiting).toBe(1);
    release();
    await Promise.all([first, kept]);
    expect(ran).toEqual(["kept"]);
  });
});

describe("TokenBucket", () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it("a taker that gives up while waiting takes no token", async () => {
    const bucket = new TokenBucket(1, 1000);
    await bucket.take();
    const gone = new AbortController();
    const waiting = bucket.take(gone.signal).catch(() => "aborted");
    await vi.advanceTimersByTimeAsync(500);
    gone.abort();
    expect(await waiting).toBe("aborted");
    await vi.advanceTimersByTimeAsync(600);
    // The token refilled at 1000 ms is still there for the next taker, at once.
    let got = false;
    void bucket.take().then(() => (got = true));
    await vi.advanceTimersByTimeAsync(0);
    expect(got).toBe(true);
  });
});
