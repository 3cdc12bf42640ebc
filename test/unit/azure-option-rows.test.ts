import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { reservationQuotes, savingsPlanQuotes, spotQuotes } from "../../src/clouds/azure/option-rows.ts";
import { parseRetailPage, type RetailPrice, readRetailItem } from "../../src/clouds/azure/retail-prices.ts";
import type { RetailItem } from "../fakes/azure-retail-fake.ts";
import { b16alsV2AustraliaCentral, D2S_V3_EASTUS, WESTUS_EXCERPT } from "../fakes/azure-retail-items.ts";

/**
 * Which Retail Prices rows are a VM size's reservation, savings plan and Spot prices, against real rows
 * (test/fixtures/azure-retail), read through the client's own page parser as they are live.
 */
const NOW = new Date("2026-12-01T00:00:00Z");
const o = { now: NOW };

/** Rows as the client keeps them: through the wire (JSON text), the page parser and the item schema. */
function read(items: RetailItem[]): RetailPrice[] {
  return parseRetailPage(JSON.stringify({ Items: items, NextPageLink: null })).items.flatMap((item) => {
    const kept = readRetailItem(item);
    return kept.ok ? [kept.row] : [];
  });
}
const fixture = (name: string) => JSON.parse(readFileSync(`test/fixtures/azure-retail/${name}`, "utf8"));
const summary = (quotes: ReturnType<typeof reservationQuotes>) =>
  Object.fromEntries([...quotes].map(([id, qs]) => [id, qs.map((q) => [q.terms.term ?? "-", q.terms.payment ?? "-", q.recurring, q.upfront])]));

describe("reservations: Reservation rows, the term total as the upfront", () => {
  it("Standard_M8ms eastus (holgerjs' real output): 1 Year 7740 and 3 Years 11297 are term totals although the unit says 1 Hour", () => {
    const rows = read(fixture("retail-items-reservation-disk-linux-vs-windows.json").reservation_standard_m8ms_eastus);
    expect(rows.every((r) => r.unitOfMeasure === "1 Hour")).toBe(true);
    const quotes = reservationQuotes("eastus", rows, o);
    expect(summary(quotes)).toEqual({ Standard_M8ms: [["3yr", "all-upfront", "0", "11297"], ["1yr", "all-upfront", "0", "7740"]] });
    expect(quotes.get("Standard_M8ms")?.[1]).toMatchObject({ termTotal: true, sku: "DZH318Z0BQ4W/00FV", asOf: "2018-05-01", source: "live" });
    expect(quotes.get("Standard_M8ms")?.[1]?.note).toContain('the total for the term, paid up front, although its unitOfMeasure says "1 Hour"');
    // Not a pay-as-you-go row: no savings plan, no Spot.
    expect(savingsPlanQuotes("eastus", rows, o).size).toBe(0);
    expect(spotQuotes("eastus", rows, o).size).toBe(0);
  });

  it("Standard_B16als_v2 australiacentral: of 13 rows only the two Reservation rows; other regions' rows are not this region's", () => {
    const rows = read(b16alsV2AustraliaCentral());
    expect(summary(reservationQuotes("australiacentral", rows, o))).toEqual({ Standard_B16als_v2: [["1yr", "all-upfront", "0", "3478"], ["3yr", "all-upfront", "0", "6721"]] });
    expect(reservationQuotes("westus", rows, o).size).toBe(0);
  });

  it("Microsoft's documented reservation example (E64 v4 southcentralus, 25007 for 1 Year)", () => {
    const docs = fixture("retail-docs-examples-2021-12.json");
    expect(summary(reservationQuotes("southcentralus", read([docs.example_reservation]), o))).toEqual({ Standard_E64_v4: [["1yr", "all-upfront", "0", "25007"]] });
  });

  it("westus dump: Reservation rows without a reservationTerm say nothing of their length and are left out", () => {
    const rows = read(WESTUS_EXCERPT);
    expect(rows.filter((r) => r.type === "Reservation")).toHaveLength(6);
    expect(reservationQuotes("westus", rows, o).size).toBe(0);
  });

  it("leaves out Windows, Cloud Services and dedicated host products, 5-year terms, closed rows, and two prices at one date", () => {
    const [base] = read(fixture("retail-items-reservation-disk-linux-vs-windows.json").reservation_standard_m8ms_eastus).filter((r) => r.reservationTerm === "1 Year") as [RetailPrice];
    const variants: RetailPrice[] = [
      { ...base, productName: "Virtual Machines MS Series Windows" },
      // westeurope spells one Windows product "Virtual Machines NCCadsv5 Srs Win" (azure-pricing-radar 2026-08-22).
      { ...base, productName: "Virtual Machines MS Srs Win" },
      { ...base, productName: "MS Series Cloud Services" },
      { ...base, productName: "Virtual Machines MS Series Dedicated Host" },
      { ...base, reservationTerm: "5 Years" },
      { ...base, effectiveEndDate: "2025-01-01T00:00:00Z" },
    ];
    expect(reservationQuotes("eastus", variants, o).size).toBe(0);
    const logged: string[] = [];
    const twice = reservationQuotes("eastus", [base, { ...base, retailPrice: "7000" }], { now: NOW, onAmbiguous: (size) => logged.push(size) });
    expect(twice.size).toBe(0);
    expect(logged).toEqual(["Standard_M8ms 1yr"]);
  });
});

