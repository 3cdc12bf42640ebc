import { canonical } from "../../domain/money.ts";
import type { OfferingClass, Payment, PurchaseTerms, Term } from "../../domain/purchase.ts";
import type { PriceListProduct, ReservedTerm } from "./price-list.ts";

/** One published reserved-instance price of a product: its terms, and the two numbers AWS publishes. */
export interface ReservedRate {
  terms: PurchaseTerms & { option: "reserved"; term: Term; payment: Payment; offeringClass: OfferingClass };
  /** The `Hrs` dimension, canonical ("0.0290000000" → "0.029"; "0" for All Upfront, as published). */
  recurring: string;
  /** The `Quantity` dimension ("Upfront Fee"), canonical; "0" for No Upfront, which has none. */
  upfront: string;
  offerTermCode: string;
  effectiveDate?: string;
}

const LEASES: Readonly<Record<string, Term>> = { "1yr": "1yr", "3yr": "3yr" };
const CLASSES: Readonly<Record<string, OfferingClass>> = { standard: "standard", convertible: "convertible" };
const PAYMENTS: Readonly<Record<string, Payment>> = { "no upfront": "no-upfront", "partial upfront": "partial-upfront", "all upfront": "all-upfront" };

/**
 * A Reserved term as a rate, or undefined when it is not one Pricebook can state exactly: a lease,
 * class or purchase option it does not know (the old "Heavy Utilization" kinds), not exactly one `Hrs`
 * dimension, or an upfront payment without its `Quantity` fee. Nothing missing is read as 0.
 */
export function reservedRate(t: ReservedTerm): ReservedRate | undefined {
  const norm = (v: string | undefined) => (v ?? "").trim().toLowerCase().replace(/\s+/g, " ");
  const term = LEASES[norm(t.attributes.LeaseContractLength).replace(" ", "")];
  const offeringClass = CLASSES[norm(t.attributes.OfferingClass)];
  const payment = PAYMENTS[norm(t.attributes.PurchaseOption)];
  if (!term || !offeringClass || !payment) return undefined;
  const hours = t.dimensions.filter((d) => d.unit === "Hrs");
  const fees = t.dimensions.filter((d) => d.unit === "Quantity");
  if (hours.length !== 1 || fees.length > 1 || t.dimensions.length !== hours.length + fees.length) return undefined;
  const fee = fees[0];
  if (payment === "no-upfront" ? fee !== undefined : fee === undefined) return undefined;
  return {
    terms: { option: "reserved", term, payment, offeringClass },
    recurring: canonical((hours[0] as { usd: string }).usd),
    upfront: fee ? canonical(fee.usd) : "0",
    offerTermCode: t.offerTermCode,
    ...(t.effectiveDate ? { effectiveDate: t.effectiveDate } : {}),
  };
}

/** A product's reserved rates, one per (term, payment, class): a second term with the same terms is ignored. */
export function reservedRates(product: PriceListProduct): ReservedRate[] {
  const out = new Map<string, ReservedRate>();
  for (const t of product.reserved ?? []) {
    const rate = reservedRate(t);
    if (!rate) continue;
    const key = `${rate.terms.term}:${rate.terms.payment}:${rate.terms.offeringClass}`;
    if (!out.has(key)) out.set(key, rate);
  }
  return [...out.values()];
}
