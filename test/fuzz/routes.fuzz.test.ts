/**
 * Property-based fuzzing of every route in the served OpenAPI document, in mock mode, with auth off
 * and with auth on (a key holding all four scopes). See test/fuzz/README.md.
 *
 * Invariants, for every request:
 * - an answer within REQUEST_LIMIT_MS (raced against a timer, and measured: a synchronous loop cannot
 *   be raced), never a 5xx;
 * - a 4xx is application/problem+json with `status` equal to the HTTP status, a `code`, a `detail`
 *   and the request id, and matches the spec's Problem schema;
 * - a 2xx JSON body matches the route's response schema for that status in the spec; price items are
 *   decimal strings and never "0";
 * - nothing pollutes Object.prototype (or Array/Function/String.prototype).
 */
import * as fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { loadConfig } from "../../src/config.ts";
import { AWS_REGIONS } from "../../src/clouds/aws/regions.ts";
import { createKey } from "../../src/http/auth.ts";
import { createServices, type Services } from "../../src/services.ts";
import { realTables, silentLogger } from "../helpers/app.ts";

// ---------------------------------------------------------------------------------------------
// Settings

const SEED = Number.parseInt(process.env.FUZZ_SEED ?? "", 10) || 20_261_122;
const RUNS = Number.parseInt(process.env.FUZZ_RUNS ?? "", 10) || 150;
/** Per request: a hang or a slow answer fails the property. */
const REQUEST_LIMIT_MS = 5_000;
/** Per property, shrinking included: keeps a pathological counterexample from stalling CI. */
const PROPERTY_LIMIT_MS = Number.parseInt(process.env.FUZZ_PROPERTY_LIMIT_MS ?? "", 10) || 30_000;
const TEST_TIMEOUT_MS = PROPERTY_LIMIT_MS + 30_000;
/** The app's clock is pinned so that date-relative answers do not change from one day to the next. */
const NOW = new Date("2026-11-22T12:00:00.000Z");
const TODAY = NOW.toISOString().slice(0, 10);

fc.configureGlobal({ seed: SEED, numRuns: RUNS });
console.log(`[fuzz] seed=${SEED} numRuns=${RUNS} (re-run: FUZZ_SEED=${SEED} FUZZ_RUNS=${RUNS} npx vitest run test/fuzz)`);

const assertOptions = () => ({ plugins: [fc.interruptAfterTimeLimit(PROPERTY_LIMIT_MS, { failOnInterrupt: true })] });

// ---------------------------------------------------------------------------------------------
// The app, in two variants

const KEY = createKey("fuzz-all-scopes", ["prices:read", "costs:read", "budgets:read", "budgets:write"]);
/** High limits: the fuzzer should reach the handlers, not the rate limiter. */
const NO_RATE_LIMITS = {
  RATE_LIMIT_PRICES_PER_MINUTE: "1000000",
  RATE_LIMIT_COSTS_PER_MINUTE: "1000000",
  RATE_LIMIT_BUDGETS_READ_PER_MINUTE: "1000000",
  RATE_LIMIT_BUDGETS_WRITE_PER_MINUTE: "1000000",
};

interface Variant {
  name: string;
  env: Record<string, string>;
  headers: Record<string, string>;
}

const VARIANTS: Variant[] = [
  { name: "auth off (no keys)", env: {}, headers: {} },
  { name: "auth on (all scopes, Bearer)", env: { PRICEBOOK_API_KEYS: JSON.stringify([KEY.entry]) }, headers: { authorization: `Bearer ${KEY.key}` } },
];

const tables = realTables();
const opened: Services[] = [];

function appFor(variant: Variant) {
  const services = createServices({
    config: loadConfig({ PRICEBOOK_MODE: "mock", ...NO_RATE_LIMITS, ...variant.env }),
    logger: silentLogger,
    mode: { mode: "mock", reason: "fuzz" },
    tables,
    version: "fuzz",
    now: () => NOW,
  });
  opened.push(services);
  return createApp(services);
}
type App = ReturnType<typeof appFor>;

afterAll(async () => {
  await Promise.all(opened.map((s) => s.close()));
});

// ---------------------------------------------------------------------------------------------
// The spec, and a JSON-schema check for the subset it uses

interface Schema {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  enum?: unknown[];
  const?: unknown;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
  nullable?: boolean;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  pattern?: string;
  format?: string;
  example?: unknown;
  default?: unknown;
}
interface Parameter {
  name: string;
  in: "query" | "path" | "header" | "cookie";
  required?: boolean;
  schema?: Schema;
}
interface Media {
  schema?: Schema;
}
interface Operation {
  operationId?: string;
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, Media> };
  responses: Record<string, { content?: Record<string, Media> }>;
}
interface Spec {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}
interface Route {
  method: string;
  path: string;
  op: Operation;
}

const spec = (await (await appFor(VARIANTS[0] as Variant).request("/openapi.json")).json()) as Spec;
const HTTP_METHODS = ["get", "post", "put", "patch", "delete"];
const ROUTES: Route[] = Object.entries(spec.paths).flatMap(([path, ops]) =>
  Object.entries(ops)
    .filter(([method]) => HTTP_METHODS.includes(method))
    .map(([method, op]) => ({ method: method.toUpperCase(), path, op })),
);
const GET_ROUTES = ROUTES.filter((r) => r.method === "GET");
const POST_ROUTES = ROUTES.filter((r) => r.method === "POST");
const PATH_PARAM_ROUTES = ROUTES.filter((r) => /\{[^}]+\}/.test(r.path) && r.method !== "POST");

