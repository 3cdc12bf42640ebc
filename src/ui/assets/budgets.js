// Budgets page: the list with each budget's projection (/projection: the API computes the forecast,
// share of the limit and breach date), a history chart per budget, a create form that dry-runs first
// and creates with an Idempotency-Key, and delete with confirmation.
import { api, chartWidth, el, errorBox, markRendered, money, onKeyChange, panel, provenance, table, tableAlternative, toX } from "./common.js";

const list = panel("budget-list");
const history = panel("budget-history");
const create = panel("budget-create");
const form = document.getElementById("create-form");
const createButton = document.getElementById("b-create");
const dialog = document.getElementById("confirm-delete");

const enc = encodeURIComponent;
const breachText = (p) => {
  if (p.breach.status === "breached") return el("span", { class: "breach-breached" }, `Breached on ${p.breach.date}`);
  if (p.breach.status === "projected") return el("span", { class: "breach-projected" }, `Projected ${p.breach.date}`);
  return el("span", { class: "breach-none" }, "None projected");
};

async function loadList() {
  list.loading();
  history.loading();
  try {
    const { body } = await api("/v1/budgets/aws");
    if (body.budgets.length === 0) {
      list.empty("No budgets yet: create one below.");
      history.empty("No budgets, so no history.");
      return;
    }
    // Each budget's projection and history are independent of each other: all asked at once.
    const settle = (path) => api(path).then((r) => r.body, (error) => ({ error }));
    const histories = Promise.all(body.budgets.map((b) => settle(`/v1/budgets/aws/${enc(b.name)}/history`)));
    const projections = await Promise.all(body.budgets.map((b) => settle(`/v1/budgets/aws/${enc(b.name)}/projection`)));
    const rows = body.budgets.map((b, i) => {
      const p = projections[i];
      const del = el("button", { type: "button", class: "danger delete", "data-name": b.name, "aria-label": `Delete budget ${b.name}`, onclick: () => confirmDelete(b.name) }, "Delete");
      const limit = b.limit ? money(b.limit) : p && !p.error ? `${money(p.limit)} (planned)` : "planned";
      if (!p || p.error) {
        const why = p && p.error && p.error.problem && p.error.problem.detail ? p.error.problem.detail : "no projection";
        return [b.name, `${b.type} ${b.timeUnit.toLowerCase()}`, limit, { text: money(b.actualSpend), num: true }, { text: money(b.forecastedSpend), num: true }, `not projected: ${why}`, "", "", "", del];
      }
      return [
        b.name,
        `${b.type} ${b.timeUnit.toLowerCase()}, ${p.period.start} to ${p.period.end}`,
        { text: limit, num: true },
        { text: money(p.actualToDate), num: true },
        { text: p.forecastToPeriodEnd.available ? money(p.forecastToPeriodEnd.amount) : `not available: ${p.forecastToPeriodEnd.reason}`, num: true },
        { text: money(p.projectedTotal), num: true },
        { text: `${p.projectedPercentOfLimit}%`, num: true },
        breachText(p),
        `${p.source} · ${p.asOf.slice(0, 10)}`,
        del,
      ];
    });
    const headers = ["Budget", "Period", { text: "Limit", num: true }, { text: "Actual to date", num: true }, { text: "Forecast to period end", num: true }, { text: "Projected total", num: true }, { text: "% of limit", num: true }, "Breach", "Source · as of", "Actions"];
    list.show(table("Budgets with actual spend, forecast and projected breach", headers, rows, { id: "budget-table" }), provenance(body.source, body.asOf));
    await loadHistories(body.budgets, projections, await histories);
  } catch (error) {
    list.error(error, () => void loadList());
    history.empty("Waiting for the list of budgets.");
  }
}

async function loadHistories(budgets, projections, histories) {
  const cards = budgets.map((b, i) => historyCard(b, histories[i], projections[i] && !projections[i].error ? projections[i].period : undefined));
  history.show(el("div", { class: "cards" }, cards.map((c) => c.node)));
  // Every width read before any chart is drawn: one layout, not one per chart.
  const widths = cards.map((c) => (c.draw ? chartWidth(c.box, 520) : 0));
  cards.forEach((c, i) => c.draw?.(widths[i]));
}

