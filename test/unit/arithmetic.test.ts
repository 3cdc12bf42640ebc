import Big from "big.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { display, hourlyCharge, roundUpTo, usageCharge } from "../../src/estimates/arithmetic.ts";

const tiered = {
  price: "3",
  tiers: [
    { from: "0", to: "10", price: "3" },
    { from: "10", to: "20", price: "2" },
    { from: "20", to: null, price: "1" },
  ],
};

describe("the arithmetic of cost", () => {
  it("prices usage tier by tier, after the free grant", () => {
    expect(usageCharge(tiered, 25).amount.toFixed()).toBe("55"); // 10×3 + 10×2 + 5×1
    expect(usageCharge(tiered, 25, 5).amount.toFixed()).toBe("40"); // the grant is worth tier 1
    expect(usageCharge(tiered, 25, 15).bands.map((b) => [b.quantity, b.price])).toEqual([["5", "2"], ["5", "1"]]);
  });

  it("a grant larger than the usage makes the charge 0, never negative", () => {
    const charge = usageCharge(tiered, 4, 100);
    expect(charge.amount.toFixed()).toBe("0");
    expect(charge.free.toFixed()).toBe("4");
    expect(charge.billable.toFixed()).toBe("0");
  });

  it("is exact where floats are not", () => {
    expect(usageCharge({ price: "0.1" }, 3).amount.toFixed()).toBe("0.3");
    expect(hourlyCharge("0.096", 3).monthly.toFixed()).toBe("210.24");
  });

  it("never negative, and monotone in usage, for any grant", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 0, max: 1e9 }), fc.integer({ min: 0, max: 1e9 }), (total, more, free) => {
        const a = usageCharge(tiered, total, free).amount;
        const b = usageCharge(tiered, total + more, free).amount;
        expect(a.gte(0)).toBe(true);
        expect(b.gte(a)).toBe(true);
      }),
    );
  });

  it("rounds billing steps up, and display values half-up to cents", () => {
    expect(roundUpTo("0.2", 1).toFixed()).toBe("1");
    expect(roundUpTo("200", 100).toFixed()).toBe("200");
    expect(roundUpTo("201", 100).toFixed()).toBe("300");
    expect(display(new Big("18.735"))).toBe("18.74");
    expect(display("0")).toBe("0.00");
  });
});
