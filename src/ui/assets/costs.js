// Costs page: figures from /v1/costs/aws/summary (+ last month to the same day), the daily (or
// monthly) history, stacked by the chosen group-by (top groups and Other), with the forecast band
// continuing the total, and the top groups of the range.
import { addDays, api, csvLink, el, markRendered, money, onKeyChange, panel, provenance, rankedBars, sumAmounts, table, tableAlternative, toX } from "./common.js";
import { drawTrend } from "./costs-chart.js";

const figures = panel("figures");
const trend = panel("trend");
const groups = panel("groups");
const form = document.getElementById("cost-controls");
let today;

const monthStart = (date) => `${date.slice(0, 7)}-01`;
function addMonths(date, n) {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCMonth(d.getUTCMonth() + n);
  return d.toISOString().slice(0, 10);
}
const isWeekend = (date) => [0, 6].includes(new Date(`${date}T00:00:00Z`).getUTCDay());
const q = (params) => new URLSearchParams(params).toString();
const groupLabel = (key) => {
  const i = key.indexOf("$");
  if (i < 0) return key || "(none)";
  return key.slice(i + 1) || `(no ${key.slice(0, i)} tag)`;
};

/** Last month from its first day to the same day of the month as `day` (a promise of the call, and the range). */
function lastMonthToDay(day) {
  const thisMonth = monthStart(day);
  const start = addMonths(thisMonth, -1);
  const days = Math.round((toX(day) - toX(thisMonth)) / 86400);
  const end = days === 0 ? addDays(start, 1) : addDays(start, Math.min(days, Math.round((toX(thisMonth) - toX(start)) / 86400)));
  return { start, end, call: api(`/v1/costs/aws?${q({ start, end, granularity: "MONTHLY" })}`).then((r) => r.body) };
}

/** The four figures: the summary, and last month to the same day. */
async function loadFigures(s, lastMonth) {
  try {
    const last = await lastMonth.call;
    const f = s.monthEndForecast;
    const item = (label, value, note) => el("div", {}, el("dt", {}, label), el("dd", {}, value), note ? el("p", { class: "prov" }, note) : null);
    figures.show(
      el(
        "dl",
        { class: "figures" },
        item("Month to date", money(s.monthToDate.total), `${s.monthToDate.start} to ${s.monthToDate.end} (exclusive)`),
        item("Last month to the same day", money(last.total), `${lastMonth.start} to ${lastMonth.end} (exclusive)`),
        item("Forecast for the month", f.available ? money(f.projectedMonthTotal) : "not available", f.available ? `month to date + forecast ${money(f.forecast)} to ${f.end}` : f.reason),
        item("Last month", money(s.lastMonth.total), `${s.lastMonth.start} to ${s.lastMonth.end} (exclusive)`),
      ),
      provenance(s.source, s.asOf),
    );
  } catch (error) {
    figures.error(error, () => void start());
  }
}

function readControls() {
  const data = new FormData(form);
  return { start: data.get("start"), end: data.get("end"), granularity: data.get("granularity"), groupBy: data.get("groupBy") };
}

const dimensionName = (groupBy) => (groupBy.startsWith("TAG:") ? `tag ${groupBy.slice(4)}` : groupBy.toLowerCase().replace("_", " "));

/**
 * The groups of a grouped cost answer as the chart stacks them: the TOP groups of the whole range by
 * cost, then "Other" (every other group), each with its exact amount per period.
 */
function stackGroups(periods) {
  const perGroup = new Map();
  periods.forEach((p, i) => {
    for (const g of p.groups) {
      if (!perGroup.has(g.keys[0])) perGroup.set(g.keys[0], periods.map(() => "0"));
      perGroup.get(g.keys[0])[i] = g.amount.amount;
    }
  });
  const ranked = [...perGroup].map(([key, amounts]) => ({ key, amounts, total: Number(sumAmounts(amounts)) })).sort((a, b) => b.total - a.total);
  const shown = ranked.length <= TOP + 1 ? ranked : ranked.slice(0, TOP);
  const rest = ranked.slice(shown.length);
  const stacks = shown.map((g) => ({ label: groupLabel(g.key), amounts: g.amounts }));
  if (rest.length) stacks.push({ label: `Other (${rest.length})`, amounts: periods.map((_, i) => sumAmounts(rest.map((g) => g.amounts[i]))) });
  return stacks;
}
const TOP = 5;

