import Big from "big.js";

/** Decimal strings the price model accepts: no sign, no exponent, no thousands separators. */
export const DECIMAL_PATTERN = /^(0|[1-9]\d*)(\.\d+)?$/;

export function isDecimalString(value: string): boolean {
  return DECIMAL_PATTERN.test(value);
}

/** Numeric equality of two decimal strings ("0.10" equals "0.1000000000"). */
export function sameAmount(a: string, b: string): boolean {
  return new Big(a).eq(new Big(b));
}

export function isZero(value: string): boolean {
  return new Big(value).eq(0);
}

/** -1, 0 or 1 as a is less than, equal to or greater than b (decimal strings, exact). */
export function compare(a: string, b: string): number {
  return new Big(a).cmp(new Big(b));
}

/** a < b for decimal strings. */
export function lessThan(a: string, b: string): boolean {
  return new Big(a).lt(new Big(b));
}

/**
 * An amount of money, everywhere Pricebook answers one (costs, forecasts, budgets, projections, run
 * rates): an exact decimal string in canonical form (no exponent, no trailing zeros: "10300", "0.1",
 * "220.7538177963") and its unit ("USD").
 */
export interface Money {
  amount: string;
  unit: string;
}

/** The canonical decimal form of an exact amount, the value unchanged ("10300.00" → "10300"). */
export function canonical(value: Big | string): string {
  const big = value instanceof Big ? value : new Big(value);
  // big.js keeps no trailing zeros; toFixed() without places never uses exponent notation.
  return big.toFixed();
}

export function money(amount: Big | string, unit = "USD"): Money {
  return { amount: canonical(amount), unit };
}
