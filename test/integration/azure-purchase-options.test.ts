import { describe, expect, it } from "vitest";
import { fixture } from "../fakes/azure-retail-items.ts";
import { azureLiveConfig, withLiveAzure } from "../helpers/azure.ts";
import type { LiveHarness } from "../helpers/live.ts";

/**
 * Azure VM reservations, savings plans and Spot in live mode, end to end through the routes: the real
 * Retail Prices client against msw speaking the API's wire format. Standard_B16als_v2 in
 * australiacentral is real rows (13, the API's answer for that size: Linux 0.673, reservation 3478 /
 * 6721 term totals, savingsPlan 0.49129 / 0.34323, Spot 0.6057, Windows, Cloud Services, Low Priority);
 * Standard_M8ms in eastus the real reservation rows 7740 / 11297 (holgerjs' output).
 */
const { fake, live } = withLiveAzure();
fake.add(fixture<{ reservation_standard_m8ms_eastus: Array<Record<string, unknown>> }>("retail-items-reservation-disk-linux-vs-windows.json").reservation_standard_m8ms_eastus);

type Purchase = Record<string, unknown>;
type Item = { id: string; price: string; source: string; asOf: string; purchase: Purchase };
type Body = { items: Item[]; unavailable?: Array<{ id: string; reason: string }>; code?: string; detail?: string };

async function get(h: LiveHarness, query: string) {
  const res = await h.app.request(`/v1/prices/azure/vm?${query}`);
  return { status: res.status, headers: res.headers, body: (await res.json()) as Body };
}

const B16 = "region=australiacentral&vmSize=Standard_B16als_v2";
const reservationCalls = () => fake.calls.filter((c) => c.filter.includes("priceType eq 'Reservation'"));
const consumptionCalls = () => fake.calls.filter((c) => c.filter.includes("priceType eq 'Consumption'"));

describe("Azure reservations, live", () => {
  it("1 year: the term total as the upfront, effective hourly = 3478 ÷ 8,760, compared with the live Linux 0.673", async () => {
    const h = live();
    const { status, body } = await get(h, `${B16}&purchaseOption=reservation&term=1yr`);
    expect(status).toBe(200);
    expect(body.items).toHaveLength(1);
    const item = body.items[0] as Item;
    // 3478 / 8760 = 0.397031963470319634… (does not terminate): 10 places, half-even.
    expect(item).toMatchObject({ id: "Standard_B16als_v2", price: "0.3970319635", source: "live", asOf: "2023-09-01" });
    expect(item.purchase).toMatchObject({
      option: "reserved",
      term: "1yr",
      payment: "all-upfront",
      recurring: "0",
      upfront: "3478",
      upfrontIsTermTotal: true,
      effectiveHourly: "0.3970319635",
      effectiveHourlyExact: false,
      termCost: "3478",
      onDemandPrice: "0.673",
      onDemandSource: "live",
      // 1 − 3478 / (0.673 × 8760 = 5895.48) = 41.0057… %; break-even 3478 / 5895.48 = 0.589943…
      savingPercent: "41.0057",
      breakEvenUtilisation: "0.589943",
    });
    expect(item.purchase.note).toContain('although its unitOfMeasure says "1 Hour"');
    // One query for the reservation, in Azure's casing, with the API version that has savingsPlan[].
    expect(reservationCalls().map((c) => [c.filter, c.apiVersion])).toEqual([
      ["serviceName eq 'Virtual Machines' and armRegionName eq 'australiacentral' and priceType eq 'Reservation' and (armSkuName eq 'Standard_B16als_v2')", "2023-01-01-preview"],
    ]);
  });

  it("3 years from the same cached rows: 6721 ÷ 26,280; the term asked is the term answered", async () => {
    const h = live();
    await get(h, `${B16}&purchaseOption=reserved`);
    const { body } = await get(h, `${B16}&purchaseOption=reserved&term=3yr`);
    expect(body.items[0]).toMatchObject({ price: "0.2557458143", source: "cache", purchase: { term: "3yr", upfront: "6721", upfrontIsTermTotal: true, savingPercent: "61.9991", breakEvenUtilisation: "0.380009" } });
    expect(reservationCalls()).toHaveLength(1);
  });

  it("Standard_M8ms eastus (real rows 7740 / 11297): effective 0.8835616438 and 0.429870624; no on-demand row to compare with says why", async () => {
    const h = live();
    const one = await get(h, "region=eastus&vmSize=Standard_M8ms&purchaseOption=reserved&term=1yr");
    // fallback-pricing/azure/vm/reserved/eastus.json holds the same numbers: the answer must say live.
    expect(one.body.items[0]).toMatchObject({ price: "0.8835616438", source: "live", purchase: { upfront: "7740", upfrontIsTermTotal: true } });
    expect(one.body.items[0]?.purchase.onDemandUnavailable).toContain("on-demand");
    const three = await get(h, "region=eastus&vmSize=Standard_M8ms&purchaseOption=reserved&term=3yr");
    expect(three.body.items[0]).toMatchObject({ price: "0.429870624", purchase: { upfront: "11297" } });
  });

  it("sold only paid up front: no-upfront is a 404 naming what Azure sells", async () => {
    const { status, body } = await get(live(), `${B16}&purchaseOption=reserved&payment=no-upfront`);
    expect(status).toBe(404);
    expect(body.detail).toContain("reserved 1yr all-upfront");
    expect(body.detail).toContain("reserved 3yr all-upfront");
  });

  it("a size Azure sells no reservation for is unavailable, live (not a guess, not the tables)", async () => {
    const { status, body } = await get(live(), "region=eastus&vmSize=Standard_M8ms,Standard_D2s_v3&purchaseOption=reserved");
    expect(status).toBe(200);
    expect(body.items.map((i) => [i.id, i.source])).toEqual([["Standard_M8ms", "live"]]);
    expect(body.unavailable?.map((u) => u.id)).toEqual(["Standard_D2s_v3"]);
  });
});

