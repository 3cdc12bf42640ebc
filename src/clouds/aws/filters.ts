import type { CostFilters } from "../../domain/costs.ts";

/**
 * Cost Explorer's and Budgets' filter expression (the two SDKs declare the same shape separately):
 * one `Dimensions`/`Tags` leaf per filter, `And` when there is more than one.
 */
export interface FilterExpression {
  Dimensions?: { Key: "SERVICE" | "REGION"; Values: string[] };
  Tags?: { Key: string; Values: string[] };
  And?: FilterExpression[];
}

export function toExpression(filters: CostFilters): FilterExpression | undefined {
  const parts: FilterExpression[] = [];
  if (filters.services?.length) parts.push({ Dimensions: { Key: "SERVICE", Values: filters.services } });
  if (filters.regions?.length) parts.push({ Dimensions: { Key: "REGION", Values: filters.regions } });
  for (const [key, values] of Object.entries(filters.tags ?? {})) parts.push({ Tags: { Key: key, Values: values } });
  if (parts.length === 0) return undefined;
  return parts.length === 1 ? parts[0] : { And: parts };
}
