// The costs page's trend chart (uPlot): the actual cost, stacked by group when a group-by is chosen,
// weekends shaded, and the forecast mean and band continuing the total.
import { chartWidth, money, toX } from "./common.js";

// Okabe–Ito: told apart with the common colour-vision deficiencies; "Other" is grey.
const PALETTE = ["#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00"];
const OTHER = "#8c959f";
const alpha = (hex, a) => `rgba(${parseInt(hex.slice(1, 3), 16)}, ${parseInt(hex.slice(3, 5), 16)}, ${parseInt(hex.slice(5, 7), 16)}, ${a})`;

/** uPlot data and options: the stacks (cumulative, so each area sits on the one below), the total, the forecast. */
export function drawTrend(box, periods, stacks, fc, granularity) {
  const n = periods.length;
  const xs = [...periods.map((p) => toX(p.start)), ...fc.map((p) => toX(p.start))];
  const pad = fc.map(() => null);
  const total = [...periods.map((p) => Number(p.total.amount)), ...pad];
  const mean = [...periods.map(() => null), ...fc.map((p) => Number(p.mean.amount))];
  // The forecast continues the line: it starts from the last actual point.
  if (fc.length && n) mean[n - 1] = total[n - 1];
  const lower = [...periods.map(() => null), ...fc.map((p) => Number(p.lower.amount))];
  const upper = [...periods.map(() => null), ...fc.map((p) => Number(p.upper.amount))];
  const usd = (v) => (v === null || v === undefined ? "—" : money({ amount: v, unit: "USD" }));
  const running = periods.map(() => 0);
  const stacked = stacks.map((s) => [...s.amounts.map((a, i) => (running[i] += Number(a))), ...pad]);
  const own = stacks.map((s) => s.amounts.map(Number));
  const series = [{ label: "Date" }];
  const bands = [];
  stacks.forEach((s, k) => {
    const colour = s.label.startsWith("Other (") ? OTHER : PALETTE[k % PALETTE.length];
    // The legend shows the group's own amount, not the running sum the area is drawn at.
    series.push({ label: s.label, stroke: colour, width: 1, fill: k === 0 ? alpha(colour, 0.55) : undefined, points: { show: false }, value: (u, v, si, i) => usd(i === null || i >= n ? null : own[k][i]) });
    if (k > 0) bands.push({ series: [k + 1, k], fill: alpha(colour, 0.55) });
  });
  const t = series.length;
  series.push(
    { label: stacks.length ? "Total" : "Actual", stroke: stacks.length ? "#1b1f24" : "#0b57d0", width: 2, value: (u, v) => usd(v) },
    { label: "Forecast", stroke: "#7a4a00", width: 2, dash: [6, 4], value: (u, v) => usd(v) },
    { label: "Lower", stroke: "rgba(122, 74, 0, 0.4)", width: 1, value: (u, v) => usd(v) },
    { label: "Upper", stroke: "rgba(122, 74, 0, 0.4)", width: 1, value: (u, v) => usd(v) },
  );
  bands.push({ series: [t + 3, t + 2], fill: "rgba(122, 74, 0, 0.15)" });
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
  new uPlot(
    {
      width: chartWidth(box),
      height: stacks.length ? 340 : 300,
      tzDate: (ts) => uPlot.tzDate(new Date(ts * 1000), "Etc/UTC"),
      scales: { x: { time: true }, y: { range: (u, min, max) => [0, max * 1.05] } },
      series,
      bands,
      axes: [{}, { values: (u, vals) => vals.map((v) => `$${v.toLocaleString("en-US")}`), size: 70 }],
      hooks: { drawClear: [weekends] },
    },
    [xs, ...stacked, total, mean, lower, upper],
    box,
  );
}