function forecastEnd(granularity, day) {
  if (granularity === "MONTHLY") return addMonths(monthStart(day), 3);
  const fEnd = addMonths(monthStart(day), 1);
  return fEnd < addDays(day, 7) ? addMonths(fEnd, 1) : fEnd;
}

/**
 * The range's panels from two calls asked together: the history (grouped when a group-by is chosen),
 * which both the trend and the top groups are drawn from, and the forecast. A newer load (the form,
 * Retry, the summary's date) supersedes an older one still in flight: `seq`.
 */
let rangeSeq = 0;
function loadRange(c, day) {
  const seq = ++rangeSeq;
  const current = () => seq === rangeSeq;
  const wantForecast = c.end >= day;
  const history = api(`/v1/costs/aws?${q({ start: c.start, end: c.end, granularity: c.granularity, ...(c.groupBy ? { groupBy: c.groupBy } : {}) })}`).then((r) => r.body);
  const forecast = wantForecast ? api(`/v1/costs/aws/forecast?${q({ start: day, end: forecastEnd(c.granularity, day), granularity: c.granularity })}`).then((r) => r.body) : undefined;
  trend.loading();
  groups.loading();
  return Promise.all([showTrend(c, history, forecast, current), showGroups(c, history, current)]);
}

async function showTrend({ start, end, granularity, groupBy }, historyCall, forecastCall, current) {
  try {
    const [history, forecast] = await Promise.all([historyCall, forecastCall]);
    if (!current()) return;
    let forecastNote = "";
    if (!forecastCall) forecastNote = "The range ends before today: no forecast is shown.";
    else if (!forecast.available) forecastNote = `No forecast: ${forecast.reason}`;
    const fc = forecast && forecast.available ? forecast.periods.filter((p) => !history.periods.length || p.start > history.periods[history.periods.length - 1].start) : [];
    if (history.periods.length === 0 && fc.length === 0) {
      trend.empty("No costs in this range.");
      return;
    }
    const stacks = groupBy ? stackGroups(history.periods) : [];
    const blank = stacks.map(() => "");
    const unit = granularity === "DAILY" ? "day" : "month";
    const weekend = (date) => (granularity === "DAILY" && isWeekend(date) ? "yes" : "");
    const headers = ["Period start", "Weekend", ...stacks.map((s) => `${s.label} (USD)`), stacks.length ? "Total actual (USD)" : "Actual (USD)", "Estimated", "Forecast mean (USD)", "Lower", "Upper"];
    const tableRows = [
      ...history.periods.map((p, i) => [p.start, weekend(p.start), ...stacks.map((s) => s.amounts[i]), p.total.amount, p.estimated ? "yes" : "", "", "", ""]),
      ...fc.map((p) => [p.start, weekend(p.start), ...blank, "", "", p.mean.amount, p.lower.amount, p.upper.amount]),
    ];
    const estimatedCol = 3 + stacks.length;
    const shown = tableRows.map((r) => r.map((v, i) => (i >= 2 && i !== estimatedCol && v !== "" ? { text: money({ amount: v, unit: "USD" }), num: true } : v)));
    const byWhat = groupBy ? `, stacked by ${dimensionName(groupBy)} (top ${TOP} and the rest as Other)` : "";
    const chartBox = el("div", { class: "chart", role: "img", "aria-label": `${granularity === "DAILY" ? "Daily" : "Monthly"} cost from ${start}${byWhat}, with the forecast band; the same numbers are in the table below` });
    trend.show(
      chartBox,
      el(
        "p",
        { class: "legend" },
        stacks.length ? el("span", {}, `Stacked areas: cost per ${dimensionName(groupBy)}; top line: the total`) : el("span", {}, "Line: actual cost"),
        el("span", {}, "Dashed: forecast mean of the total, shaded: its lower–upper band (80%)"),
        granularity === "DAILY" ? el("span", {}, "Grey columns: weekends (UTC)") : null,
      ),
      forecastNote ? el("p", { class: "notes" }, forecastNote) : null,
      tableAlternative("Table of the chart", table(`Cost per ${unit}, ${start} to ${end} (exclusive)${byWhat}, and the forecast`, headers, shown, { id: "trend-table" })),
      el("p", {}, csvLink("Download this table as CSV", `costs-${start}-${end}${groupBy ? `-by-${groupBy.replace(":", "-")}` : ""}.csv`, headers, tableRows)),
      provenance(history.source, history.asOf),
      forecast ? el("p", { class: "prov" }, `Forecast source: ${forecast.source} · as of ${forecast.asOf}`) : null,
    );
    drawTrend(chartBox, history.periods, stacks, fc, granularity);
  } catch (error) {
    if (current()) trend.error(error, () => void loadRange(readControls(), today ?? utcToday()));
  }
}

