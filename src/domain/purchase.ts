/**
 * Purchase options, cloud-neutral: how a price is bought (on demand, committed for a term, or spot).
 * AWS reserved instances, Azure reservations and GCP committed use are all `reserved`; AWS Savings
 * Plans and Azure's savings plan for compute are `savings-plan`.
 */

export const PURCHASE_OPTIONS = ["on-demand", "reserved", "savings-plan", "spot"] as const;
export type PurchaseKind = (typeof PURCHASE_OPTIONS)[number];
/** The options beside on-demand: each has its own table folder and `purchase` block. */
export const OPTIONS_BEYOND_ON_DEMAND = ["reserved", "savings-plan", "spot"] as const;

/** The clouds' own names, accepted as the neutral option they are. */
export const PURCHASE_ALIASES: Readonly<Record<string, PurchaseKind>> = {
  ondemand: "on-demand",
  "pay-as-you-go": "on-demand",
  reservation: "reserved",
  "reserved-instance": "reserved",
  commitment: "reserved",
  "committed-use": "reserved",
  "savings-plans": "savings-plan",
  savingsplan: "savings-plan",
  preemptible: "spot",
};

export const TERMS = ["1yr", "3yr"] as const;
export type Term = (typeof TERMS)[number];
export const TERM_YEARS: Readonly<Record<Term, number>> = { "1yr": 1, "3yr": 3 };
/** The clouds' convention: a year of commitment is 8,760 hours (365 × 24). */
export const HOURS_PER_YEAR = 8760;

export const PAYMENTS = ["no-upfront", "partial-upfront", "all-upfront"] as const;
export type Payment = (typeof PAYMENTS)[number];

export const OFFERING_CLASSES = ["standard", "convertible"] as const;
export type OfferingClass = (typeof OFFERING_CLASSES)[number];

export const PLAN_TYPES = ["compute", "ec2-instance", "sagemaker"] as const;
export type PlanType = (typeof PLAN_TYPES)[number];

/**
 * One purchase option as asked. Unset fields of a committed option are open: the answer picks the
 * cloud's default (`defaultsFor`) and states what it picked on every item.
 */
export interface PurchaseOption {
  option: Exclude<PurchaseKind, "on-demand">;
  term?: Term | undefined;
  payment?: Payment | undefined;
  offeringClass?: OfferingClass | undefined;
  planType?: PlanType | undefined;
}

/** What a committed price is, exactly (a table row's or a live offer's terms). */
export interface PurchaseTerms {
  option: PurchaseOption["option"];
  term?: Term;
  payment?: Payment;
  offeringClass?: OfferingClass;
  planType?: PlanType;
}

/**
 * The defaults when a question leaves a field open: one year, no upfront payment (the option most
 * quotes show), standard RIs, Compute Savings Plans (the flexible plan). A cloud that sells the option
 * only one way (Azure reservations: the term total; GCP: monthly with no upfront) answers that way.
 */
export const PURCHASE_DEFAULTS = { term: "1yr", payment: "no-upfront", offeringClass: "standard", planType: "compute" } as const;

/** The fields that apply to each option (anything else is a 400 naming it). */
export const OPTION_FIELDS: Readonly<Record<PurchaseOption["option"], ReadonlyArray<"term" | "payment" | "offeringClass" | "planType">>> = {
  reserved: ["term", "payment", "offeringClass"],
  "savings-plan": ["term", "payment", "planType"],
  spot: [],
};

/** A stable key of the terms (cache keys, batch grouping, table variants). */
export function termsKey(t: PurchaseTerms | PurchaseOption): string {
  return [t.option, t.term ?? "", t.payment ?? "", t.offeringClass ?? "", t.planType ?? ""].join(":");
}

/** "reserved 1yr no-upfront standard": how answers name the terms to people. */
export function describeTerms(t: PurchaseTerms | PurchaseOption): string {
  return [t.option, t.term, t.payment, t.offeringClass, t.planType && `${t.planType} plan`].filter(Boolean).join(" ");
}

/** What an item bought other than on demand says about its price (`PriceItem.purchase`). */
export interface PurchaseDetails extends PurchaseTerms {
  /** The recurring rate per the item's unit, as published. */
  recurring: string;
  /** The one-off fee for the term, as published ("0" when none). */
  upfront: string;
  /** Azure reservations: `upfront` is the API's term total (its unit says "1 Hour"; it is not). */
  upfrontIsTermTotal?: boolean;
  /** recurring + upfront ÷ term hours: the item's `price`. */
  effectiveHourly: string;
  /** false when upfront ÷ hours does not terminate and `effectiveHourly` is rounded (10 places, half-even). */
  effectiveHourlyExact: boolean;
  /** recurring × term hours + upfront, exact. */
  termCost?: string;
  onDemandPrice?: string;
  onDemandSource?: string;
  onDemandAsOf?: string;
  /** Why there is no on-demand price to compare with. */
  onDemandUnavailable?: string;
  /** Percent saved against on-demand running every hour (4 places, half-even). */
  savingPercent?: string;
  /** Share of the term's hours below which on-demand is cheaper (6 places, half-even, from exact totals). */
  breakEvenUtilisation?: string;
  /** Spot: the zone of the price and when it was set: a spot price is a point in time. */
  availabilityZone?: string;
  pointInTime?: string;
  interruption?: { band: string; savingsPercent?: string; source: string; asOf: string };
  note?: string;
}
