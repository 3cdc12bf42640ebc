// Costs page: figures from /v1/costs/aws/summary (+ last month to the same day), the daily (or
// monthly) history with the forecast band continuing it, and the top groups of the range.
import { addDays, api, chartWidth, csvLink, el, money, onKeyChange, panel, provenance, rankedBars, table, tableAlternative, toX } from "./common.js";

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

async function loadFigures() {
  figures.loading();
  try {
    const { body: s } = await api("/v1/costs/aws/summary");
    today = s.today;
    const thisMonth = monthStart(today);
    const lastStart = addMonths(thisMonth, -1);
    const days = Math.round((toX(today) - toX(thisMonth)) / 86400);
    const lastEnd = days === 0 ? addDays(lastStart, 1) : addDays(lastStart, Math.min(days, Math.round((toX(thisMonth) - toX(lastStart)) / 86400)));
    const { body: last } = await api(`/v1/costs/aws?${q({ start: lastStart, end: lastEnd, granularity: "MONTHLY" })}`);
    const f = s.monthEndForecast;
    const item = (label, value, note) => el("div", {}, el("dt", {}, label), el("dd", {}, value), note ? el("p", { class: "prov" }, note) : null);
    figures.show(
      el(
        "dl",
        { class: "figures" },
        item("Month to date", money(s.monthToDate.total), `${s.monthToDate.start} to ${s.monthToDate.end} (exclusive)`),
        item("Last month to the same day", money(last.total), `${lastStart} to ${lastEnd} (exclusive)`),
        item("Forecast for the month", f.available ? money(f.projectedMonthTotal) : "not available", f.available ? `month to date + forecast ${money(f.forecast)} to ${f.end}` : f.reason),
        item("Last month", money(s.lastMonth.total), `${s.lastMonth.start} to ${s.lastMonth.end} (exclusive)`),
      ),
      provenance(s.source, s.asOf),
    );
    return true;
  } catch (error) {
    figures.error(error, () => void start());
    return false;
  }
}

function readControls() {
  const data = new FormData(form);
  return { start: data.get("start"), end: data.get("end"), granularity: data.get("granularity"), groupBy: data.get("groupBy") };
}

async function loadTrend({ start, end, granularity }) {
  trend.loading();
  try {
    const history = (await api(`/v1/costs/aws?${q({ start, end, granularity })}`)).body;
    let forecast;
    let forecastNote = "";
    if (end >= today) {
      let fEnd = addMonths(monthStart(today), 1);
      if (granularity === "MONTHLY") fEnd = addMonths(monthStart(today), 3);
      else if (fEnd < addDays(today, 7)) fEnd = addMonths(fEnd, 1);
      forecast = (await api(`/v1/costs/aws/forecast?${q({ start: today, end: fEnd, granularity })}`)).body;
      if (!forecast.available) forecastNote = `No forecast: ${forecast.reason}`;
    } else {
      forecastNote = "The range ends before today: no forecast is shown.";
    }
    const rows = history.periods.map((p) => ({ date: p.start, actual: Number(p.total.amount), estimated: p.estimated }));
    const fc = forecast && forecast.available ? forecast.periods : [];
    if (rows.length === 0 && fc.length === 0) {
      trend.empty("No costs in this range.");
      return;
    }
    const xs = [];
    const actual = [];
    const mean = [];
    const lower = [];
    const upper = [];
    for (const r of rows) {
      xs.push(toX(r.date));
      actual.push(r.actual);
      mean.push(null);
      lower.push(null);
      upper.push(null);
    }
    // The forecast continues the line: it starts from the last actual point.
    if (fc.length && rows.length) mean[mean.length - 1] = actual[actual.length - 1];
    for (const p of fc) {
      if (xs.length && toX(p.start) <= xs[xs.length - 1]) continue;
      xs.push(toX(p.start));
      actual.push(null);
      mean.push(Number(p.mean.amount));
      lower.push(Number(p.lower.amount));
      upper.push(Number(p.upper.amount));
    }
    const chartBox = el("div", { class: "chart", role: "img", "aria-label": `${granularity === "DAILY" ? "Daily" : "Monthly"} cost from ${start}, with the forecast band; the same numbers are in the table below` });
    const headers = ["Period start", "Weekend", "Actual (USD)", "Estimated", "Forecast mean (USD)", "Lower", "Upper"];
    const tableRows = [
      ...history.periods.map((p) => [p.start, granularity === "DAILY" && isWeekend(p.start) ? "yes" : "", p.total.amount, p.estimated ? "yes" : "", "", "", ""]),
      ...fc.map((p) => [p.start, granularity === "DAILY" && isWeekend(p.start) ? "yes" : "", "", "", p.mean.amount, p.lower.amount, p.upper.amount]),
    ];
    const shown = tableRows.map((r) => r.map((v, i) => (i >= 2 && v !== "" && i !== 3 ? { text: money({ amount: v, unit: "USD" }), num: true } : v)));
    trend.show(
      chartBox,
      el("p", { class: "legend" }, el("span", {}, "Line: actual cost"), el("span", {}, "Dashed: forecast mean, shaded: its lower–upper band (80%)"), granularity === "DAILY" ? el("span", {}, "Grey columns: weekends (UTC)") : null),
      forecastNote ? el("p", { class: "notes" }, forecastNote) : null,
      tableAlternative("Table of the chart", table(`Cost per ${granularity === "DAILY" ? "day" : "month"}, ${start} to ${end} (exclusive), and the forecast`, headers, shown, { id: "trend-table" })),
      el("p", {}, csvLink("Download this table as CSV", `costs-${start}-${end}.csv`, headers, tableRows)),
      provenance(history.source, history.asOf),
      forecast ? el("p", { class: "prov" }, `Forecast source: ${forecast.source} · as of ${forecast.asOf}`) : null,
    );
    drawTrend(chartBox, [xs, actual, mean, lower, upper], granularity);
  } catch (error) {
    trend.error(error, () => void loadTrend(readControls()));
  }
}

