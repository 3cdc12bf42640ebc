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

/** a < b for decimal strings. */
export function lessThan(a: string, b: string): boolean {
  return new Big(a).lt(new Big(b));
}
