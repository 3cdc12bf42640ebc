import type * as Sp from "@aws-sdk/client-savingsplans";
import type { PriceQuestion, PriceRequestOptions } from "../../domain/price.ts";
import { canonical, isDecimalString } from "../../domain/money.ts";
import { PURCHASE_DEFAULTS, type Payment, type PlanType, type PurchaseOption, type PurchaseTerms, type Term } from "../../domain/purchase.ts";
import type { OptionQuote, OptionQuotes, OptionSource } from "../../pricing/purchase-provider.ts";
import { resolveTerms } from "../../pricing/purchase-terms.ts";
import type { CachedLoader } from "../../resilience/cached-loader.ts";
import type { Guard } from "../../resilience/guard.ts";
import { guardedPages } from "../../resilience/paginate.ts";
import { requireGuard } from "./sdk.ts";

/** The Savings Plans API is global: one endpoint (savingsplans.amazonaws.com), signed for us-east-1. */
export const SAVINGS_PLANS_REGION = "us-east-1";
/** DescribeSavingsPlansOfferingRates' largest page. */
const PAGE_SIZE = 1000;
/** Types per request sequence: 12 rates each (2 plans × 2 terms × 3 payments), a page or two. */
const TYPES_PER_QUERY = 25;
/** Past this many pages the answer loops or is not a rate list: stop rather than answer part of it. */
const MAX_PAGES = 20;
const PRODUCT = "Linux/UNIX";

const PLAN_TYPES: Readonly<Record<string, PlanType>> = { Compute: "compute", EC2Instance: "ec2-instance" };
const PAYMENTS: Readonly<Record<string, Payment>> = { "No Upfront": "no-upfront", "Partial Upfront": "partial-upfront", "All Upfront": "all-upfront" };
const DURATIONS: Readonly<Record<number, Term>> = { 31536000: "1yr", 94608000: "3yr" };

/**
 * What Pricebook serves of an offering rate, said on every quote. The API's `rate` is what one hour of
 * the usage costs under a plan of that payment option, as AWS publishes it per offering (the plan
 * itself is a commitment of USD per hour; its upfront payment, if any, prepays that commitment and is
 * not a fee per instance). So `recurring` = the rate, `upfront` = "0", and the effective hourly rate is
 * the rate: for Partial and All Upfront plans it is the effective rate of usage, not a monthly bill.
 */
export const SAVINGS_PLAN_NOTE =
  "AWS Savings Plans API DescribeSavingsPlansOfferingRates: the offering's hourly rate for this usage under a plan of this payment option, as published. A Savings Plan is a commitment of USD per hour; a Partial or All Upfront plan prepays part or all of that commitment, so AWS publishes no upfront fee per instance and none is derived: upfront is 0 and the effective hourly rate is the published rate";

/** One offering rate of an instance type, as cached. */
export interface SavingsPlanRate {
  terms: PurchaseTerms & { option: "savings-plan"; term: Term; payment: Payment; planType: PlanType };
  /** Canonical decimal string, USD per hour. */
  rate: string;
  offeringId: string;
  usageType: string;
}

export interface AwsSavingsPlansOptions {
  /** The SDK configuration (one attempt per call, timeouts that throw); the endpoint is the SDK's own resolution. */
  clientConfig: Sp.SavingsplansClientConfig;
  guard: Guard;
  /** Each type's rates, cached per (region, type). */
  loader: CachedLoader;
}

/**
 * AWS Savings Plans rates for EC2, live: Compute and EC2 Instance plans from DescribeSavingsPlansOfferingRates
 * (Linux/UNIX, shared tenancy, the region, the types asked; every term and payment option, so that the
 * question's open fields resolve among what AWS sells). Undefined (the tables answer) for a listing
 * without instance types and for other services; a failing API throws the guard's UpstreamError, and the
 * provider answers from the tables or fails: a rate is never guessed.
 */
export class AwsSavingsPlanPrices implements OptionSource {
  readonly #o: AwsSavingsPlansOptions;
  #client: Sp.SavingsplansClient | undefined;
  #sdk: Promise<typeof Sp> | undefined;

  constructor(options: AwsSavingsPlansOptions) {
    this.#o = options;
  }

