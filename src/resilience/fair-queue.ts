import { sleep } from "./sleep.ts";

interface Waiter {
  tenant: string;
  start: () => void;
  fail: (reason: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

/** The queue was closed: the job never ran. */
export class QueueClosedError extends Error {
  override name = "QueueClosedError";
}

/**
 * Runs at most `concurrency` jobs at once; waiting jobs are taken from their tenants in turn (round
 * robin), so one tenant's 500 queued calls do not starve another tenant's one. A waiting job whose
 * signal aborts leaves the queue at once and never takes a slot. (bottleneck, used before, kept
 * aborted jobs in its queue until their turn and charged them to its reservoir; p-queue drops aborted
 * jobs but has no per-tenant turns.)
 */
export class FairQueue {
  readonly #concurrency: number;
  #running = 0;
  #closed = false;
  /** Tenants with waiting jobs, in turn order; each tenant's own jobs in arrival order. */
  readonly #queues = new Map<string, Waiter[]>();
  /** The tenant whose job started last: it does not go again while another tenant waits. */
  #last: string | undefined;

  constructor(concurrency: number) {
    this.#concurrency = Math.max(1, concurrency);
  }

  get running(): number {
    return this.#running;
  }

  get waiting(): number {
    let n = 0;
    for (const q of this.#queues.values()) n += q.length;
    return n;
  }

  async run<T>(tenant: string, job: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.#closed) throw new QueueClosedError("the upstream queue is closed");
    signal?.throwIfAborted();
    if (this.#running < this.#concurrency && this.#queues.size === 0) {
      this.#running++;
      this.#last = tenant;
    } else {
      const turn = this.#wait(tenant, signal);
      this.#next();
      await turn;
    }
    try {
      return await job();
    } finally {
      this.#running--;
      this.#next();
    }
  }

  #wait(tenant: string, signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        tenant,
        signal,
        start: () => {
          signal?.removeEventListener("abort", waiter.onAbort);
          resolve();
        },
        fail: reject,
        onAbort: () => {
          this.#remove(waiter);
          reject(signal?.reason);
        },
      };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      const queue = this.#queues.get(tenant);
      if (queue) queue.push(waiter);
      else this.#queues.set(tenant, [waiter]);
    });
  }

  #remove(waiter: Waiter): void {
    const queue = this.#queues.get(waiter.tenant);
    if (!queue) return;
    const i = queue.indexOf(waiter);
    if (i >= 0) queue.splice(i, 1);
    if (queue.length === 0) this.#queues.delete(waiter.tenant);
  }

  /**
   * Starts the next tenant's first job (not the tenant served last, while another waits), then moves
   * that tenant to the back of the turn order.
   */
  #next(): void {
    while (this.#running < this.#concurrency && this.#queues.size > 0) {
      let tenant: string | undefined;
      for (const candidate of this.#queues.keys()) {
        tenant ??= candidate;
        if (candidate !== this.#last) {
          tenant = candidate;
          break;
        }
      }
      const queue = this.#queues.get(tenant as string) as Waiter[];
      const waiter = queue.shift() as Waiter;
      this.#queues.delete(tenant as string);
      if (queue.length > 0) this.#queues.set(tenant as string, queue);
      this.#running++;
      this.#last = tenant;
      waiter.start();
    }
  }

  /** Refuses every waiting job (shutdown). */
  close(): void {
    this.#closed = true;
    for (const queue of this.#queues.values()) {
      for (const waiter of queue) {
        waiter.signal?.removeEventListener("abort", waiter.onAbort);
        waiter.fail(new QueueClosedError("the upstream queue is closed"));
      }
    }
    this.#queues.clear();
  }
}

/**
 * A token bucket of `burst` tokens refilled one every `intervalMs`: `take` waits for a token, and
 * stops waiting (taking nothing) when its signal aborts.
 */
export class TokenBucket {
  readonly #burst: number;
  readonly #intervalMs: number;
  #tokens: number;
  #updatedAt: number;
  readonly #now: () => number;

  constructor(burst: number, intervalMs: number, now: () => number = Date.now) {
    this.#burst = Math.max(1, burst);
    this.#intervalMs = intervalMs;
    this.#tokens = this.#burst;
    this.#now = now;
    this.#updatedAt = now();
  }

  #refill(): void {
    const now = this.#now();
    const earned = Math.floor((now - this.#updatedAt) / this.#intervalMs);
    if (earned <= 0) return;
    this.#tokens = Math.min(this.#burst, this.#tokens + earned);
    this.#updatedAt = this.#tokens === this.#burst ? now : this.#updatedAt + earned * this.#intervalMs;
  }

  async take(signal?: AbortSignal): Promise<void> {
    for (;;) {
      this.#refill();
      if (this.#tokens > 0) {
        this.#tokens--;
        return;
      }
      await sleep(Math.max(1, this.#updatedAt + this.#intervalMs - this.#now()), signal);
    }
  }
}
