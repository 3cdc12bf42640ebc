import Big from "big.js";
import { isZero } from "../../domain/money.ts";
import type { PurchaseTerms, Term } from "../../domain/purchase.ts";
import type { OptionQuote } from "../../pricing/purchase-provider.ts";
import type { RetailPrice } from "./retail-prices.ts";
import { inForce, isLinuxPayg, isLinuxVmProduct, isPayg, newest } from "./rows.ts";

/**
 * Which Retail Prices rows are a VM size's purchase-option prices, and what each says. Rows are picked
 * by the same rules as the on-demand price (`rows.ts`): Linux VM products only (never Windows, "Cloud
 * Services" or dedicated hosts), in force, in USD, per the size asked; a size with two prices for the
 * same terms at the same date is not quoted.
 */

export type AzureOption = "reserved" | "savings-plan" | "spot";

/** Azure's term names. "5 Years" reservations exist for a few products; Pricebook has no 5-year term. */
const TERMS: Readonly<Record<string, Term>> = { "1 Year": "1yr", "3 Years": "3yr" };

export interface PickOptions {
  now: Date;
  /** Told of a size left out because two rows disagree at the same date. */
  onAmbiguous?: (size: string, rows: RetailPrice[]) => void;
}

const day = (iso: string) => iso.slice(0, 10);
const describe = (row: RetailPrice) => `product "${row.productName}", meter "${row.meterName}"`;

/** The rows kept, grouped by a key (the size, or size and term), each group's row in force. */
function pick(rows: readonly RetailPrice[], keyOf: (row: RetailPrice) => string | undefined, o: PickOptions): Map<string, RetailPrice> {
  const groups = new Map<string, RetailPrice[]>();
  for (const row of rows) {
    const key = keyOf(row);
    if (key === undefined) continue;
    groups.set(key, [...(groups.get(key) ?? []), row]);
  }
  const picked = new Map<string, RetailPrice>();
  for (const [key, candidates] of groups) {
    const found = newest(candidates);
    if (!found) continue;
    if ("ambiguous" in found) o.onAmbiguous?.(key, found.ambiguous);
    else picked.set(key, found.row);
  }
  return picked;
}

const add = (out: Map<string, OptionQuote[]>, quote: OptionQuote) => out.set(quote.id, [...(out.get(quote.id) ?? []), quote]);

/**
 * Reservations: `Reservation` rows of a Linux VM product with a 1- or 3-year `reservationTerm`. Their
 * `retailPrice` is the whole term's price, paid up front, although `unitOfMeasure` says "1 Hour": quoted
 * as the term total (`termTotal`), nothing recurring. A row without a term says nothing of its length
 * and is left out.
 */
export function reservationQuotes(region: string, rows: readonly RetailPrice[], o: PickOptions): Map<string, OptionQuote[]> {
  const picked = pick(
    rows,
    (row) => {
      const term = row.reservationTerm === undefined ? undefined : TERMS[row.reservationTerm];
      const keep =
        term !== undefined &&
        row.serviceName === "Virtual Machines" &&
        row.type === "Reservation" &&
        row.currencyCode === "USD" &&
        row.armRegionName === region &&
        row.armSkuName !== "" &&
        row.unitOfMeasure === "1 Hour" &&
        isLinuxVmProduct(row.productName) &&
        !/ (Spot|Low Priority)$/i.test(row.skuName) &&
        inForce(row, o.now) &&
        !isZero(row.retailPrice);
      return keep ? `${row.armSkuName} ${term}` : undefined;
    },
    o,
  );
  const out = new Map<string, OptionQuote[]>();
  for (const row of picked.values()) {
    const term = TERMS[row.reservationTerm as string] as Term;
    add(out, {
      id: row.armSkuName,
      terms: { option: "reserved", term, payment: "all-upfront" },
      recurring: "0",
      upfront: row.retailPrice,
      termTotal: true,
      source: "live",
      asOf: day(row.effectiveStartDate),
      sku: row.skuId,
      note: `Azure reservation, ${row.reservationTerm} (${describe(row)}): the Retail Prices API's retailPrice ${row.retailPrice} is the total for the term, paid up front, although its unitOfMeasure says "1 Hour"`,
    });
  }
  return out;
}

/**
 * Savings plan for compute: the `savingsPlan` entries of the size's Linux pay-as-you-go row (the very
 * row its on-demand price is), per hour, nothing up front. A term listed twice at two prices is left out.
 */
export function savingsPlanQuotes(region: string, rows: readonly RetailPrice[], o: PickOptions): Map<string, OptionQuote[]> {
  const picked = pick(rows, (row) => (row.armRegionName === region && row.armSkuName && isLinuxPayg(row, o.now) ? row.armSkuName : undefined), o);
  const out = new Map<string, OptionQuote[]>();
  for (const row of picked.values()) {
    for (const [label, term] of Object.entries(TERMS)) {
      const prices = new Set((row.savingsPlan ?? []).filter((p) => p.term === label).map((p) => new Big(p.retailPrice).toFixed()));
      const [price] = prices;
      if (prices.size !== 1 || price === undefined || isZero(price)) continue;
      add(out, {
        id: row.armSkuName,
        terms: { option: "savings-plan", term, payment: "no-upfront" },
        recurring: price,
        upfront: "0",
        source: "live",
        asOf: day(row.effectiveStartDate),
        sku: row.skuId,
        note: `Azure savings plan for compute, ${label}, per hour: the savingsPlan price on the Linux pay-as-you-go row (${describe(row)})`,
      });
    }
  }
  return out;
}

const SPOT: PurchaseTerms = { option: "spot" };

/**
 * Spot: pay-as-you-go rows of a Linux VM product whose `skuName` ends in " Spot" (not Low Priority, not
 * an expired or free meter). Azure publishes one Spot price per region, set at `effectiveStartDate`:
 * a point in time, since Azure moves Spot prices with capacity and may evict.
 */
export function spotQuotes(region: string, rows: readonly RetailPrice[], o: PickOptions): Map<string, OptionQuote[]> {
  const picked = pick(
    rows,
    (row) => {
      const keep =
        row.serviceName === "Virtual Machines" &&
        isPayg(row, o.now) &&
        row.armRegionName === region &&
        row.armSkuName !== "" &&
        row.unitOfMeasure === "1 Hour" &&
        isLinuxVmProduct(row.productName) &&
        / Spot$/i.test(row.skuName) &&
        !/ (Low Priority|Expired|Free)$/i.test(row.meterName) &&
        !isZero(row.retailPrice);
      return keep ? row.armSkuName : undefined;
    },
    o,
  );
  const out = new Map<string, OptionQuote[]>();
  for (const row of picked.values()) {
    add(out, {
      id: row.armSkuName,
      terms: SPOT,
      recurring: row.retailPrice,
      upfront: "0",
      source: "live",
      asOf: day(row.effectiveStartDate),
      timestamp: row.effectiveStartDate,
      sku: row.skuId,
      note: `Azure Spot, Linux, the region's published Spot price since ${day(row.effectiveStartDate)} (${describe(row)}): a point in time; Azure changes Spot prices with capacity and may evict`,
    });
  }
  return out;
}

/** The quotes of one option from rows of the region, by size. */
export const OPTION_QUOTES: Readonly<Record<AzureOption, (region: string, rows: readonly RetailPrice[], o: PickOptions) => Map<string, OptionQuote[]>>> = {
  reserved: reservationQuotes,
  "savings-plan": savingsPlanQuotes,
  spot: spotQuotes,
};