  async quotes(q: PriceQuestion & { purchase: PurchaseOption }, options: PriceRequestOptions): Promise<OptionQuotes | undefined> {
    if (q.service !== "ec2" || q.purchase.option !== "savings-plan" || !q.ids || q.ids.length === 0) return undefined;
    const ids = [...new Set(q.ids)];
    const keyOf = (type: string) => `ec2:savings-plan:${q.region}:${type}`;
    const loaded = await this.#o.loader.loadMany<SavingsPlanRate[]>(
      ids.map(keyOf),
      async (keys, signal) => {
        const byType = await this.#describe(q.region, keys.map((k) => k.slice(k.lastIndexOf(":") + 1)), signal);
        return new Map([...byType].map(([type, rates]) => [keyOf(type), rates]));
      },
      { signal: options.signal },
    );
    const found = ids.flatMap((id) => {
      const hit = loaded.get(keyOf(id));
      return hit?.value && hit.value.length > 0 ? [{ id, rates: hit.value, source: hit.source, storedAt: hit.storedAt }] : [];
    });
    const terms = found.flatMap((f) => f.rates.map((r) => r.terms as PurchaseTerms));
    if (terms.length === 0) {
      const resolved = { option: "savings-plan" as const, term: q.purchase.term ?? PURCHASE_DEFAULTS.term, payment: q.purchase.payment ?? PURCHASE_DEFAULTS.payment, planType: q.purchase.planType ?? PURCHASE_DEFAULTS.planType };
      return { terms, quotes: new Map(), resolved };
    }
    const resolved = resolveTerms(q.purchase, terms, `Amazon EC2 ${ids.join(", ")} in ${q.region}`);
    const quotes = new Map<string, OptionQuote>();
    for (const { id, rates, source, storedAt } of found) {
      const rate = rates.find((r) => r.terms.term === resolved.term && r.terms.payment === resolved.payment && r.terms.planType === resolved.planType);
      if (!rate) continue;
      quotes.set(id, {
        id,
        terms: rate.terms,
        recurring: rate.rate,
        upfront: "0",
        source,
        // The API dates nothing: an answer is as of the day AWS gave it.
        asOf: new Date(storedAt).toISOString().slice(0, 10),
        note: `${SAVINGS_PLAN_NOTE}. Offering ${rate.offeringId}, usage type ${rate.usageType}`,
      });
    }
    return { terms, quotes, resolved };
  }

  /** Every Compute and EC2 Instance rate of the types in the region (types without any are left out). */
  async #describe(region: string, types: string[], signal: AbortSignal): Promise<Map<string, SavingsPlanRate[]>> {
    const sdk = await (this.#sdk ??= import("@aws-sdk/client-savingsplans"));
    const client = (this.#client ??= requireGuard(new sdk.SavingsplansClient(this.#o.clientConfig)));
    const out = new Map<string, SavingsPlanRate[]>();
    for (let i = 0; i < types.length; i += TYPES_PER_QUERY) {
      const chunk = types.slice(i, i + TYPES_PER_QUERY);
      const results = await guardedPages<Sp.SavingsPlanOfferingRate>(
        this.#o.guard,
        SAVINGS_PLANS_REGION,
        signal,
        async (token, abortSignal) => {
          const page = await client.send(
            new sdk.DescribeSavingsPlansOfferingRatesCommand({
              savingsPlanTypes: ["Compute", "EC2Instance"],
              products: ["EC2"],
              serviceCodes: ["AmazonEC2"],
              operations: ["RunInstances"],
              filters: [
                { name: "region", values: [region] },
                { name: "instanceType", values: chunk },
                { name: "productDescription", values: [PRODUCT] },
                { name: "tenancy", values: ["shared"] },
              ],
              maxResults: PAGE_SIZE,
              ...(token ? { nextToken: token } : {}),
            }),
            { abortSignal },
          );
          return { items: page.searchResults, next: page.nextToken };
        },
        MAX_PAGES,
      );
      for (const [type, rates] of ratesByType(results, region, new Set(chunk))) out.set(type, rates);
    }
    return out;
  }

  close(): void {
    this.#client?.destroy();
    this.#client = undefined;
  }
}

/**
 * The rates per asked type. The answer is not trusted to honour the filters: a result that is not a
 * USD per-hour rate of a Compute or EC2 Instance plan of 1 or 3 years, for Linux/UNIX shared-tenancy
 * box usage (`BoxUsage:<type>`, RunInstances) of an asked type in the region, is left out. The first
 * rate of each (type, term, payment, plan) is kept.
 */
export function ratesByType(results: readonly Sp.SavingsPlanOfferingRate[], region: string, types: ReadonlySet<string>): Map<string, SavingsPlanRate[]> {
  const out = new Map<string, Map<string, SavingsPlanRate>>();
  for (const r of results) {
    const offering = r.savingsPlanOffering;
    const planType = PLAN_TYPES[offering?.planType ?? ""];
    const payment = PAYMENTS[offering?.paymentOption ?? ""];
    const term = DURATIONS[offering?.durationSeconds ?? 0];
    if (!offering?.offeringId || !planType || !payment || !term || (offering.currency ?? "USD") !== "USD") continue;
    if (!r.rate || !isDecimalString(r.rate) || r.unit !== "Hrs" || (r.productType ?? "EC2") !== "EC2" || (r.serviceCode ?? "AmazonEC2") !== "AmazonEC2") continue;
    const box = /^(?:[A-Z0-9]+-)?BoxUsage:(.+)$/.exec(r.usageType ?? "");
    if (!box || (r.operation ?? "RunInstances") !== "RunInstances") continue;
    const props = new Map((r.properties ?? []).map((p) => [p.name ?? "", p.value ?? ""]));
    const type = props.get("instanceType") ?? (box[1] as string);
    if (!types.has(type) || type !== box[1]) continue;
    if ((props.get("region") ?? region) !== region) continue;
    if ((props.get("productDescription") ?? PRODUCT) !== PRODUCT || (props.get("tenancy") ?? "shared").toLowerCase() !== "shared") continue;
    const rates = out.get(type) ?? new Map<string, SavingsPlanRate>();
    out.set(type, rates);
    const key = `${term}:${payment}:${planType}`;
    if (rates.has(key)) continue;
    rates.set(key, { terms: { option: "savings-plan", term, payment, planType }, rate: canonical(r.rate), offeringId: offering.offeringId, usageType: r.usageType as string });
  }
  return new Map([...out].map(([type, rates]) => [type, [...rates.values()]]));
}
