import Big from "big.js";
import { z } from "@hono/zod-openapi";
import type { CloudPlugin } from "../clouds/types.ts";
import { type Money, money } from "../domain/money.ts";
import type { PriceProvider } from "../domain/price.ts";
import { didYouMean } from "../domain/suggest.ts";
import { ApiError } from "../errors.ts";
import { fieldErrors } from "../http/problem.ts";
import { regionField } from "../routes/schemas.ts";
import { display, HOURS_PER_MONTH, ROUNDING_NOTE } from "./arithmetic.ts";
import { type EstimateLine, type Estimator, LineBuilder, type LineContext } from "./line.ts";
import { PriceLookup } from "./lookup.ts";
import { type PurchaseOption, termsKey } from "../domain/purchase.ts";
import { parsePurchase } from "../pricing/purchase-params.ts";

/**
 * `POST /v1/estimates`, cloud-neutral: validates every line (its cloud, service, region and the
 * service's own usage fields), asks each price provider once per service and region for every id the
 * lines need, then prices each line with its cloud's estimator. Nothing unpriceable counts as 0.
 */

export const MAX_LINES = 100;

export interface EstimateAnswer {
  currency: "USD";
  hoursPerMonth: number;
  freeTier: boolean;
  lines: EstimateLine[];
  total: { monthly: Money | null; display: string | null; complete: boolean };
  rounding: string;
}

export interface EstimateDeps {
  clouds: readonly CloudPlugin[];
  prices(cloud: string): PriceProvider;
  /** Estimators by "cloud/service". */
  estimators: ReadonlyMap<string, Estimator<never>>;
}

interface ValidLine {
  index: number;
  id?: string | undefined;
  cloud: string;
  service: string;
  region: string;
  usage: never;
  estimator: Estimator<never>;
  /** The line's purchase option, for the instances it runs (absent: on-demand). */
  purchase?: PurchaseOption | undefined;
}

const head = z
  .object({
    id: z.string().min(1).max(64, "id must be at most 64 characters").optional(),
    cloud: z.string({ error: "cloud is required" }),
    service: z.string({ error: "service is required" }),
    region: z.string({ error: "region is required" }),
  })
  .loose();

function validate(raw: unknown, index: number, deps: EstimateDeps): ValidLine | Array<{ parameter: string; message: string }> {
  const at = (errors: Array<{ parameter: string; message: string }>) => errors.map((e) => ({ ...e, parameter: `lines[${index}].${e.parameter}` }));
  const top = head.safeParse(raw);
  if (!top.success) return at(fieldErrors(top.error));
  const { id, cloud: cloudId, service, region: rawRegion, purchaseOption, term, payment, offeringClass, planType, ...usage } = top.data;
  const cloud = deps.clouds.find((c) => c.id === cloudId);
  if (!cloud) {
    const ids = deps.clouds.map((c) => c.id);
    return at([{ parameter: "cloud", message: `must be one of ${ids.join(", ")}${didYouMean(cloudId, ids)}` }]);
  }
  const estimator = deps.estimators.get(`${cloud.id}/${service}`);
  if (!estimator) {
    const services = [...deps.estimators.keys()].filter((k) => k.startsWith(`${cloud.id}/`)).map((k) => k.slice(cloud.id.length + 1));
    return at([{ parameter: "service", message: `must be one of ${services.join(", ")}${didYouMean(service, services)}` }]);
  }
  const region = regionField(cloud.regions).safeParse(rawRegion);
  const parsed = estimator.usage.safeParse(usage);
  const option = parsePurchase({ purchaseOption, term, payment, offeringClass, planType });
  const errors = [
    ...(region.success ? [] : fieldErrors(region.error).map((e) => ({ ...e, parameter: "region" }))),
    ...(parsed.success ? [] : fieldErrors(parsed.error)),
    ...("errors" in option ? option.errors : []),
  ];
  if (errors.length > 0 || !region.success || !parsed.success || "errors" in option) return at(errors);
  return { index, id, cloud: cloud.id, service, region: region.data, usage: parsed.data as never, estimator, ...(option.purchase ? { purchase: option.purchase } : {}) };
}