describe("savings plan: the savingsPlan array of the Linux pay-as-you-go row, per hour", () => {
  it("Standard_B16als_v2 australiacentral: 1 Year 0.49129, 3 Years 0.34323 (on the 0.673 row)", () => {
    const quotes = savingsPlanQuotes("australiacentral", read(b16alsV2AustraliaCentral()), o);
    expect(summary(quotes)).toEqual({ Standard_B16als_v2: [["1yr", "no-upfront", "0.49129", "0"], ["3yr", "no-upfront", "0.34323", "0"]] });
    expect(quotes.get("Standard_B16als_v2")?.[0]).toMatchObject({ sku: "DZH318Z0K9JH/00QW", source: "live", asOf: "2023-09-01" });
    expect(quotes.get("Standard_B16als_v2")?.[0]).not.toHaveProperty("termTotal");
  });

  it("Standard_D2s_v3 eastus (9 rows): the Linux row's 0.06624 / 0.04512, not from the Windows rows", () => {
    expect(summary(savingsPlanQuotes("eastus", read(D2S_V3_EASTUS), o))).toEqual({ Standard_D2s_v3: [["1yr", "no-upfront", "0.06624", "0"], ["3yr", "no-upfront", "0.04512", "0"]] });
  });

  it("a malformed savingsPlan entry is left out, never the item; a term listed at two prices is not quoted", () => {
    const linux = D2S_V3_EASTUS.find((i) => Array.isArray(i.savingsPlan)) as RetailItem;
    const rows = read([{ ...linux, savingsPlan: [{ retailPrice: "cheap", term: "1 Year" }, { unitPrice: 0.04512, retailPrice: 0.04512, term: "3 Years" }, { retailPrice: 0.04, term: "3 Years" }] }]);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.savingsPlan).toEqual([{ retailPrice: "0.04512", term: "3 Years" }, { retailPrice: "0.04", term: "3 Years" }]);
    expect(savingsPlanQuotes("eastus", rows, o).size).toBe(0);
    expect(read([{ ...linux, savingsPlan: "none" }])[0]?.savingsPlan).toBeUndefined();
  });
});

describe("Spot: the Linux ' Spot' SKU of the region", () => {
  it("Standard_B16als_v2 australiacentral: 0.6057, not the Windows Spot (0.6723) nor Low Priority (0.135, 0.299)", () => {
    const quotes = spotQuotes("australiacentral", read(b16alsV2AustraliaCentral()), o);
    expect(summary(quotes)).toEqual({ Standard_B16als_v2: [["-", "-", "0.6057", "0"]] });
    expect(quotes.get("Standard_B16als_v2")?.[0]).toMatchObject({ terms: { option: "spot" }, timestamp: "2023-09-01T00:00:00Z" });
  });

  it("Standard_D2s_v3 eastus: 0.018816 (Windows Spot 0.036848 and its Dev/Test row ignored)", () => {
    expect(summary(spotQuotes("eastus", read(D2S_V3_EASTUS), o))).toEqual({ Standard_D2s_v3: [["-", "-", "0.018816", "0"]] });
  });

  it("westus dump: a Linux product named '… series Linux' with skuName 'Standard_M16ls_v4 Spot'; Low Priority under Cloud Services ignored", () => {
    expect(summary(spotQuotes("westus", read(WESTUS_EXCERPT), o))).toEqual({ Standard_M16ls_v4: [["-", "-", "0.542161", "0"]] });
  });

  it("Microsoft's documented Spot example is a Windows Dev/Test row: not a Linux Spot price", () => {
    const docs = fixture("retail-docs-examples-2021-12.json");
    expect(spotQuotes("westeurope", read([docs.example_without_reservation]), o).size).toBe(0);
  });
});
