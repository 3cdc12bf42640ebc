import Big from "big.js";
import type { CostMetric, GroupBy } from "../../../domain/costs.ts";
import { cellRandom, DECIMALS, dayNumber, isWeekend } from "./calendar.ts";
import type { InventoryLine } from "./inventory-costs.ts";
import { AVG_MONTH_DAYS, type CostLine, EPOCH, LINE_ITEMS, type LineItem } from "./line-items.ts";

/**
 * The synthetic account's daily cells for one clock day: one row per cost line (the invented line items
 * first, then the inventory's lines), one cell per day from the history start to yesterday, each an
 * exact decimal (10 places at most) from which every sum is made with big.js.
 */

/** NetUnblendedCost is UnblendedCost net of a small, steady credit (e.g. a promotional credit). */
const NET_FACTOR = 0.98;
const NET = new Big(NET_FACTOR);
/** Where growth is anchored (day number). */
const EPOCH_DAY = dayNumber(EPOCH);

export class AccountCells {
  /** Every cost line: LINE_ITEMS (same indexes, so each keeps its seeded noise), then the inventory's. */
  readonly lines: readonly CostLine[];
  readonly firstDay: number;
  readonly #lastDay: number;
  readonly #seed: number;
  readonly #inventory: readonly InventoryLine[];
  readonly #rows = new Map<CostMetric, (Big | undefined)[][]>();

  constructor(seed: number, firstDay: number, lastDay: number, inventory: readonly InventoryLine[]) {
    this.#seed = seed;
    this.firstDay = firstDay;
    this.#lastDay = lastDay;
    this.#inventory = inventory;
    this.lines = [...LINE_ITEMS, ...inventory];
  }

  /** Every line's daily cells for `metric`, from the history start to yesterday. */
  rows(metric: CostMetric): (Big | undefined)[][] {
    const cached = this.#rows.get(metric);
    if (cached) return cached;
    const rows = [...LINE_ITEMS.map((item, i) => this.#syntheticRow(item, i, metric)), ...this.#inventory.map((line) => inventoryRow(line, metric))];
    this.#rows.set(metric, rows);
    return rows;
  }

  #syntheticRow(item: LineItem, index: number, metric: CostMetric): (Big | undefined)[] {
    const row: (Big | undefined)[] = [];
    const startDay = item.from ? Math.max(this.firstDay, dayNumber(item.from)) : this.firstDay;
    for (let day = this.firstDay; day <= this.#lastDay; day++) {
      if (day < startDay) {
        row.push(undefined);
        continue;
      }
      row.push(new Big(metricValue(item, metric, this.#unblended(item, index, day)).toFixed(DECIMALS)));
    }
    return row;
  }

  /** The generated float for one line item on one day; the only place randomness enters. */
  #unblended(item: LineItem, index: number, day: number): number {
    const random = cellRandom(this.#seed, index, day);
    const noise = 1 + 0.06 * (random() + random() - 1);
    const growth = (1 + item.growth) ** ((day - EPOCH_DAY) / AVG_MONTH_DAYS);
    return item.daily * growth * (isWeekend(day) ? item.weekend : 1) * noise;
  }
}

/** An inventory line's cells: on-demand list prices, so blended and amortized equal unblended. */
function inventoryRow(line: InventoryLine, metric: CostMetric): (Big | undefined)[] {
  switch (metric) {
    case "UsageQuantity":
      return line.hours;
    case "NetUnblendedCost":
      return line.cost.map((c) => c?.times(NET).round(DECIMALS));
    default:
      return line.cost;
  }
}

function metricValue(item: LineItem, metric: CostMetric, cost: number): number {
  switch (metric) {
    case "UnblendedCost":
      return cost;
    case "BlendedCost":
      return cost * (item.blended ?? 1);
    case "AmortizedCost":
      return cost * (item.amortized ?? 1);
    case "NetUnblendedCost":
      return cost * NET_FACTOR;
    case "UsageQuantity": {
      const quantity = cost / item.unitPrice;
      return item.unit === "Requests" ? Math.round(quantity) : quantity;
    }
  }
}

/** A line's own tag value ("" when untagged): never a property inherited from Object. */
export function tagValue(line: CostLine, key: string): string {
  return Object.hasOwn(line.tags, key) ? (line.tags[key] as string) : "";
}

export function groupKey(line: CostLine, group: GroupBy): string {
  if (group.type === "TAG") return `${group.key}$${tagValue(line, group.key)}`;
  switch (group.key) {
    case "SERVICE":
      return line.service;
    case "REGION":
      return line.region;
    case "LINKED_ACCOUNT":
      return line.account;
    case "USAGE_TYPE":
      return line.usageType;
  }
}