function drawTrend(box, data, granularity) {
  const weekends = (u) => {
    if (granularity !== "DAILY") return;
    const { ctx } = u;
    const day = 86400;
    ctx.save();
    ctx.fillStyle = "rgba(100, 110, 120, 0.12)";
    for (const x of u.data[0]) {
      const d = new Date(x * 1000).getUTCDay();
      if (d !== 0 && d !== 6) continue;
      const left = u.valToPos(x - day / 2, "x", true);
      const right = u.valToPos(x + day / 2, "x", true);
      ctx.fillRect(left, u.bbox.top, right - left, u.bbox.height);
    }
    ctx.restore();
  };
  const usd = (u, v) => (v === null || v === undefined ? "—" : `$${v.toLocaleString("en-US", { maximumFractionDigits: 2 })}`);
  new uPlot(
    {
      width: chartWidth(box),
      height: 300,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
      scales: { x: { time: true } },
      series: [
        { label: "Date" },
        { label: "Actual", stroke: "#0b57d0", width: 2, value: usd },
        { label: "Forecast", stroke: "#7a4a00", width: 2, dash: [6, 4], value: usd },
        { label: "Lower", stroke: "rgba(122, 74, 0, 0.4)", width: 1, value: usd },
        { label: "Upper", stroke: "rgba(122, 74, 0, 0.4)", width: 1, value: usd },
      ],
      bands: [{ series: [4, 3], fill: "rgba(122, 74, 0, 0.15)" }],
      axes: [{}, { values: (u, vals) => vals.map((v) => `$${v.toLocaleString("en-US")}`), size: 70 }],
      hooks: { drawClear: [weekends] },
    },
    data,
    box,
  );
}

async function loadGroups({ start, end, groupBy }) {
  groups.loading();
  try {
    const { body } = await api(`/v1/costs/aws?${q({ start, end, granularity: "MONTHLY", groupBy })}`);
    // The range's total per group: the monthly groups added up (the API answers per period).
    const totals = new Map();
    for (const p of body.periods) for (const g of p.groups) totals.set(g.keys[0], (totals.get(g.keys[0]) ?? 0) + Number(g.amount.amount));
    const ranked = [...totals].sort((a, b) => b[1] - a[1]);
    if (ranked.length === 0) {
      groups.empty(`No costs grouped by ${groupBy} in ${start} to ${end}.`);
      return;
    }
    const usd = (v) => money({ amount: String(v), unit: "USD" });
    const name = groupBy.startsWith("TAG:") ? `tag ${groupBy.slice(4)}` : groupBy.toLowerCase().replace("_", " ");
    const headers = [name, "Cost (USD)"];
    groups.show(
      rankedBars(`Cost by ${name}, ${start} to ${end}`, ranked.slice(0, 12).map(([k, v]) => ({ label: groupLabel(k), value: v, text: usd(v) }))),
      tableAlternative("Table of the chart", table(`Cost by ${name}, ${start} to ${end} (exclusive), largest first`, headers, ranked.map(([k, v]) => [groupLabel(k), { text: usd(v), num: true }]), { id: "groups-table" })),
      el("p", {}, csvLink("Download this table as CSV", `costs-by-${groupBy.replace(":", "-")}-${start}-${end}.csv`, headers, ranked.map(([k, v]) => [groupLabel(k), v.toFixed(10).replace(/\.?0+$/, "")]))),
      provenance(body.source, body.asOf),
    );
  } catch (error) {
    groups.error(error, () => void loadGroups(readControls()));
  }
}

async function start() {
  if (!(await loadFigures())) {
    trend.empty("Waiting for the summary (it gives today's date in the account's calendar).");
    groups.empty("Waiting for the summary.");
    return;
  }
  const startInput = document.getElementById("c-start");
  const endInput = document.getElementById("c-end");
  if (!startInput.value) startInput.value = addDays(today, -30);
  if (!endInput.value) endInput.value = today;
  endInput.max = addDays(today, 1);
  const c = readControls();
  await Promise.all([loadTrend(c), loadGroups(c)]);
}

form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (!today) return void start();
  const c = readControls();
  void Promise.all([loadTrend(c), loadGroups(c)]);
});
onKeyChange(() => void start());
void start();
