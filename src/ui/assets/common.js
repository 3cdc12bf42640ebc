// Shared by the Pricebook pages: API calls (with the tab's API key, if any), panel states, tables,
// CSV, ranked-bar SVG charts. No framework; no inline script or style (the CSP allows neither).

const KEY = "pricebook.apiKey";

/** A failed API call: what was asked, the status, the problem's title and detail, and Retry-After. */
export class ApiFailure extends Error {
  constructor(what, status, problem, retryAfter) {
    super(`${what}: ${status}`);
    this.what = what;
    this.status = status;
    this.problem = problem ?? {};
    this.retryAfter = retryAfter;
  }
}

/** Calls the public API; the key (if the tab has one) goes in the Authorization header, never in a URL. */
export async function api(path, { method = "GET", body, headers = {} } = {}) {
  const h = { accept: "application/json", ...headers };
  const key = sessionStorage.getItem(KEY);
  if (key) h.authorization = `Bearer ${key}`;
  if (body !== undefined) h["content-type"] = "application/json";
  const what = `${method} ${path.split("?")[0]}`;
  let res;
  try {
    res = await fetch(path, { method, headers: h, body: body === undefined ? undefined : JSON.stringify(body), credentials: "same-origin" });
  } catch (error) {
    throw new ApiFailure(what, 0, { title: "Network error", detail: String(error && error.message ? error.message : error) });
  }
  const text = res.status === 204 ? "" : await res.text();
  let data;
  try {
    data = text ? JSON.parse(text) : undefined;
  } catch {
    data = { detail: text.slice(0, 200) };
  }
  if (!res.ok) {
    const failure = new ApiFailure(what, res.status, data, res.headers.get("retry-after"));
    if (res.status === 401 || res.status === 403) askForKey(failure);
    throw failure;
  }
  return { status: res.status, body: data, headers: res.headers };
}

/** Builds an element: el("td", { class: "num" }, "12"). Children are text or nodes; never HTML. */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) if (child !== undefined && child !== null) node.append(child instanceof Node ? child : String(child));
  return node;
}

// ---- the API key prompt -------------------------------------------------------------------------

const keyListeners = [];
/** Runs `fn` after the person gives (or forgets) a key: pages reload their panels. */
export function onKeyChange(fn) {
  keyListeners.push(fn);
}

function askForKey(failure) {
  const box = document.getElementById("auth");
  const message = document.getElementById("auth-message");
  const said = failure.problem.detail ? failure.problem.detail.replace(/\.?$/, ".") : "";
  const detail = said ? ` ${said[0].toUpperCase()}${said.slice(1)}` : "";
  message.textContent =
    failure.status === 401
      ? `This server needs an API key (401 Unauthorized from ${failure.what}).${detail}`
      : `The API key lacks a scope this page needs (403 Forbidden from ${failure.what}).${detail} The scopes each call needs are listed at the foot of the page.`;
  box.hidden = false;
}

function wireKeyForm() {
  const form = document.getElementById("auth-form");
  if (!form) return;
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const input = document.getElementById("auth-key");
    const key = input.value.trim();
    input.value = "";
    if (!key) return;
    sessionStorage.setItem(KEY, key);
    document.getElementById("auth").hidden = true;
    for (const fn of keyListeners) fn();
  });
  document.getElementById("auth-forget").addEventListener("click", () => {
    sessionStorage.removeItem(KEY);
    document.getElementById("auth-message").textContent = "The key is forgotten.";
  });
}
wireKeyForm();

// ---- "data rendered" ----------------------------------------------------------------------------

/**
 * Marks the moment a page's first load has put every panel in its final state (data, empty or error):
 * a performance mark `data-rendered` (the render time the e2e test reports) and `data-rendered` on
 * <body> (what it waits for). Later reloads (a form, Retry) do not move it.
 */
export async function markRendered(firstLoad) {
  try {
    await firstLoad;
  } finally {
    if (!document.body.hasAttribute("data-rendered")) {
      performance.mark("data-rendered");
      document.body.setAttribute("data-rendered", "");
    }
  }
}

// ---- panels -------------------------------------------------------------------------------------

