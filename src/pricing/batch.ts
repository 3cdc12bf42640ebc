import type { PriceSet } from "../domain/price.ts";
import { ApiError, type Problem, toProblem } from "../errors.ts";
import type { SageMakerComponent } from "./catalog.ts";
import type { PriceProvider } from "./provider.ts";

/** One question of a batch, already validated. */
export type BatchQuery =
  | { service: "eks"; region: string }
  | { service: "lambda"; region: string }
  | { service: "ec2"; region: string; instanceTypes: string[] | undefined }
  | {
      service: "sagemaker";
      region: string;
      component: SageMakerComponent | undefined;
      instanceType: string | undefined;
    };

export interface BatchAnswer {
  status: number;
  body: Record<string, unknown> | Problem;
}

type Answerer = (query: BatchQuery) => Promise<BatchAnswer>;

function ok(query: BatchQuery, set: PriceSet): BatchAnswer {
  return {
    status: 200,
    body: { cloud: "aws", service: query.service, region: query.region, currency: "USD", ...set },
  };
}

function failed(error: unknown): BatchAnswer {
  if (error instanceof ApiError) return { status: error.status, body: toProblem(error) };
  throw error;
}

/**
 * Answers a batch with the fewest upstream calls: EC2 questions are merged per region into one
 * lookup of all their instance types (one filtered query sequence per region for what is not
 * cached), identical questions are asked once, and every answer keeps its question's position.
 * A question that was invalid arrives as its ApiError and is answered with its problem.
 */
export async function runBatch(
  prices: PriceProvider,
  queries: Array<BatchQuery | ApiError>,
  signal?: AbortSignal,
): Promise<BatchAnswer[]> {
  const options = signal ? { signal } : {};
  const single = new Map<string, Promise<BatchAnswer>>();
  const ec2Groups = new Map<string, { types: Set<string>; lookup?: Promise<PriceSet> }>();

  for (const q of queries) {
    if (!(q instanceof ApiError) && q.service === "ec2" && q.instanceTypes) {
      const group = ec2Groups.get(q.region) ?? { types: new Set<string>() };
      for (const t of q.instanceTypes) group.types.add(t);
      ec2Groups.set(q.region, group);
    }
  }
  for (const [region, group] of ec2Groups) group.lookup = prices.ec2(region, [...group.types], options);

  const ask: Answerer = async (q) => {
    switch (q.service) {
      case "eks":
        return ok(q, await prices.eks(q.region, options));
      case "lambda":
        return ok(q, await prices.lambda(q.region, options));
      case "sagemaker":
        return ok(
          q,
          await prices.sagemaker(q.region, { component: q.component, instanceType: q.instanceType }, options),
        );
      case "ec2": {
        if (!q.instanceTypes) return ok(q, await prices.ec2(q.region, undefined, options));
        const set = await (ec2Groups.get(q.region)?.lookup as Promise<PriceSet>);
        const byId = new Map(set.items.map((i) => [i.id, i]));
        const items = q.instanceTypes.flatMap((t) => byId.get(t) ?? []);
        const unavailable = q.instanceTypes
          .filter((t) => !items.some((i) => i.id === t))
          .map(
            (id) => set.unavailable.find((u) => u.id === id) ?? { id, reason: "no published price for it" },
          );
        if (items.length === 0) {
          throw new ApiError(
            "price_not_available",
            `no price for instance type ${q.instanceTypes.join(", ")} in ${q.region}`,
          );
        }
        return ok(q, { items, unavailable });
      }
    }
  };

  return Promise.all(
    queries.map((q) => {
      if (q instanceof ApiError) return Promise.resolve(failed(q));
      const key = JSON.stringify(q);
      let answer = single.get(key);
      if (!answer) {
        answer = ask(q).catch(failed);
        single.set(key, answer);
      }
      return answer;
    }),
  );
}