/** `body`: the budget's /history answer (or { error }); `current`: the period the projection is for (still running: its actual is to date). */
function historyCard(b, body, current) {
  const node = el("article", { class: "card", "aria-labelledby": `h-${b.name}` }, el("h3", { id: `h-${b.name}` }, b.name));
  try {
    if (body.error) throw body.error;
    if (body.periods.length === 0) {
      node.append(el("p", { class: "empty" }, "No history yet."));
      return { node };
    }
    const headers = ["Period", { text: "Budgeted", num: true }, { text: "Actual", num: true }];
    // One period is no trend: the table says it all (a one-bar chart would read as an empty one).
    const single = body.periods.length < 2;
    const box = single ? el("p", { class: "empty" }, "One period so far: no chart yet.") : el("div", { class: "chart", role: "img", "aria-label": `${b.name}: budgeted against actual per period; the table below has the numbers` });
    node.append(
      box,
      tableAlternative("Table of the chart", table(`${b.name}: budgeted and actual per period`, headers, body.periods.map((p) => [`${p.start} to ${p.end}${current && p.start === current.start ? " (in progress: actual to date)" : ""}`, { text: money(p.budgeted), num: true }, { text: money(p.actual), num: true }])), { open: single }),
      provenance(body.source, body.asOf),
    );
    if (single) return { node };
    const data = [body.periods.map((p) => toX(p.start)), body.periods.map((p) => Number(p.budgeted.amount)), body.periods.map((p) => Number(p.actual.amount))];
    const draw = (width) => {
      const bars = uPlot.paths.bars({ size: [0.6, 40] });
      new uPlot(
        {
          width,
          height: 170,
          tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
          legend: { show: true },
          // From zero: a bar's height is the spend, so a high baseline would read as a drop.
          // Half a period of room each side, so the first and last bars are whole (and one period is not a point).
          scales: {
            x: { time: true, range: (u, min, max) => { const half = max > min ? (max - min) / (data[0].length - 1) / 2 : 15 * 86400; return [min - half, max + half]; } },
            y: { range: (u, min, max) => [0, max * 1.08] },
          },
          series: [
            { label: "Period" },
            { label: "Budgeted", stroke: "#a40e26", width: 2, paths: undefined },
            { label: "Actual", stroke: "#0b57d0", fill: "rgba(11, 87, 208, 0.35)", paths: bars, points: { show: false } },
          ],
          axes: [{}, { size: 72, values: (u, vals) => vals.map((v) => `$${v.toLocaleString("en-US")}`) }],
        },
        data,
        box,
      );
    };
    return { node, box, draw };
  } catch (error) {
    node.append(errorBox(error, () => void loadList()));
    return { node };
  }
}

// ---- delete, with confirmation ------------------------------------------------------------------

function confirmDelete(name) {
  document.getElementById("confirm-delete-name").textContent = name;
  dialog.returnValue = "";
  dialog.onclose = async () => {
    if (dialog.returnValue !== "delete") return;
    list.loading(`Deleting ${name}…`);
    try {
      await api(`/v1/budgets/aws/${enc(name)}`, { method: "DELETE" });
      await loadList();
      list.note(`Deleted budget ${name}.`);
    } catch (error) {
      list.error(error, () => void loadList());
    }
  };
  dialog.showModal();
}

// ---- create: dry run, then create with an Idempotency-Key ---------------------------------------

let pending; // { body, key } from the last successful dry run

// ---- planned limits: an amount per period (AWS Budgets' PlannedBudgetLimits) --------------------

const PLANNED_PERIODS = { MONTHLY: 12, QUARTERLY: 4 };
const planned = () => form.elements.limitKind.value === "planned";

/** The first days of the `count` periods from the one containing today (UTC), monthly or quarterly. */
function periodStarts(timeUnit, count) {
  const now = new Date();
  const step = timeUnit === "QUARTERLY" ? 3 : 1;
  const first = now.getUTCMonth() - (now.getUTCMonth() % step);
  return Array.from({ length: count }, (_, i) => new Date(Date.UTC(now.getUTCFullYear(), first + i * step, 1)).toISOString().slice(0, 10));
}

