import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { Scope } from "../http/auth.ts";

/**
 * The UI's pages: server-rendered shells (Hono's `html` tagged template, which escapes every value;
 * not JSX, because `node src/main.ts` strips types but does not transform JSX) whose panels are
 * filled by a small module script per page calling the public API. The page itself is public HTML;
 * every number on it comes from a scoped /v1 call, listed here and in the page's footer.
 */

/** One API call a page makes, with the scope the operation declares (checked against the OpenAPI document in a test). */
export interface PageCall {
  method: "GET" | "POST" | "DELETE";
  /** The documented path template, as in /openapi.json. */
  path: string;
  scope: Scope;
}

export interface UiPage {
  /** Under /ui/. */
  slug: string;
  title: string;
  /** The page's own HTML needs no key; its data does (`calls`). */
  access: "public";
  /** Whether the page draws time series with uPlot (the others draw their bars as SVG). */
  uplot: boolean;
  /** Module files under /ui/assets/ the page's script imports besides common.js (preloaded with it). */
  modules: readonly string[];
  calls: readonly PageCall[];
  body: () => HtmlEscapedString | Promise<HtmlEscapedString>;
}

/** A panel: heading, a live status line for loading/empty/error, and the content the script fills. */
function panel(id: string, title: string, inner: HtmlEscapedString | Promise<HtmlEscapedString> | string = "") {
  return html`<section class="panel" id="${id}" aria-labelledby="${id}-h">
  <h2 id="${id}-h">${title}</h2>
  <div class="state" role="status" aria-live="polite"><p class="loading">Loading…</p></div>
  ${inner}
  <div class="content"></div>
</section>`;
}

const COSTS_BODY = () => html`<h1>Costs</h1>
<p class="lede">Month to date against last month and the forecast; daily cost with the forecast band; where the money goes.</p>
<form id="cost-controls" class="controls" aria-label="Cost range and grouping">
  <label>From <input type="date" name="start" id="c-start" required></label>
  <label>To (exclusive) <input type="date" name="end" id="c-end" required></label>
  <label>Granularity
    <select name="granularity" id="c-granularity"><option value="DAILY">Daily</option><option value="MONTHLY">Monthly</option></select></label>
  <label>Group by
    <select name="groupBy" id="c-groupby">
      <option value="SERVICE">Service</option><option value="REGION">Region</option>
      <option value="TAG:Environment">Tag: Environment</option><option value="TAG:Team">Tag: Team</option>
      <option value="LINKED_ACCOUNT">Linked account</option><option value="USAGE_TYPE">Usage type</option>
      <option value="">None (the total only)</option>
    </select></label>
  <button type="submit">Show</button>
</form>
${panel("figures", "This month")}
${panel("trend", "Cost over time, and the forecast")}
${panel("groups", "Top groups in the range")}`;