const request = z.strictObject({
  lines: z.array(z.unknown()).min(1, "lines must name at least one line").max(MAX_LINES, `at most ${MAX_LINES} lines per estimate`),
  freeTier: z.boolean({ error: "freeTier must be true or false" }).default(true),
});

export async function runEstimate(body: unknown, deps: EstimateDeps, signal?: AbortSignal): Promise<EstimateAnswer> {
  const top = request.safeParse(body);
  if (!top.success) throw new ApiError("invalid_request", "not an estimate request", { errors: fieldErrors(top.error) });
  const errors: Array<{ parameter: string; message: string }> = [];
  const lines: ValidLine[] = [];
  top.data.lines.forEach((raw, i) => {
    const v = validate(raw, i, deps);
    if (Array.isArray(v)) errors.push(...v);
    else lines.push(v);
  });
  if (errors.length > 0) {
    throw new ApiError("invalid_request", `invalid estimate lines: ${[...new Set(errors.map((e) => e.parameter.replace(/\..*$/, "")))].join(", ")}`, { errors: errors.slice(0, 50) });
  }

  // A line's purchase option applies to the instances it runs (EC2 nodes of an EKS line, …); the rest
  // of the line (control planes, requests) is sold on demand only.
  const instanceServices = new Set(deps.clouds.flatMap((c) => c.services.filter((s) => s.instances).map((s) => `${c.id}/${s.id}`)));
  const purchaseFor = (line: ValidLine, service: string) => (line.purchase && instanceServices.has(`${line.cloud}/${service}`) ? line.purchase : undefined);
  const keyOf = (line: ValidLine, service: string) => {
    const purchase = purchaseFor(line, service);
    return `${line.cloud}/${service}/${line.region}/${purchase ? termsKey(purchase) : "on-demand"}`;
  };

  // One price question per cloud, service, region and purchase option, for every id its lines need.
  const wanted = new Map<string, { cloud: string; service: string; region: string; purchase: PurchaseOption | undefined; ids: Set<string> }>();
  for (const line of lines) {
    for (const [service, ids] of Object.entries(line.estimator.prices(line.usage))) {
      const key = keyOf(line, service);
      const entry = wanted.get(key) ?? { cloud: line.cloud, service, region: line.region, purchase: purchaseFor(line, service), ids: new Set<string>() };
      for (const id of ids) entry.ids.add(id);
      wanted.set(key, entry);
    }
  }
  const lookups = new Map<string, PriceLookup>();
  await Promise.all(
    [...wanted].map(async ([key, w]) => {
      const lookup = new PriceLookup();
      lookups.set(key, lookup);
      if (w.ids.size === 0) return;
      const ids = [...w.ids];
      await lookup.add(ids, () => deps.prices(w.cloud).price({ cloud: w.cloud, service: w.service, region: w.region, ids, ...(w.purchase ? { purchase: w.purchase } : {}) }, { signal }));
    }),
  );

  const ctx: LineContext = { freeTier: top.data.freeTier, hoursPerMonth: HOURS_PER_MONTH, grants: new Map() };
  const answered = lines.map((line) => {
    const lookupOf = (service: string) => lookups.get(keyOf(line, service));
    const builder = new LineBuilder(
      (service, id) => lookupOf(service)?.get(id) ?? { reason: `no price was asked for ${service} ${id}` },
      ctx,
      (service) => lookupOf(service)?.freeTier,
    );
    line.estimator.estimate(line.usage, builder);
    return builder.build(line);
  });

  let monthly = new Big(0);
  let anyPriced = false;
  for (const line of answered) {
    if (line.monthly) {
      monthly = monthly.plus(line.monthly.amount);
      anyPriced = true;
    }
  }
  const complete = answered.every((l) => l.complete);
  return {
    currency: "USD",
    hoursPerMonth: HOURS_PER_MONTH,
    freeTier: top.data.freeTier,
    lines: answered,
    total: { monthly: anyPriced || complete ? money(monthly) : null, display: anyPriced || complete ? display(monthly) : null, complete },
    rounding: ROUNDING_NOTE,
  };
}