/** Shows the fixed limit or one amount per period; planned limits take MONTHLY or QUARTERLY only. */
function syncLimitKind() {
  const on = planned();
  document.getElementById("b-amount-label").hidden = on;
  document.getElementById("b-planned").hidden = !on;
  const unit = document.getElementById("b-timeunit");
  for (const o of unit.options) o.disabled = on && !(o.value in PLANNED_PERIODS);
  if (on && !(unit.value in PLANNED_PERIODS)) unit.value = "MONTHLY";
  const box = document.getElementById("b-planned-periods");
  if (!on || box.dataset.unit === unit.value) return;
  box.dataset.unit = unit.value;
  box.replaceChildren(
    ...periodStarts(unit.value, PLANNED_PERIODS[unit.value]).map((day) =>
      el("label", {}, `${day} `, el("input", { name: `planned-${day}`, "data-period": day, inputmode: "decimal", autocomplete: "off", "aria-label": `Limit for the period from ${day} (USD)` })),
    ),
  );
}
for (const input of form.elements.limitKind) input.addEventListener("change", syncLimitKind);
document.getElementById("b-timeunit").addEventListener("change", syncLimitKind);
document.getElementById("b-planned-fill").addEventListener("click", () => {
  const inputs = [...document.querySelectorAll("#b-planned-periods input")];
  for (const input of inputs.slice(1)) input.value = inputs[0].value;
  form.dispatchEvent(new Event("input"));
});

/** A form the API would refuse for a reason the form can name first: the empty planned period. */
class FormProblem extends Error {}

function limitFromForm(f) {
  if (!planned()) return { limit: { amount: String(f.get("amount")).trim(), unit: "USD" } };
  const plannedLimits = {};
  for (const input of document.querySelectorAll("#b-planned-periods input")) {
    const amount = input.value.trim();
    if (!amount) {
      input.focus();
      throw new FormProblem(`Give a limit for every period: the one from ${input.dataset.period} is empty.`);
    }
    plannedLimits[input.dataset.period] = { amount, unit: "USD" };
  }
  return { plannedLimits };
}

function bodyFromForm() {
  const f = new FormData(form);
  const body = { name: String(f.get("name")).trim(), type: "COST", timeUnit: f.get("timeUnit"), ...limitFromForm(f) };
  const filters = {};
  const service = String(f.get("service") ?? "").trim();
  if (service) filters.services = [service];
  const tag = String(f.get("tag") ?? "").trim();
  if (tag) {
    const [key, ...value] = tag.split("=");
    filters.tags = { [key.trim()]: [value.join("=").trim()] };
  }
  if (Object.keys(filters).length) body.filters = filters;
  const threshold = String(f.get("threshold") ?? "").trim();
  const email = String(f.get("email") ?? "").trim();
  if (threshold || email) {
    body.notifications = [{ type: "FORECASTED", threshold: Number(threshold || 100), subscribers: [{ type: "EMAIL", address: email }] }];
  }
  return body;
}

form.addEventListener("input", () => {
  pending = undefined;
  createButton.disabled = true;
});

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  let body;
  try {
    body = bodyFromForm();
  } catch (error) {
    if (!(error instanceof FormProblem)) throw error;
    create.invalid(error.message);
    return;
  }
  create.loading("Checking (dry run)…");
  try {
    const { body: answer } = await api("/v1/budgets/aws?dryRun=true", { method: "POST", body });
    pending = { body, key: crypto.randomUUID() };
    createButton.disabled = false;
    create.show(
      el("p", {}, "Dry run passed: nothing was created. This is what would be created (as the API answered):"),
      el("pre", { id: "dry-run-result" }, JSON.stringify(answer.wouldCreate, null, 2)),
      el("p", { class: "notes" }, `"Create budget" sends the same body with Idempotency-Key ${pending.key}: pressing it twice creates the budget once.`),
    );
  } catch (error) {
    create.error(error);
  }
});

createButton.addEventListener("click", async () => {
  if (!pending) return;
  const { body, key } = pending;
  create.loading("Creating…");
  createButton.disabled = true;
  try {
    const res = await api("/v1/budgets/aws", { method: "POST", body, headers: { "idempotency-key": key } });
    const replay = res.headers.get("idempotent-replayed") === "true";
    create.show(el("p", { id: "create-result" }, res.status === 201 ? `Created budget ${body.name}.` : `Budget ${body.name} already existed as asked${replay ? " (replayed answer)" : ""}.`));
    pending = undefined;
    form.reset();
    syncLimitKind();
    await loadList();
  } catch (error) {
    createButton.disabled = false; // the same key may be retried: it never creates twice
    create.error(error);
  }
});

async function loadServices() {
  try {
    const { body } = await api("/v1/costs/aws/dimensions/SERVICE");
    document.getElementById("b-services").replaceChildren(...body.values.map((v) => el("option", { value: v })));
  } catch {
    // Only suggestions for the service field; the form works without them.
  }
}

create.show();
onKeyChange(() => {
  void loadList();
  void loadServices();
});
void markRendered(loadList());
void loadServices();