/** A panel's states: loading, empty, error (with Retry), or its content. */
export function panel(id) {
  const root = document.getElementById(id);
  const state = root.querySelector(".state");
  const content = root.querySelector(".content");
  const set = (...nodes) => state.replaceChildren(...nodes);
  return {
    root,
    content,
    loading(text = "Loading…") {
      root.setAttribute("aria-busy", "true");
      set(el("p", { class: "loading" }, text));
      content.replaceChildren();
    },
    empty(text) {
      root.removeAttribute("aria-busy");
      set(el("p", { class: "empty" }, text));
    },
    error(error, retry) {
      root.removeAttribute("aria-busy");
      content.replaceChildren();
      set(errorBox(error, retry));
    },
    show(...nodes) {
      root.removeAttribute("aria-busy");
      set();
      content.replaceChildren(...nodes.filter((n) => n !== null && n !== undefined));
    },
    note(text) {
      set(el("p", { class: "empty" }, text));
    },
    /** What the person must fix before anything is asked of the API. */
    invalid(text) {
      root.removeAttribute("aria-busy");
      content.replaceChildren();
      set(el("div", { class: "error", role: "alert" }, el("p", {}, text)));
    },
  };
}

/** What failed, its status and detail, when to retry, and a Retry button. */
export function errorBox(error, retry) {
  if (!(error instanceof ApiFailure)) {
    return el("div", { class: "error", role: "alert" }, el("p", {}, `Something went wrong in this page: ${error && error.message ? error.message : error}`));
  }
  const p = error.problem;
  const status = error.status === 0 ? "no answer" : `${error.status}${p.title ? ` ${p.title}` : ""}`;
  const lines = [el("p", {}, el("strong", {}, `Could not load: ${error.what} answered ${status}.`))];
  if (p.detail) lines.push(el("p", {}, p.detail));
  if (p.errors && p.errors.length) lines.push(el("ul", {}, p.errors.map((e) => el("li", {}, `${e.parameter}: ${e.message}`))));
  if (error.retryAfter) lines.push(el("p", {}, `Retry after ${error.retryAfter} seconds (Retry-After).`));
  if (error.status === 401 || error.status === 403) lines.push(el("p", {}, "Give an API key with the needed scope above, and the page reloads."));
  if (p.requestId) lines.push(el("p", { class: "prov" }, `Request id ${p.requestId}`));
  if (retry) lines.push(el("button", { type: "button", class: "secondary retry", onclick: retry }, "Retry"));
  return el("div", { class: "error", role: "alert" }, lines);
}

// ---- numbers ------------------------------------------------------------------------------------

/** A money value ({ amount, unit }) as text; the amount is the API's exact decimal, shown rounded. */
// One formatter per shape, made once: toLocaleString builds a new one on every call, which is most of
// the time a page with a few hundred figures spends formatting them.
const formats = new Map();
function format(n, min, max) {
  const key = `${min}:${max}`;
  if (!formats.has(key)) formats.set(key, new Intl.NumberFormat("en-US", { minimumFractionDigits: min, maximumFractionDigits: max }));
  return formats.get(key).format(n);
}

export function money(m, digits = 2) {
  if (!m) return "—";
  const text = format(Number(m.amount), digits, digits);
  return m.unit === "USD" ? `$${text}` : `${text} ${m.unit}`;
}

export function price(amount, digits = 4) {
  if (amount === null || amount === undefined) return "—";
  return `$${format(Number(amount), 2, digits)}`;
}

// The API's amounts are exact decimal strings (at most 10 places); sums that a table or CSV shows are
// kept exact with BigInt units of 1e-10, never with floats.
const PLACES = 10;
const SCALE = 10n ** BigInt(PLACES);
function units(amount) {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(String(amount));
  if (!m) throw new Error(`not a decimal amount: ${amount}`);
  const v = BigInt(m[2]) * SCALE + BigInt((m[3] ?? "").padEnd(PLACES, "0").slice(0, PLACES));
  return m[1] ? -v : v;
}

