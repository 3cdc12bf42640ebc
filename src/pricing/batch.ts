import type { AnyServiceDef } from "../clouds/types.ts";
import type { PriceProvider, PriceQuestion, PriceSet } from "../domain/price.ts";
import { termsKey } from "../domain/purchase.ts";
import { ApiError, type Problem, toProblem } from "../errors.ts";
import { type Offerings, offerings, pick } from "./select.ts";

export interface BatchAnswer {
  status: number;
  body: Record<string, unknown> | Problem;
}

/** A validated batch question with what answers it. */
export interface BatchQuestion {
  question: PriceQuestion;
  service: AnyServiceDef;
  prices: PriceProvider;
}

function failed(error: unknown, requestId: string | undefined): BatchAnswer {
  if (error instanceof ApiError) return { status: error.status, body: toProblem(error, requestId) };
  throw error;
}

function ok(q: PriceQuestion, set: PriceSet): BatchAnswer {
  return { status: 200, body: { cloud: q.cloud, service: q.service, region: q.region, currency: "USD", ...set } };
}

/** Questions that can share one lookup: same cloud, service, region, filter and purchase option. */
function groupKey(q: PriceQuestion): string {
  return JSON.stringify([q.cloud, q.service, q.region, q.filter ?? {}, q.purchase ? termsKey(q.purchase) : "on-demand"]);
}

/**
 * Answers a batch with the fewest lookups: questions that name ids of the same cloud, service, region
 * and filter are merged into one lookup of all their ids (for EC2 live: one filtered query sequence per
 * region for what is not cached), identical questions are asked once, and every answer keeps its
 * question's position. A question that was invalid arrives as its ApiError and is answered with its
 * problem, carrying the request's id.
 */
export async function runBatch(
  questions: Array<BatchQuestion | ApiError>,
  options: {
    signal?: AbortSignal | undefined;
    requestId?: string | undefined;
    /** Answers built between two yields to the event loop. */
    yieldEvery?: number;
    yieldToLoop?: () => Promise<void>;
  } = {},
): Promise<BatchAnswer[]> {
  const { signal, requestId } = options;
  const merged = new Map<string, { ids: Set<string>; first: BatchQuestion; lookup?: Promise<PriceSet> }>();
  for (const b of questions) {
    if (b instanceof ApiError || !b.question.ids) continue;
    const key = groupKey(b.question);
    const group = merged.get(key) ?? { ids: new Set<string>(), first: b };
    for (const id of b.question.ids) group.ids.add(id);
    merged.set(key, group);
  }
  const lookup = (key: string) => {
    const group = merged.get(key) as { ids: Set<string>; first: BatchQuestion; lookup?: Promise<PriceSet> };
    // Each question applies its own spec search when its part is picked from the merged answer.
    group.lookup ??= group.first.prices.price({ ...group.first.question, ids: [...group.ids], specs: undefined }, { signal });
    return group.lookup;
  };
  // Each merged answer is indexed once, not once per question that reads it.
  const indexes = new WeakMap<PriceSet, Offerings>();
  const indexOf = (set: PriceSet) => {
    let index = indexes.get(set);
    if (!index) {
      index = offerings(set);
      indexes.set(set, index);
    }
    return index;
  };

  const once = new Map<string, Promise<BatchAnswer>>();
  const ask = async (b: BatchQuestion): Promise<BatchAnswer> => {
    const q = b.question;
    if (!q.ids) return ok(q, await b.prices.price(q, { signal }));
    try {
      const set = await lookup(groupKey(q));
      return ok(q, pick(b.service, { ...q, ids: q.ids }, set, indexOf(set)));
    } catch (error) {
      // Nothing of the merged ids priced at all: the question answers on its own, as its GET would.
      if (error instanceof ApiError && error.code === "price_not_available") return ok(q, await b.prices.price(q, { signal }));
      throw error;
    }
  };
  const answers: Array<Promise<BatchAnswer>> = [];
  for (let i = 0; i < questions.length; i++) {
    if (options.yieldToLoop && options.yieldEvery && i > 0 && i % options.yieldEvery === 0) await options.yieldToLoop();
    const b = questions[i] as BatchQuestion | ApiError;
    if (b instanceof ApiError) {
      answers.push(Promise.resolve(failed(b, requestId)));
      continue;
    }
    const key = JSON.stringify(b.question);
    let answer = once.get(key);
    if (!answer) {
      answer = ask(b).catch((error: unknown) => failed(error, requestId));
      once.set(key, answer);
    }
    answers.push(answer);
  }
  return Promise.all(answers);
}