function resolve(schema: Schema): Schema {
  let s = schema;
  for (let i = 0; s.$ref && i < 32; i++) {
    const name = s.$ref.replace(/^#\/components\/schemas\//, "");
    const target = spec.components?.schemas?.[name];
    if (!target) throw new Error(`unresolvable $ref ${s.$ref}`);
    s = target;
  }
  return s;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number" && Number.isInteger(value)) return "integer";
  return typeof value;
}

function hasType(type: string, value: unknown): boolean {
  switch (type) {
    case "null":
      return value === null;
    case "array":
      return Array.isArray(value);
    case "object":
      return isObject(value);
    case "integer":
      return typeof value === "number" && Number.isInteger(value);
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    default:
      return typeof value === type;
  }
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** Every way `value` breaks `schema`, as `path: reason`; empty when it matches. */
export function validate(schemaIn: Schema, value: unknown, path = "$", out: string[] = []): string[] {
  const schema = resolve(schemaIn);
  if (value === null && schema.nullable) return out;
  for (const s of schema.allOf ?? []) validate(s, value, path, out);
  if (schema.anyOf && !schema.anyOf.some((s) => validate(s, value, path).length === 0)) {
    out.push(`${path}: matches none of anyOf (${schema.anyOf.map((s) => validate(s, value, path).slice(0, 2).join(", ")).join(" | ")})`);
  }
  if (schema.oneOf) {
    const matching = schema.oneOf.filter((s) => validate(s, value, path).length === 0).length;
    if (matching !== 1) out.push(`${path}: matches ${matching} of oneOf, not exactly one`);
  }
  if (schema.type !== undefined) {
    const types = Array.isArray(schema.type) ? schema.type : [schema.type];
    if (schema.nullable) types.push("null");
    if (!types.some((t) => hasType(t, value))) {
      out.push(`${path}: expected ${types.join("|")}, got ${typeOf(value)}`);
      return out;
    }
  }
  if (schema.enum && !schema.enum.some((e) => deepEqual(e, value))) out.push(`${path}: ${JSON.stringify(value)?.slice(0, 80)} not in enum`);
  if ("const" in schema && !deepEqual(schema.const, value)) out.push(`${path}: not the constant ${JSON.stringify(schema.const)}`);
  if (typeof value === "string") {
    const length = [...value].length;
    if (schema.minLength !== undefined && length < schema.minLength) out.push(`${path}: shorter than ${schema.minLength}`);
    if (schema.maxLength !== undefined && length > schema.maxLength) out.push(`${path}: longer than ${schema.maxLength}`);
    if (schema.pattern !== undefined && !new RegExp(schema.pattern, "u").test(value)) out.push(`${path}: does not match ${schema.pattern}`);
  }
  if (typeof value === "number") {
    if (schema.minimum !== undefined && value < schema.minimum) out.push(`${path}: below ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) out.push(`${path}: above ${schema.maximum}`);
    if (typeof schema.exclusiveMinimum === "number" && value <= schema.exclusiveMinimum) out.push(`${path}: not above ${schema.exclusiveMinimum}`);
    if (typeof schema.exclusiveMaximum === "number" && value >= schema.exclusiveMaximum) out.push(`${path}: not below ${schema.exclusiveMaximum}`);
  }
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) out.push(`${path}: fewer than ${schema.minItems} items`);
    if (schema.maxItems !== undefined && value.length > schema.maxItems) out.push(`${path}: more than ${schema.maxItems} items`);
    if (schema.items) value.forEach((item, i) => validate(schema.items as Schema, item, `${path}[${i}]`, out));
  }
  if (isObject(value)) {
    for (const key of schema.required ?? []) if (!Object.hasOwn(value, key)) out.push(`${path}: missing required ${key}`);
    for (const [key, v] of Object.entries(value)) {
      const property = schema.properties && Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
      if (property) validate(property, v, `${path}.${key}`, out);
      else if (schema.additionalProperties === false) out.push(`${path}: unexpected property ${key}`);
      else if (isObject(schema.additionalProperties)) validate(schema.additionalProperties, v, `${path}.${key}`, out);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Sending a request, and the invariants every answer keeps

interface Sent {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}
interface Answer {
  status: number;
  contentType: string | null;
  requestIdHeader: string | null;
  text: string;
  json: unknown;
  ms: number;
}

const PROBLEM = { $ref: "#/components/schemas/Problem" };
const DECIMAL = /^(0|[1-9]\d*)(\.\d+)?$/;
const ZERO = /^0(\.0+)?$/;
/** Answers whose status the spec does not list for the route: reported at the end, not failures. */
const undeclared = new Map<string, string>();

const short = (s: string | undefined, n = 400) => (s === undefined ? "(none)" : s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);

function describeExchange(sent: Sent, answer?: Partial<Answer>): string {
  return [
    `${sent.method} ${short(sent.url, 300)}`,
    `  request headers: ${JSON.stringify(Object.fromEntries(Object.entries(sent.headers).map(([k, v]) => [k, k === "authorization" ? "Bearer <key>" : short(v, 80)])))}`,
    `  request body: ${short(sent.body, 300)}`,
    answer ? `  → ${answer.status} ${answer.contentType ?? ""} in ${Math.round(answer.ms ?? 0)} ms: ${short(answer.text)}` : "",
  ].join("\n");
}

class InvariantError extends Error {
  override name = "InvariantError";
}

async function send(app: App, sent: Sent): Promise<Answer> {
  const started = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new InvariantError(`no answer within ${REQUEST_LIMIT_MS} ms\n${describeExchange(sent)}`)), REQUEST_LIMIT_MS);
  });
  try {
    const init: RequestInit = { method: sent.method, headers: sent.headers, ...(sent.body === undefined ? {} : { body: sent.body }) };
    const res = await Promise.race([Promise.resolve(app.request(sent.url, init)), deadline]);
    const text = await Promise.race([res.text(), deadline]);
    const ms = performance.now() - started;
    const contentType = res.headers.get("content-type");
    let json: unknown;
    if (contentType && /json/i.test(contentType) && text.length > 0) {
      try {
        json = JSON.parse(text);
      } catch {
        throw new InvariantError(`a ${contentType} answer that is not JSON\n${describeExchange(sent, { status: res.status, contentType, text, ms })}`);
      }
    }
    const answer = { status: res.status, contentType, requestIdHeader: res.headers.get("x-request-id"), text, json, ms };
    if (ms > REQUEST_LIMIT_MS) throw new InvariantError(`answered in ${Math.round(ms)} ms, over ${REQUEST_LIMIT_MS} ms\n${describeExchange(sent, answer)}`);
    return answer;
  } finally {
    clearTimeout(timer);
  }
}

/** The route-independent invariants and the response schema; returns the parsed body. */
function check(route: Route | undefined, sent: Sent, answer: Answer): unknown {
  const fail = (why: string): never => {
    throw new InvariantError(`${why}\n${describeExchange(sent, answer)}`);
  };
  const { status } = answer;
  if (status >= 500) fail(`a ${status}`);
  if (status < 200 || (status >= 300 && status < 400)) fail(`an unexpected ${status}`);
  if (status >= 400) {
    if (answer.contentType !== "application/problem+json") fail(`a ${status} that is not application/problem+json`);
    const body = answer.json;
    if (!isObject(body)) return fail("a problem that is not an object");
    if (body.status !== status) fail(`problem.status ${String(body.status)} differs from the HTTP status ${status}`);
    if (typeof body.code !== "string" || body.code.length === 0) fail("a problem without a code");
    if (typeof body.detail !== "string") fail("a problem without a detail");
    if (typeof body.requestId !== "string" || body.requestId.length === 0) fail("a problem without a requestId");
    if (body.requestId !== answer.requestIdHeader) fail("problem.requestId differs from the x-request-id header");
    const errors = validate(PROBLEM, body);
    if (errors.length) fail(`a problem that does not match the Problem schema: ${errors.slice(0, 5).join("; ")}`);
  }
  if (!route) return answer.json;
  const declared = route.op.responses[String(status)];
  if (!declared) {
    const key = `${route.method} ${route.path} → ${status}`;
    if (!undeclared.has(key)) undeclared.set(key, `${sent.method} ${short(sent.url, 160)} ${short(sent.body, 80)}`);
    if (status < 300) fail(`a ${status} the spec does not declare for ${route.method} ${route.path}`);
    return answer.json;
  }
  if (status === 204) {
    if (answer.text.length > 0) fail("a 204 with a body");
    return undefined;
  }
  if (status < 300) {
    const media = declared.content?.["application/json"];
    if (media && !/^application\/json/i.test(answer.contentType ?? "")) fail(`a ${status} that is not application/json`);
    if (media?.schema) {
      const errors = validate(media.schema, answer.json);
      if (errors.length) fail(`the ${status} body does not match the spec: ${errors.slice(0, 8).join("; ")}`);
    }
    if (route.path.startsWith("/v1/prices/")) checkPrices(route.path, answer.json, fail);
  }
  return answer.json;
}

/** Prices are decimal strings as published, and never 0; batch results carry each GET's answer. */
function checkPrices(path: string, body: unknown, fail: (why: string) => never): void {
  if (!isObject(body)) return;
  if (path === "/v1/prices/batch") {
    const results = Array.isArray(body.results) ? body.results : [];
    results.forEach((r: unknown, i) => {
      if (!isObject(r) || !isObject(r.body)) return fail(`results[${i}] has no body`);
      const st = r.status;
      if (typeof st !== "number" || st >= 500) fail(`results[${i}] has status ${String(st)}`);
      if (st === 200) checkPriceItems(r.body, `results[${i}].body`, fail);
      else if (r.body.status !== st || typeof r.body.code !== "string" || typeof r.body.detail !== "string") {
        fail(`results[${i}] is a ${String(st)} whose body is not its problem`);
      }
    });
    return;
  }
  checkPriceItems(body, "$", fail);
}

function checkPriceItems(body: Record<string, unknown>, where: string, fail: (why: string) => never): void {
  const items = Array.isArray(body.items) ? body.items : [];
  items.forEach((item: unknown, i) => {
    if (!isObject(item)) return fail(`${where}.items[${i}] is not an object`);
    const price = item.price;
    if (typeof price !== "string" || !DECIMAL.test(price)) fail(`${where}.items[${i}].price ${JSON.stringify(price)} is not a decimal string`);
    if (ZERO.test(price as string)) fail(`${where}.items[${i}] (${String(item.id)}) is priced 0`);
    const tiers = Array.isArray(item.tiers) ? item.tiers : [];
    tiers.forEach((t: unknown, j) => {
      if (!isObject(t) || typeof t.price !== "string" || !DECIMAL.test(t.price)) fail(`${where}.items[${i}].tiers[${j}].price is not a decimal string`);
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Prototype pollution

const PROTOTYPES: Array<[string, object]> = [
  ["Object.prototype", Object.prototype],
  ["Array.prototype", Array.prototype],
  ["Function.prototype", Function.prototype],
  ["String.prototype", String.prototype],
];
const pristine = new Map(PROTOTYPES.map(([name, proto]) => [name, Reflect.ownKeys(proto).map(String).sort().join(",")]));

function assertNotPolluted(): void {
  const probe = {} as Record<string, unknown>;
  for (const key of ["polluted", "x", "isAdmin", "fuzz"]) {
    expect(probe[key], `({}).${key}`).toBeUndefined();
    expect(([] as unknown as Record<string, unknown>)[key], `[].${key}`).toBeUndefined();
  }
  for (const [name, proto] of PROTOTYPES) {
    expect(Reflect.ownKeys(proto).map(String).sort().join(","), `${name} own keys`).toBe(pristine.get(name));
  }
}

// ---------------------------------------------------------------------------------------------
// Value generators

const PROTO_KEYS = [
  "__proto__",
  "constructor",
  "prototype",
  "__proto__[x]",
  "__proto__[polluted]",
  "__proto__.polluted",
  "constructor[prototype][polluted]",
  "constructor.prototype.polluted",
  "hasOwnProperty",
  "toString",
  "valueOf",
];
const CREDENTIAL_KEYS = ["api_key", "token", "key"];
const BUDGET_NAMES = ["account-monthly", "ec2-compute-monthly", "prod-quarterly", "ml-planned-monthly"];

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const unicode = (maxLength = 40) => fc.string({ unit: "binary", maxLength });
const huge = fc
  .tuple(fc.constantFrom("a", "é", "%", "😀", "%00", ",", "\\", "/", ":"), fc.integer({ min: 9_990, max: 10_010 }))
  .map(([c, n]) => c.repeat(Math.ceil(n / c.length)).slice(0, n));

const validDate = fc.date({ min: new Date("0000-01-01T00:00:00Z"), max: new Date("9999-12-31T00:00:00Z"), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const nearDate = fc.integer({ min: -450, max: 450 }).map((n) => addDays(TODAY, n));
const farDate = fc.constantFrom("9999-12-31", "3000-01-01", "2100-01-01", "2030-12-31", "1970-01-01", "0000-01-01", TODAY, addDays(TODAY, 1));
const invalidDate = fc.constantFrom(
  "2026-02-30",
  "2025-02-29",
  "2026-13-01",
  "2026-00-10",
  "2026-01-00",
  "2026-1-1",
  "26-01-01",
  "2026/01/01",
  "2026-01-01T00:00:00Z",
  "20260101",
  "+02026-01-01",
  "-001-01-01",
  " 2026-01-01",
  "2026-01-01 ",
  "9999-99-99",
  "２０２６-０１-０１",
  "today",
);
const dateValue = fc.oneof(
  { weight: 3, arbitrary: nearDate },
  { weight: 1, arbitrary: validDate },
  { weight: 2, arbitrary: farDate },
  { weight: 1, arbitrary: invalidDate },
);

const validRegion = fc.constantFrom(...AWS_REGIONS);
const region = fc.oneof(
  { weight: 3, arbitrary: validRegion },
  {
    weight: 1,
    arbitrary: fc.constantFrom("US-EAST-1", "us-east-1 ", " us-east-1", "us-east-9", "us_east_1", "xx-yy-1", "global", "us-east-1,eu-west-1", "aws-global", "cn-north-1", "us-gov-west-1", ""),
  },
);
const ec2Type = fc.stringMatching(/^[a-z][a-z0-9-]{0,6}\.[a-z0-9-]{1,10}$/);
const instanceType = fc.oneof(
  fc.constantFrom("m5.large", "c5.xlarge", "t3.micro", "m7g.medium", "ml.m5.xlarge", "ml.t3.medium", "M5.LARGE", "m5", "m5.", ".large", "..", "m5.large,c5.xlarge", " m5.large , ,c5.xlarge ", ","),
  ec2Type,
  fc.stringMatching(/^ml\.[a-z][a-z0-9-]{0,5}\.[a-z0-9-]{1,8}$/),
  fc.array(ec2Type, { minLength: 90, maxLength: 110 }).map((a) => a.join(",")),
);
const numberText = fc.oneof(
  fc.integer().map(String),
  fc.double().map(String),
  fc.constantFrom("0", "-1", "1e400", "NaN", "Infinity", "-0", "0x10", "51", "99", "50", "100", "1_000", " 80", "80.5", "1e1"),
);
const scalar = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
  { weight: 3, arbitrary: unicode() },
  { weight: 1, arbitrary: huge },
  { weight: 2, arbitrary: numberText },
  { weight: 2, arbitrary: dateValue },
  { weight: 2, arbitrary: region },
  { weight: 2, arbitrary: instanceType },
  { weight: 1, arbitrary: fc.constant("") },
);

/** Enum values and examples in a (parameter or property) schema, recursively. */
function knownValues(schema: Schema | undefined, out: unknown[] = []): unknown[] {
  if (!schema) return out;
  const s = resolve(schema);
  out.push(...(s.enum ?? []));
  if (s.example !== undefined) out.push(s.example);
  if (s.default !== undefined) out.push(s.default);
  for (const sub of [...(s.anyOf ?? []), ...(s.oneOf ?? []), ...(s.items ? [s.items] : [])]) knownValues(sub, out);
  return out;
}

/** Plausible values for a parameter: by its schema's enum and example, and by its name. */
function goodValue(name: string, schema: Schema | undefined): fc.Arbitrary<string> {
  const known = knownValues(schema)
    .flatMap((v) => (Array.isArray(v) ? v : [v]))
    .filter((v): v is string | number => typeof v === "string" || typeof v === "number")
    .map(String);
  const byName: Array<fc.Arbitrary<string>> = [];
  if (/region/i.test(name)) byName.push(validRegion);
  if (/start|end|date|from|to$/i.test(name)) byName.push(nearDate, dateValue);
  if (/instancetype/i.test(name)) byName.push(instanceType);
  if (/groupBy/i.test(name)) byName.push(fc.constantFrom("SERVICE", "REGION", "LINKED_ACCOUNT", "USAGE_TYPE", "TAG:Environment", "SERVICE,REGION", "SERVICE,REGION,USAGE_TYPE", "TAG:", "TAG:a:b/c"));
  if (/level|count|limit|size/i.test(name)) byName.push(numberText);
  const arbs = [...(known.length ? [fc.constantFrom(...known)] : []), ...byName];
  return arbs.length ? fc.oneof(...arbs) : scalar;
}

type QueryValue = string | string[];
type QueryEntry = [string, QueryValue];

const queryKey = (real: string[]) =>
  fc.oneof(
    { weight: 2, arbitrary: real.length ? fc.constantFrom(...real) : fc.constant("region") },
    { weight: 2, arbitrary: fc.constantFrom(...PROTO_KEYS) },
    { weight: 1, arbitrary: fc.constantFrom(...CREDENTIAL_KEYS) },
    { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
    { weight: 1, arbitrary: unicode(12) },
    { weight: 1, arbitrary: fc.constantFrom("region[]", "region[0]", "Region", "REGION", "instanceType[]", "a[b][c]", "") },
  );

const valueOrRepeated = (one: fc.Arbitrary<string>): fc.Arbitrary<QueryValue> =>
  fc.oneof({ weight: 4, arbitrary: one }, { weight: 1, arbitrary: fc.array(one, { minLength: 2, maxLength: 4 }) });

/** Query entries for a route: its real parameters (mostly plausible, sometimes anything) and random extras. */
function queryEntries(params: Parameter[]): fc.Arbitrary<QueryEntry[]> {
  const real = params.map((p) =>
    fc.option(
      valueOrRepeated(fc.oneof({ weight: 3, arbitrary: goodValue(p.name, p.schema) }, { weight: 1, arbitrary: scalar })).map((v): QueryEntry => [p.name, v]),
      { nil: undefined, freq: 4 },
    ),
  );
  const extras = fc.array(fc.tuple(queryKey(params.map((p) => p.name)), valueOrRepeated(scalar)), { maxLength: 3 });
  const noExtras = fc.constant<QueryEntry[]>([]);
  return fc
    .tuple(fc.tuple(...real), fc.oneof({ weight: 2, arbitrary: noExtras }, { weight: 1, arbitrary: extras }))
    .map(([r, e]) => [...r.filter((x): x is QueryEntry => x !== undefined), ...e]);
}

type Encoding = "component" | "plus" | "raw";
const encoding = fc.constantFrom<Encoding>("component", "component", "plus", "raw");

function encode(s: string, how: Encoding, isKey: boolean): string {
  switch (how) {
    case "component":
      return encodeURIComponent(s.toWellFormed());
    case "plus":
      return encodeURIComponent(s.toWellFormed()).replace(/%20/g, "+");
    case "raw":
      // As a careless client sends it: '%' and '+' untouched (malformed escapes included).
      return s.replace(isKey ? /[#&=]/g : /[#&]/g, (c) => encodeURIComponent(c));
  }
}

function queryString(entries: QueryEntry[], how: Encoding, bareEmpty: boolean): string {
  const parts: string[] = [];
  for (const [key, value] of entries) {
    for (const v of Array.isArray(value) ? value : [value]) {
      parts.push(v === "" && bareEmpty ? encode(key, how, true) : `${encode(key, how, true)}=${encode(v, how, false)}`);
    }
  }
  return parts.length ? `?${parts.join("&")}` : "";
}

const pathValue = fc.oneof(
  { weight: 2, arbitrary: fc.constantFrom(...BUDGET_NAMES) },
  { weight: 2, arbitrary: unicode(110) },
  { weight: 2, arbitrary: fc.string({ minLength: 95, maxLength: 105 }) },
  {
    weight: 2,
    arbitrary: fc.constantFrom("/", "..", ".", "%2F", "%2f", "a/b", "../..", "..%2F..", "%2e%2e", "%zz", "%", "%00", "?", "#", "a?b=c", "\\", " ", "account-monthly/", "account-monthly%2Fhistory", "ACCOUNT-MONTHLY"),
  },
  { weight: 1, arbitrary: huge },
);

function fillPath(path: string, values: Record<string, string>, how: Encoding): string {
  return path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const v = values[name] ?? "x";
    return how === "raw" ? v : encodeURIComponent(v.toWellFormed());
  });
}

/** Header values a client can send (the Fetch API refuses others before the app sees them). */
const headerValue = fc.oneof(
  fc.string({ unit: fc.constantFrom(...[..."abcXYZ019-_.:~!@ \t\"'{}é\u00ff"]), maxLength: 300 }),
  fc.stringMatching(/^[\x21-\x7e]{1,260}$/),
  fc.constantFrom("", " ", "a".repeat(255), "a".repeat(256)),
);

// ---------------------------------------------------------------------------------------------
// Body generators

/** A value of the schema's shape, at its boundaries: the generic well-formed body for any route. */
function fromSchema(schemaIn: Schema, depth = 0): fc.Arbitrary<unknown> {
  const schema = resolve(schemaIn);
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  if (schema.anyOf?.length || schema.oneOf?.length) return fc.oneof(...[...(schema.anyOf ?? []), ...(schema.oneOf ?? [])].map((s) => fromSchema(s, depth + 1)));
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== "null") : schema.type;
  if (depth > 6) return fc.constant(schema.example ?? null);
  switch (type) {
    case "string": {
      if (schema.format === "email") return fc.oneof(fc.emailAddress(), fc.constantFrom("a@b", "@x.io", "x@y.z", `${"a".repeat(45)}@x.io`));
      if (schema.pattern) return fc.stringMatching(new RegExp(schema.pattern, "u"), { maxLength: (schema.maxLength ?? 64) + 2 }).filter((s) => s.length > 0);
      const min = schema.minLength ?? 0;
      const max = schema.maxLength ?? 40;
      return fc.oneof(
        fc.string({ minLength: min, maxLength: Math.min(max, 40) }),
        fc.constantFrom(...new Set([Math.max(0, min - 1), min, Math.min(max, 1000), Math.min(max + 1, 1001)])).map((n) => "n".repeat(n)),
      );
    }
    case "integer":
    case "number": {
      const lo = schema.minimum ?? (typeof schema.exclusiveMinimum === "number" ? schema.exclusiveMinimum : -1e6);
      const hi = schema.maximum ?? 1e9;
      return fc.oneof(fc.constantFrom(lo, hi, lo - 1, hi + 1, 0, -1, 0.5), type === "integer" ? fc.integer({ min: Math.ceil(lo), max: Math.floor(hi) }) : fc.double({ min: lo, max: hi, noNaN: true }));
    }
    case "boolean":
      return fc.boolean();
    case "array": {
      const item = schema.items ? fromSchema(schema.items, depth + 1) : fc.jsonValue({ maxDepth: 2 });
      const max = Math.min(schema.maxItems ?? 6, 6);
      return fc.array(item, { minLength: Math.min(schema.minItems ?? 0, max), maxLength: max });
    }
    case "object": {
      const props = Object.entries(schema.properties ?? {});
      if (props.length === 0) {
        if (schema.example !== undefined) return fc.constant(schema.example);
        const values = isObject(schema.additionalProperties) ? fromSchema(schema.additionalProperties, depth + 1) : fc.jsonValue({ maxDepth: 2 });
        return fc.dictionary(fc.string({ maxLength: 12 }), values, { maxKeys: 3 });
      }
      const required = new Set(schema.required ?? []);
      return fc.record(
        Object.fromEntries(props.map(([k, s]) => [k, fromSchema(s, depth + 1)])),
        { requiredKeys: props.map(([k]) => k).filter((k) => required.has(k)) },
      );
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** A well-formed body (the schema's example, or one derived from it) with one field of the wrong type. */
function wrongField(schemaIn: Schema): fc.Arbitrary<unknown> {
  const schema = resolve(schemaIn);
  const props = Object.keys(schema.properties ?? {});
  const base = schema.example !== undefined ? fc.constant(schema.example) : fromSchema(schema);
  if (props.length === 0) return base;
  const wrong = fc.oneof(fc.anything({ maxDepth: 2 }), fc.constantFrom(null, 0, -1, true, "", [], {}, "1e5", [{}], { length: 1 }));
  return fc.tuple(base, fc.constantFrom(...props), wrong).map(([b, key, value]) => (isObject(b) ? { ...b, [key]: value } : b));
}

/** JSON text with prototype-pollution keys spliced into every object (JSON.stringify drops `__proto__` set as a prototype). */
const POLLUTERS = [
  `"__proto__":{"polluted":"yes","isAdmin":true}`,
  `"constructor":{"prototype":{"polluted":"yes"}}`,
  `"prototype":{"polluted":"yes"}`,
  `"__proto__":[1,2]`,
  `"__proto__":null`,
];
function withPolluters(value: unknown, polluter: string): string {
  const text = JSON.stringify(value) ?? "{}";
  return text.replace(/\{(?=")/g, `{${polluter},`).replace(/\{\}/g, `{${polluter}}`);
}

function nested(depth: number, kind: "array" | "object"): string {
  return kind === "array" ? `${"[".repeat(depth)}${"]".repeat(depth)}` : `${'{"a":'.repeat(depth)}1${"}".repeat(depth)}`;
}

const SERVICES = ["ec2", "eks", "lambda", "sagemaker", "EC2", "s3", "", "__proto__", "constructor", "toString"];
const batchQuery = fc.oneof(
  { weight: 6, arbitrary: fc.record({ service: fc.constantFrom(...SERVICES), region, instanceType: fc.oneof(instanceType, fc.array(instanceType, { maxLength: 3 })) }, { requiredKeys: ["service", "region"] }) },
  { weight: 2, arbitrary: fc.record({ service: fc.constant("sagemaker"), region, component: fc.constantFrom("training", "hosting", "notebook", "serverless-inference", "x"), instanceType }, { requiredKeys: ["service", "region"] }) },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
);
const batchBody = fc.oneof(
  fc.record({ queries: fc.array(batchQuery, { minLength: 0, maxLength: 12 }) }),
  fc.integer({ min: 0, max: 600 }).chain((n) => fc.record({ queries: fc.array(batchQuery, { minLength: n, maxLength: n }) })),
  fc.constantFrom(499, 500, 501, 600).chain((n) => batchQuery.map((q) => ({ queries: Array.from({ length: n }, () => q) }))),
);

const budgetName = fc.oneof(
  fc.string({ unit: "binary", minLength: 1, maxLength: 40 }),
  fc.integer({ min: 95, max: 105 }).chain((n) => fc.string({ unit: fc.constantFrom("a", "é", "😀", ":", "\\", "/", " ", "-"), minLength: n, maxLength: n })),
  fc.constantFrom("team:platform", "team\\platform", "x/action/y", "/action/", "", " ", "..", "a/b", "%2F", ...BUDGET_NAMES),
  fc.stringMatching(/^[a-z][a-z0-9-]{0,30}$/),
);
const amount = fc.oneof(
  fc.constantFrom("0", "-1", "1e5", "  5", "5 ", "0.0", "00", "01", "1.", ".5", "100", "250.50", "1,000", "NaN", "Infinity", "9".repeat(30), "9".repeat(31), "0.0000000001", ""),
  fc.integer({ min: 1, max: 1e9 }).map(String),
  fc.anything({ maxDepth: 1 }),
);
const unit = fc.constantFrom("USD", "PERCENTAGE", "GB", "usd", "", "X".repeat(33));
const spendArb = fc.record({ amount, unit }, { requiredKeys: [] });
const subscriberArb = fc.oneof(
  fc.record({ type: fc.constant("EMAIL"), address: fc.oneof(fc.emailAddress(), fc.constantFrom("not-an-email", `${"a".repeat(48)}@x.io`)) }),
  fc.record({ type: fc.constant("SNS"), address: fc.constantFrom("arn:aws:sns:us-east-1:123456789012:alerts", "arn:aws:sns:us-east-1:1234:alerts", "x") }),
  fc.anything({ maxDepth: 1 }),
);
const notificationArb = fc.record(
  {
    type: fc.constantFrom("ACTUAL", "FORECASTED", "BOTH"),
    comparison: fc.constantFrom("GREATER_THAN", "LESS_THAN", "EQUAL_TO", "gt"),
    threshold: fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(0, 1, 80, 100, 1e9, 1e9 + 1, -1, "80")),
    thresholdType: fc.constantFrom("PERCENTAGE", "ABSOLUTE_VALUE", "x"),
    subscribers: fc.array(subscriberArb, { minLength: 0, maxLength: 12 }),
  },
  { requiredKeys: ["type", "threshold", "subscribers"] },
);
const budgetBody = fc.record(
  {
    name: budgetName,
    type: fc.constantFrom("COST", "USAGE", "RI_UTILIZATION", "RI_COVERAGE", "SAVINGS_PLANS_UTILIZATION", "SAVINGS_PLANS_COVERAGE", "cost", "OTHER"),
    timeUnit: fc.constantFrom("DAILY", "MONTHLY", "QUARTERLY", "ANNUALLY", "WEEKLY", "monthly", ""),
    limit: spendArb,
    plannedLimits: fc.dictionary(fc.oneof(nearDate, dateValue), spendArb, { maxKeys: 4 }),
    timePeriod: fc.record({ start: dateValue, end: dateValue }, { requiredKeys: [] }),
    filters: fc.record(
      {
        services: fc.array(fc.oneof(fc.string({ maxLength: 20 }), huge), { maxLength: 3 }),
        regions: fc.array(region, { maxLength: 3 }),
        tags: fc.dictionary(fc.string({ maxLength: 10 }), fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }), { maxKeys: 2 }),
      },
      { requiredKeys: [] },
    ),
    notifications: fc.array(notificationArb, { maxLength: 6 }),
  },
  { requiredKeys: ["name"] },
);
/** Bodies the schema should accept (or reject only for AWS rules): COST budgets in USD with one limit. */
const validBudgetBody = fc.record(
  {
    name: budgetName.filter((n) => n.isWellFormed() && n.length > 0 && [...n].length <= 100 && !/[:\\]/.test(n) && !n.includes("/action/")),
    type: fc.constant("COST"),
    timeUnit: fc.constantFrom("DAILY", "MONTHLY", "QUARTERLY", "ANNUALLY"),
    limit: fc.record({ amount: fc.oneof(fc.integer({ min: 1, max: 1e9 }).map(String), fc.constantFrom("0.01", "250.50", "9".repeat(30))), unit: fc.constant("USD") }),
    timePeriod: fc.record({ start: fc.oneof(nearDate, farDate), end: fc.oneof(nearDate, farDate) }, { requiredKeys: [] }),
  },
  { requiredKeys: ["name", "limit"] },
);

const numberish = fc.oneof(
  fc.integer({ min: -10, max: 2_000_000 }),
  fc.constantFrom(0, 0.5, 1e12, 1e21, -1, Number.MAX_SAFE_INTEGER, 128, 10_240, 900_000, 744, 745),
  fc.double(),
  fc.constantFrom("10", "", null, true, [], {}),
);
const estimateLine = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record(
      { id: fc.string({ maxLength: 70 }), cloud: fc.constantFrom("aws", "azure", "gcp", "AWS", "x"), service: fc.constantFrom("lambda", "eks", "ec2", "sagemaker", "s3", "__proto__"), region, requestsPerMonth: numberish, avgDurationMs: numberish, memoryMB: numberish, architecture: fc.constantFrom("x86_64", "arm64", "arm") },
      { requiredKeys: ["cloud", "service", "region"] },
    ),
  },
  {
    weight: 3,
    arbitrary: fc.record(
      { cloud: fc.constant("aws"), service: fc.constantFrom("ec2", "eks"), region, type: instanceType, count: numberish, hoursPerMonth: numberish, clusters: numberish, supportTier: fc.constantFrom("standard", "extended", "x"), nodes: fc.array(fc.record({ instanceType, count: numberish }, { requiredKeys: [] }), { maxLength: 3 }), fargate: fc.record({ vcpu: numberish, memoryGiB: numberish }, { requiredKeys: [] }) },
      { requiredKeys: ["cloud", "service", "region"] },
    ),
  },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
);
const estimateBody = fc.record({ lines: fc.array(estimateLine, { minLength: 0, maxLength: 120 }), freeTier: fc.oneof(fc.boolean(), fc.constant("yes")) }, { requiredKeys: ["lines"] });

const ROUTE_BODIES: Record<string, fc.Arbitrary<unknown>> = {
  "POST /v1/prices/batch": batchBody,
  "POST /v1/estimates": estimateBody,
  "POST /v1/budgets/aws": fc.oneof(budgetBody, validBudgetBody),
};

const CONTENT_TYPES = [
  "application/json",
  "application/json",
  "application/json",
  "application/json; charset=utf-8",
  "APPLICATION/JSON",
  "text/plain",
  "application/x-www-form-urlencoded",
  "application/json-patch+json",
  "multipart/form-data; boundary=x",
  "application/jsonx",
  "",
  undefined,
];

const INVALID_JSON = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom("", "{", "}", "[", "{\"queries\":", "{'a':1}", "{\"a\":1,}", "NaN", "undefined", "\u0000", "\uFEFF{}", "{\"a\":\"\\u12\"}", "01", "{\"name\":\"x\"} trailing"),
  fc.json().map((j) => j.slice(0, Math.max(0, j.length - 1))),
);

/** Body text for a POST route: generic garbage, JSON, pollution, nesting, and schema-derived bodies. */
function bodyText(route: Route): fc.Arbitrary<string | undefined> {
  const schema = route.op.requestBody?.content?.["application/json"]?.schema;
  const specific = ROUTE_BODIES[`${route.method} ${route.path}`];
  const shaped: Array<fc.Arbitrary<unknown>> = [
    ...(schema ? [fromSchema(schema), wrongField(schema)] : []),
    ...(specific ? [specific, specific] : []),
  ];
  const wellFormed = shaped.length ? fc.oneof(...shaped) : fc.jsonValue();
  return fc.oneof(
    { weight: 6, arbitrary: wellFormed.map((v) => JSON.stringify(v)) },
    { weight: 2, arbitrary: fc.tuple(wellFormed, fc.constantFrom(...POLLUTERS)).map(([v, p]) => withPolluters(v, p)) },
    { weight: 1, arbitrary: fc.anything().map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.json() },
    { weight: 1, arbitrary: fc.object({ key: fc.oneof(fc.string(), fc.constantFrom(...PROTO_KEYS)) }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.array(wellFormed, { maxLength: 3 }).map((v) => JSON.stringify(v)) },
    { weight: 1, arbitrary: fc.tuple(fc.integer({ min: 1, max: 5_000 }), fc.constantFrom<"array" | "object">("array", "object")).map(([d, k]) => nested(d, k)) },
    { weight: 1, arbitrary: huge.map((s) => JSON.stringify({ name: s, queries: [s] })) },
    { weight: 1, arbitrary: INVALID_JSON },
    { weight: 1, arbitrary: fc.constant(undefined) },
  );
}

function headerParams(route: Route): fc.Arbitrary<Record<string, string>> {
  const params = (route.op.parameters ?? []).filter((p) => p.in === "header");
  return fc
    .tuple(...params.map((p) => fc.option(headerValue.map((v) => [p.name, v] as const), { nil: undefined })))
    .map((pairs) => Object.fromEntries(pairs.filter((p) => p !== undefined)));
}

// ---------------------------------------------------------------------------------------------
// The properties

const queryParams = (route: Route) => (route.op.parameters ?? []).filter((p) => p.in === "query");
const pathParams = (route: Route) => (route.op.parameters ?? []).filter((p) => p.in === "path");

function pathArb(route: Route): fc.Arbitrary<string> {
  const names = pathParams(route).map((p) => p.name);
  if (names.length === 0) return fc.constant(route.path);
  return fc
    .tuple(fc.tuple(...names.map(() => fc.oneof({ weight: 3, arbitrary: fc.constantFrom(...BUDGET_NAMES) }, { weight: 1, arbitrary: pathValue }))), encoding)
    .map(([values, how]) => fillPath(route.path, Object.fromEntries(names.map((n, i) => [n, values[i] as string])), how));
}

afterAll(() => {
  if (undeclared.size > 0) {
    console.log(`[fuzz] statuses the spec does not declare for their route (not failures):\n${[...undeclared].map(([k, v]) => `  ${k}   e.g. ${v}`).join("\n")}`);
  }
});

describe.each(VARIANTS)("fuzz: $name", (variant) => {
  it("lists every route of the spec", () => {
    expect(GET_ROUTES.length).toBeGreaterThan(0);
    expect(POST_ROUTES.length).toBeGreaterThan(0);
  });

  describe.each(GET_ROUTES)("GET $path", (route) => {
    it(
      "random query strings (and path parameters): 2xx matching the spec, or a problem 4xx; never 5xx, never slow",
      async () => {
        const app = appFor(variant);
        await fc.assert(
          fc.asyncProperty(pathArb(route), queryEntries(queryParams(route)), encoding, fc.boolean(), async (path, entries, how, bare) => {
            const sent: Sent = { method: "GET", url: `${path}${queryString(entries, how, bare)}`, headers: { ...variant.headers } };
            check(route, sent, await send(app, sent));
          }),
          assertOptions(),
        );
        assertNotPolluted();
      },
      TEST_TIMEOUT_MS,
    );
  });

  describe.each(PATH_PARAM_ROUTES)("$method $path", (route) => {
    it(
      "random path parameters (unicode, '/', '..', '%2F', huge): 2xx matching the spec, or a problem 4xx",
      async () => {
        const app = appFor(variant);
        const names = pathParams(route).map((p) => p.name);
        await fc.assert(
          fc.asyncProperty(fc.tuple(...names.map(() => pathValue)), encoding, async (values, how) => {
            const url = fillPath(route.path, Object.fromEntries(names.map((n, i) => [n, values[i] as string])), how);
            const sent: Sent = { method: route.method, url, headers: { ...variant.headers } };
            // A raw '/', '..' or '?' may land on another route (or none): the general invariants still hold.
            const exact = how !== "raw";
            check(exact ? route : undefined, sent, await send(app, sent));
          }),
          assertOptions(),
        );
        assertNotPolluted();
      },
      TEST_TIMEOUT_MS,
    );
  });

  describe.each(POST_ROUTES)("POST $path", (route) => {
    it(
      "random bodies, content types and query/header parameters: 2xx matching the spec, or a problem 4xx; no pollution",
      async () => {
        const app = appFor(variant);
        await fc.assert(
          fc.asyncProperty(
            bodyText(route),
            fc.constantFrom(...CONTENT_TYPES),
            queryEntries(queryParams(route)),
            headerParams(route),
            async (body, contentType, entries, extraHeaders) => {
              const headers: Record<string, string> = { ...extraHeaders, ...variant.headers };
              if (contentType !== undefined) headers["content-type"] = contentType;
              const sent: Sent = { method: "POST", url: `${route.path}${queryString(entries, "component", false)}`, headers, ...(body === undefined ? {} : { body }) };
              check(route, sent, await send(app, sent));
              assertNotPolluted();
            },
          ),
          { ...assertOptions(), numRuns: RUNS * 2 },
        );
        assertNotPolluted();
      },
      TEST_TIMEOUT_MS,
    );
  });

  it(
    "a budget created with a random well-formed body reads back by its name, with history and projection",
    async () => {
      const create = ROUTES.find((r) => r.method === "POST" && r.path === "/v1/budgets/aws");
      const reads = ROUTES.filter((r) => r.method === "GET" && r.path.startsWith("/v1/budgets/aws/{name}"));
      const remove = ROUTES.find((r) => r.method === "DELETE" && r.path === "/v1/budgets/aws/{name}");
      if (!create || reads.length === 0) return;
      const app = appFor(variant);
      await fc.assert(
        fc.asyncProperty(validBudgetBody, async (input) => {
          const created: Sent = { method: "POST", url: create.path, headers: { "content-type": "application/json", ...variant.headers }, body: JSON.stringify(input) };
          const answer = await send(app, created);
          const budget = check(create, created, answer);
          if (answer.status !== 201 && answer.status !== 200) return;
          const name = isObject(budget) ? budget.name : undefined;
          if (name !== input.name) throw new InvariantError(`created "${input.name}" but the answer names ${JSON.stringify(name)}\n${describeExchange(created, answer)}`);
          for (const read of reads) {
            const sent: Sent = { method: "GET", url: fillPath(read.path, { name }, "component"), headers: { ...variant.headers } };
            const got = await send(app, sent);
            check(read, sent, got);
            if (got.status !== 200) throw new InvariantError(`a budget just created does not read back\n${describeExchange(created, answer)}\n${describeExchange(sent, got)}`);
          }
          if (remove) {
            const sent: Sent = { method: "DELETE", url: fillPath(remove.path, { name }, "component"), headers: { ...variant.headers } };
            const got = await send(app, sent);
            check(remove, sent, got);
            if (got.status !== 204) throw new InvariantError(`a budget just created does not delete\n${describeExchange(sent, got)}`);
          }
        }),
        { ...assertOptions(), numRuns: Math.min(RUNS, 100) },
      );
      assertNotPolluted();
    },
    TEST_TIMEOUT_MS,
  );
});