describe("Azure savings plan and Spot, live", () => {
  it("savings plan: the savingsPlan price per hour, nothing up front (1 year 0.49129 = 73 % of 0.673)", async () => {
    const h = live();
    const { status, body } = await get(h, `${B16}&purchaseOption=savings-plan`);
    expect(status).toBe(200);
    expect(body.items[0]).toMatchObject({
      price: "0.49129",
      source: "live",
      purchase: { option: "savings-plan", term: "1yr", payment: "no-upfront", recurring: "0.49129", upfront: "0", effectiveHourly: "0.49129", effectiveHourlyExact: true, savingPercent: "27", breakEvenUtilisation: "0.73" },
    });
    expect(body.items[0]?.purchase).not.toHaveProperty("upfrontIsTermTotal");
    const three = await get(h, `${B16}&purchaseOption=savings-plan&term=3yr`);
    expect(three.body.items[0]).toMatchObject({ price: "0.34323", purchase: { term: "3yr" } });
    // The pay-as-you-go rows of the size: one query, shared by nothing else (the on-demand price has its own key).
    expect(reservationCalls()).toHaveLength(0);
  });

  it("Spot: the Linux Spot row (0.6057), never Windows Spot (0.6723) nor Low Priority (0.135); a point in time", async () => {
    const { status, body } = await get(live(), `${B16}&purchaseOption=spot`);
    expect(status).toBe(200);
    expect(body.items[0]).toMatchObject({ price: "0.6057", source: "live", purchase: { option: "spot", recurring: "0.6057", upfront: "0", savingPercent: "10", pointInTime: "2023-09-01T00:00:00Z" } });
    expect(body.items[0]?.purchase.note).toContain("a point in time");
  });

  it("Spot in eastus: Standard_D2s_v3's Linux 0.018816 of its 9 real rows", async () => {
    const { body } = await get(live(), "region=eastus&vmSize=Standard_D2s_v3&purchaseOption=spot");
    expect(body.items[0]).toMatchObject({ id: "Standard_D2s_v3", price: "0.018816", purchase: { onDemandPrice: "0.096" } });
  });

  it("a listing without vmSize: one query sequence for the region, cached whole", async () => {
    const h = live();
    const { status, body } = await get(h, "region=australiacentral&purchaseOption=spot");
    expect(status).toBe(200);
    expect(body.items.map((i) => [i.id, i.price])).toEqual([["Standard_B16als_v2", "0.6057"]]);
    expect(consumptionCalls().filter((c) => !c.filter.includes("armSkuName"))).toHaveLength(1);
    await get(h, "region=australiacentral&purchaseOption=spot");
    expect(consumptionCalls().filter((c) => !c.filter.includes("armSkuName"))).toHaveLength(1);
  });
});

describe("one upstream query sequence, whatever the crowd", () => {
  it("50 concurrent identical cold questions: one reservation query and one on-demand query", async () => {
    const h = live();
    fake.latencyMs = 50;
    const answers = await Promise.all(Array.from({ length: 50 }, () => get(h, `${B16}&purchaseOption=reserved`)));
    expect(answers.every((a) => a.status === 200 && a.body.items[0]?.price === "0.3970319635")).toBe(true);
    expect(reservationCalls()).toHaveLength(1);
    expect(consumptionCalls()).toHaveLength(1);
  });
});

describe("the Retail Prices API down", () => {
  const config = azureLiveConfig({ UPSTREAM_RETRIES: "0" });

  it("the option tables answer, saying fallback; on-demand too", async () => {
    const h = live(config);
    fake.mode = "error500";
    // fallback-pricing/azure/vm/reserved/eastus.json: Standard_D2als_v7 1 year 416 (finfocus capture); on-demand 0.0804.
    const { status, body } = await get(h, "region=eastus&vmSize=Standard_D2als_v7&purchaseOption=reserved");
    expect(status).toBe(200);
    expect(body.items[0]).toMatchObject({
      source: "fallback",
      price: "0.0474885845",
      purchase: { term: "1yr", upfront: "416", upfrontIsTermTotal: true, onDemandPrice: "0.0804", onDemandSource: "fallback" },
    });
    expect(reservationCalls()).toHaveLength(1);
  });

  it("with no table of the option either: 503, never a guess", async () => {
    const h = live(config);
    fake.mode = "error500";
    const { status, body } = await get(h, `${B16}&purchaseOption=spot`);
    expect(status).toBe(503);
    expect(body.code).toBe("upstream_unavailable");
    expect(body.detail).toContain("no cached or fallback spot price");
    expect(body).not.toHaveProperty("items");
  });
});