const BUDGETS_BODY = () => html`<h1>Budgets</h1>
<p class="lede">Each budget's limit, actual and forecast spend, projected share of the limit and breach date, with its history.</p>
${panel("budget-list", "Budgets")}
${panel("budget-history", "History: budgeted against actual per period")}
<section class="panel" id="budget-create" aria-labelledby="budget-create-h">
  <h2 id="budget-create-h">Create a budget</h2>
  <p>The form first asks the API for a <strong>dry run</strong> (<code>POST /v1/budgets/aws?dryRun=true</code>: validated, nothing created) and shows what would be created; only then can it be created, with an <code>Idempotency-Key</code> so that a retry never creates it twice.</p>
  <form id="create-form" class="stack" novalidate>
    <label>Name <input name="name" id="b-name" required maxlength="100" pattern="[^:\\\\]+" autocomplete="off"></label>
    <label>Period
      <select name="timeUnit" id="b-timeunit"><option value="MONTHLY">Monthly</option><option value="QUARTERLY">Quarterly</option><option value="ANNUALLY">Annually</option><option value="DAILY">Daily</option></select></label>
    <fieldset id="b-limit-kind"><legend>Limit</legend>
      <label><input type="radio" name="limitKind" value="fixed" checked> The same every period</label>
      <label><input type="radio" name="limitKind" value="planned"> Planned per period (monthly or quarterly)</label>
    </fieldset>
    <label id="b-amount-label">Limit (USD) <input name="amount" id="b-amount" required inputmode="decimal" pattern="[0-9]+(\\.[0-9]+)?"></label>
    <fieldset id="b-planned" class="planned" hidden><legend>Planned limits (USD), from the current period</legend>
      <div id="b-planned-periods" class="planned-periods"></div>
      <button type="button" id="b-planned-fill" class="secondary">Copy the first amount to every period</button>
    </fieldset>
    <label>Only this service (optional) <input name="service" id="b-service" list="b-services" autocomplete="off"></label>
    <datalist id="b-services"></datalist>
    <label>Only this tag (optional, Key=value) <input name="tag" id="b-tag" placeholder="Environment=prod" autocomplete="off"></label>
    <label>Email an alert at this % of the limit, forecast (optional) <input name="threshold" id="b-threshold" inputmode="numeric" placeholder="100"></label>
    <label>Alert email <input name="email" id="b-email" type="email" autocomplete="off"></label>
    <div class="buttons"><button type="submit" id="b-dryrun">Check (dry run)</button>
      <button type="button" id="b-create" disabled>Create budget</button></div>
  </form>
  <div class="state" role="status" aria-live="polite"></div>
  <div class="content"></div>
</section>
<dialog id="confirm-delete" aria-labelledby="confirm-delete-h">
  <form method="dialog">
    <h2 id="confirm-delete-h">Delete budget?</h2>
    <p>Delete the budget <strong id="confirm-delete-name"></strong>? This cannot be undone.</p>
    <div class="buttons"><button value="cancel" id="confirm-cancel" autofocus>Cancel</button> <button value="delete" id="confirm-ok" class="danger">Delete</button></div>
  </form>
</dialog>`;

const PRICES_BODY = () => html`<h1>Prices</h1>
<p class="lede">List prices from the catalogue: every number with its source and as-of date.</p>
<form id="price-controls" class="controls" aria-label="What to price">
  <label>Cloud <select id="p-cloud" name="cloud"></select></label>
  <label>Service <select id="p-service" name="service"></select></label>
  <label>Region <select id="p-region" name="region"></select></label>
  <label>Purchase option
    <select id="p-option" name="purchaseOption"><option value="on-demand">On demand</option><option value="reserved">Reserved</option><option value="savings-plan">Savings plan</option><option value="spot">Spot</option></select></label>
  <label class="term">Term <select id="p-term" name="term"><option value="1yr">1 year</option><option value="3yr">3 years</option></select></label>
  <fieldset id="p-specs"><legend>Instance filters</legend>
    <label>vCPU from <input id="p-minvcpu" name="minVcpu" type="number" min="0" step="1"></label>
    <label>to <input id="p-maxvcpu" name="maxVcpu" type="number" min="0" step="1"></label>
    <label>Memory GiB from <input id="p-minmem" name="minMemoryGiB" type="number" min="0" step="any"></label>
    <label>to <input id="p-maxmem" name="maxMemoryGiB" type="number" min="0" step="any"></label>
    <label>Architecture <select id="p-arch" name="architecture"><option value="">Any</option><option value="x86_64">x86_64</option><option value="arm64">arm64</option></select></label>
    <label>GPU <select id="p-gpu" name="gpu"><option value="">Any</option><option value="true">With GPU</option><option value="false">Without GPU</option></select></label>
  </fieldset>
  <button type="submit">Show prices</button>
</form>
${panel("catalog", "Catalogue")}
${panel("price-list", "Prices")}
${panel(
  "compare",
  "Compare a type across regions and clouds",
  html`<form id="compare-form" class="controls" aria-label="Instance shape to compare">
    <label>vCPU <input id="x-vcpu" name="vcpu" type="number" min="1" step="1" value="2" required></label>
    <label>Memory GiB <input id="x-mem" name="mem" type="number" min="0.5" step="any" value="8" required></label>
    <label>Architecture <select id="x-arch" name="architecture"><option value="x86_64">x86_64</option><option value="arm64">arm64</option><option value="">Any</option></select></label>
    <fieldset id="x-places"><legend>Where</legend></fieldset>
    <button type="submit">Compare</button>
  </form>`,
)}`;

const RESOURCES_BODY = () => html`<h1>Running resources (AWS)</h1>
<p class="lede">EKS clusters and SageMaker resources in a region, with their support status and run-rate.</p>
<form id="resource-controls" class="controls" aria-label="Region">
  <label>Region <select id="r-region" name="region"><option value="us-east-1">us-east-1</option></select></label>
  <button type="submit">Show</button>
</form>
${panel("eks", "EKS clusters")}
${panel("sagemaker", "SageMaker endpoints, notebooks and training jobs")}`;