/** The exact sum of decimal strings, as a decimal string ("0" for none). */
export function sumAmounts(amounts) {
  let total = 0n;
  for (const a of amounts) total += units(a);
  const neg = total < 0n;
  const abs = neg ? -total : total;
  const frac = (abs % SCALE).toString().padStart(PLACES, "0").replace(/0+$/, "");
  return `${neg ? "-" : ""}${abs / SCALE}${frac ? `.${frac}` : ""}`;
}

/** "source: mock · as of 2026-12-03" */
export function provenance(source, asOf) {
  return el("p", { class: "prov" }, `Source: ${source ?? "unknown"} · as of ${asOf ?? "unknown"}`);
}

// ---- tables and CSV -----------------------------------------------------------------------------

/** A table from header names and rows of cells ({ text, num } or a string or a node). */
export function table(caption, headers, rows, { id } = {}) {
  const cell = (tag, value) => {
    if (value instanceof Node) return el(tag, {}, value);
    if (value && typeof value === "object") return el(tag, { class: value.num ? "num" : undefined }, value.node ?? value.text);
    return el(tag, {}, value);
  };
  return el(
    "div",
    { class: "scroll" },
    el(
      "table",
      { id },
      el("caption", {}, caption),
      el("thead", {}, el("tr", {}, headers.map((h) => el("th", { scope: "col", class: h.num ? "num" : undefined }, h.text ?? h)))),
      el("tbody", {}, rows.map((r) => el("tr", {}, r.map((v, i) => cell(i === 0 ? "th" : "td", v))))),
    ),
  );
}

const csvCell = (v) => {
  const s = String(v ?? "");
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

/**
 * A link that downloads exactly these rows as CSV. The file is made on the first click (the link's
 * default action reads the href after the click handlers), not with every render of the panel.
 */
export function csvLink(label, filename, headers, rows) {
  const link = el("a", { href: "#", download: filename, class: "csv" }, label);
  link.addEventListener("click", () => {
    if (link.dataset.ready) return;
    const text = [headers, ...rows].map((r) => r.map(csvCell).join(",")).join("\n") + "\n";
    link.href = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
    link.dataset.ready = "1";
  });
  return link;
}

/** The alternative to a chart: the same numbers in a table, one click away. */
export function tableAlternative(summary, tableNode, { open = false } = {}) {
  return el("details", { class: "table-alt", open }, el("summary", {}, summary), tableNode);
}

// ---- ranked bars (SVG) --------------------------------------------------------------------------

const SVG = "http://www.w3.org/2000/svg";
function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}

/** A horizontal ranked bar chart: items [{ label, value, text }], largest first. */
export function rankedBars(title, items, { width = 760 } = {}) {
  const rowH = 24;
  const labelW = Math.min(360, Math.max(140, ...items.map((i) => i.label.length * 7.5)));
  const max = Math.max(...items.map((i) => i.value), 0) || 1;
  const barMax = width - labelW - 250;
  const height = items.length * rowH + 8;
  const id = `t${Math.random().toString(36).slice(2)}`;
  const chart = svg("svg", { class: "bars", width, height, viewBox: `0 0 ${width} ${height}`, role: "img", "aria-labelledby": id });
  chart.append(svg("title", { id }, title));
  items.forEach((item, i) => {
    const y = 4 + i * rowH;
    const w = Math.max(1, (item.value / max) * barMax);
    chart.append(svg("text", { x: labelW - 6, y: y + 15, "text-anchor": "end" }, item.label.length > 48 ? `${item.label.slice(0, 46)}…` : item.label));
    chart.append(svg("rect", { x: labelW, y: y + 3, width: w, height: rowH - 8, rx: 2 }));
    chart.append(svg("text", { x: labelW + w + 6, y: y + 15 }, item.text));
  });
  return el("div", { class: "chart" }, chart);
}

/** YYYY-MM-DD plus n days (UTC). */
export function addDays(date, n) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}

/** YYYY-MM-DD as uPlot's x value (seconds). */
export const toX = (date) => Date.parse(`${date}T00:00:00Z`) / 1000;

/** The width a chart can take inside `node`. */
export const chartWidth = (node, max = 1100) => Math.max(320, Math.min(max, (node.clientWidth || 800) - 24));