async function showGroups({ start, end, groupBy }, historyCall, current) {
  if (!groupBy) {
    groups.empty("Choose a group-by above (service, region, a tag…) to see where the money goes.");
    return;
  }
  try {
    const body = await historyCall;
    if (!current()) return;
    // The range's total per group: its amounts in every period added up, exactly.
    const amounts = new Map();
    for (const p of body.periods) for (const g of p.groups) amounts.set(g.keys[0], [...(amounts.get(g.keys[0]) ?? []), g.amount.amount]);
    const ranked = [...amounts].map(([k, list]) => [k, sumAmounts(list)]).sort((a, b) => Number(b[1]) - Number(a[1]));
    if (ranked.length === 0) {
      groups.empty(`No costs grouped by ${groupBy} in ${start} to ${end}.`);
      return;
    }
    const usd = (v) => money({ amount: v, unit: "USD" });
    const name = dimensionName(groupBy);
    const headers = [name, "Cost (USD)"];
    groups.show(
      rankedBars(`Cost by ${name}, ${start} to ${end}`, ranked.slice(0, 12).map(([k, v]) => ({ label: groupLabel(k), value: Number(v), text: usd(v) }))),
      tableAlternative("Table of the chart", table(`Cost by ${name}, ${start} to ${end} (exclusive), largest first`, headers, ranked.map(([k, v]) => [groupLabel(k), { text: usd(v), num: true }]), { id: "groups-table" })),
      el("p", {}, csvLink("Download this table as CSV", `costs-by-${groupBy.replace(":", "-")}-${start}-${end}.csv`, headers, ranked.map(([k, v]) => [groupLabel(k), v]))),
      provenance(body.source, body.asOf),
    );
  } catch (error) {
    if (current()) groups.error(error, () => void loadRange(readControls(), today ?? utcToday()));
  }
}

const utcToday = () => new Date().toISOString().slice(0, 10);

/** The default range, the 30 days before `day`, unless the person has chosen one. */
function defaultRange(day) {
  const startInput = document.getElementById("c-start");
  const endInput = document.getElementById("c-end");
  if (!startInput.value || startInput.dataset.auto) {
    startInput.value = addDays(day, -30);
    startInput.dataset.auto = "1";
  }
  if (!endInput.value || endInput.dataset.auto) {
    endInput.value = day;
    endInput.dataset.auto = "1";
  }
  endInput.max = addDays(day, 1);
}

/**
 * Today in the account's calendar comes from the summary. The range's calls do not wait for it: they go
 * out at once for the browser's UTC date (the account's, but for an injected clock or a page left open
 * over midnight), and go out again if the summary says otherwise.
 */
async function start() {
  figures.loading();
  const guess = today ?? utcToday();
  defaultRange(guess);
  const early = loadRange(readControls(), guess);
  const earlyLast = lastMonthToDay(guess);
  earlyLast.call.catch(() => undefined); // awaited below only when the guess holds
  let summary;
  try {
    summary = (await api("/v1/costs/aws/summary")).body;
  } catch (error) {
    figures.error(error, () => void start());
    await early;
    return;
  }
  today = summary.today;
  if (today === guess) return Promise.all([loadFigures(summary, earlyLast), early]);
  defaultRange(today);
  await Promise.all([loadFigures(summary, lastMonthToDay(today)), loadRange(readControls(), today)]);
}

for (const input of ["c-start", "c-end"]) document.getElementById(input).addEventListener("change", (event) => delete event.target.dataset.auto);
form.addEventListener("submit", (event) => {
  event.preventDefault();
  void loadRange(readControls(), today ?? utcToday());
});
onKeyChange(() => void start());
void markRendered(start());