export const UI_PAGES: readonly UiPage[] = [
  {
    slug: "costs",
    title: "Costs",
    access: "public",
    uplot: true,
    modules: ["costs-chart.js"],
    calls: [
      { method: "GET", path: "/v1/costs/aws/summary", scope: "costs:read" },
      { method: "GET", path: "/v1/costs/aws", scope: "costs:read" },
      { method: "GET", path: "/v1/costs/aws/forecast", scope: "costs:read" },
    ],
    body: COSTS_BODY,
  },
  {
    slug: "budgets",
    title: "Budgets",
    access: "public",
    uplot: true,
    modules: [],
    calls: [
      { method: "GET", path: "/v1/budgets/aws", scope: "budgets:read" },
      { method: "GET", path: "/v1/budgets/aws/{name}/projection", scope: "budgets:read" },
      { method: "GET", path: "/v1/budgets/aws/{name}/history", scope: "budgets:read" },
      { method: "GET", path: "/v1/costs/aws/dimensions/{dimension}", scope: "costs:read" },
      { method: "POST", path: "/v1/budgets/aws", scope: "budgets:write" },
      { method: "DELETE", path: "/v1/budgets/aws/{name}", scope: "budgets:write" },
    ],
    body: BUDGETS_BODY,
  },
  {
    slug: "prices",
    title: "Prices",
    access: "public",
    uplot: false,
    modules: [],
    calls: [
      { method: "GET", path: "/v1/catalog", scope: "prices:read" },
      { method: "GET", path: "/v1/prices/{cloud}/{service}", scope: "prices:read" },
      { method: "GET", path: "/v1/instances", scope: "prices:read" },
    ],
    body: PRICES_BODY,
  },
  {
    slug: "resources",
    title: "Running resources",
    access: "public",
    uplot: false,
    modules: [],
    calls: [
      { method: "GET", path: "/v1/catalog", scope: "prices:read" },
      { method: "GET", path: "/v1/aws/eks/clusters", scope: "costs:read" },
      { method: "GET", path: "/v1/aws/sagemaker/resources", scope: "costs:read" },
    ],
    body: RESOURCES_BODY,
  },
];

/** The shell every page shares: navigation, the API-key prompt (hidden until a 401/403), the page, its calls. */
export async function renderPage(page: UiPage): Promise<string> {
  const nav = UI_PAGES.map(
    (p) => html`<a href="/ui/${p.slug}"${p.slug === page.slug ? raw(' aria-current="page"') : ""}>${p.title}</a>`,
  );
  const calls = page.calls.map((c) => html`<li><code>${c.method} ${c.path}</code> (${c.scope})</li>`);
  const doc = html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${page.title} · Pricebook</title>
<link rel="icon" href="/ui/assets/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/ui/assets/ui.css">
${page.uplot ? html`<link rel="stylesheet" href="/ui/assets/uplot.css">` : ""}
${["common.js", ...page.modules].map((m) => html`<link rel="modulepreload" href="/ui/assets/${m}">
`)}
</head>
<body data-page="${page.slug}">
<a class="skip" href="#main">Skip to content</a>
<header>
  <nav aria-label="Pages"><a href="/" class="brand">Pricebook</a> ${nav} <a href="/docs">API docs</a></nav>
</header>
<section id="auth" class="auth" aria-labelledby="auth-h" hidden>
  <h2 id="auth-h">API key</h2>
  <p id="auth-message" role="alert"></p>
  <form id="auth-form">
    <label for="auth-key">API key (kept in this tab's session storage only, sent as a Bearer header)</label>
    <input id="auth-key" name="key" type="password" autocomplete="off" spellcheck="false" required>
    <button type="submit">Use this key</button>
    <button type="button" id="auth-forget">Forget the key</button>
  </form>
</section>
<main id="main">
${page.body()}
</main>
<footer>
  <p>This page is public HTML; its data comes from these API calls (scope in brackets):</p>
  <ul class="calls">${calls}</ul>
</footer>
${page.uplot ? html`<script src="/ui/assets/uplot.js" defer></script>` : ""}
<script type="module" src="/ui/assets/${page.slug}.js"></script>
</body>
</html>
`;
  return (await doc).toString();
}
