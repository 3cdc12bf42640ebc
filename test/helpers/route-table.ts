import { addDays } from "../../src/domain/dates.ts";

/** One call of every operation in an OpenAPI document, with valid parameters filled in. */
export interface RouteCall {
  method: string;
  /** The documented path, e.g. /v1/budgets/aws/{name}. */
  template: string;
  /** The path with parameters and a valid query. */
  url: string;
  body?: string;
  /** The scope the operation declares, or "public". */
  scope: string;
}

interface Parameter {
  name: string;
  in: "query" | "path" | "header";
  required?: boolean;
  schema?: { enum?: unknown[]; type?: string };
}

interface Operation {
  parameters?: Parameter[];
  requestBody?: unknown;
  security?: Array<Record<string, string[]>>;
}

/** Request bodies the write operations accept, valid as they stand. */
const BODIES: Record<string, string> = {
  "POST /v1/budgets/aws": JSON.stringify({ name: "route-table-probe", limit: { amount: "100", unit: "USD" } }),
  "POST /v1/prices/batch": JSON.stringify({ queries: [{ service: "eks", region: "us-east-1" }, { service: "ec2", region: "us-east-1", instanceType: "m5.large" }] }),
};

function value(p: Parameter, template: string, today: string): string | undefined {
  if (p.schema?.enum?.length) return String(p.schema.enum[0]);
  switch (p.name) {
    case "region":
      return "us-east-1";
    case "name":
      return "route-table-probe";
    case "start":
      return template.endsWith("/forecast") ? today : addDays(today, -7);
    case "end":
      return template.endsWith("/forecast") ? addDays(today, 7) : today;
    default:
      return p.required ? "x" : undefined;
  }
}

/** Every operation of the document as a call that passes validation (the route table drives the suites). */
export function routeCalls(doc: { paths: Record<string, Record<string, Operation>> }, today: string): RouteCall[] {
  const calls: RouteCall[] = [];
  for (const [template, operations] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(operations)) {
      let path = template;
      const query = new URLSearchParams();
      for (const p of op.parameters ?? []) {
        const v = value(p, template, today);
        if (v === undefined) continue;
        if (p.in === "path") path = path.replace(`{${p.name}}`, encodeURIComponent(v));
        else if (p.in === "query" && (p.required || ["start", "end", "region"].includes(p.name))) query.set(p.name, v);
      }
      const key = `${method.toUpperCase()} ${template}`;
      const scope = op.security?.[0]?.apiKey?.[0] ?? "public";
      calls.push({ method: method.toUpperCase(), template, url: query.size ? `${path}?${query}` : path, ...(op.requestBody ? { body: BODIES[key] ?? "{}" } : {}), scope });
    }
  }
  return calls;
}
