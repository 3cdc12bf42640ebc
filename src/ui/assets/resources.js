// Running resources (AWS): EKS clusters and SageMaker resources in a region, with their run-rates as
// /v1/aws/eks/clusters and /v1/aws/sagemaker/resources price them.
import { api, el, markRendered, onKeyChange, panel, price, provenance, rankedBars, table, tableAlternative } from "./common.js";

const eks = panel("eks");
const sagemaker = panel("sagemaker");
const $ = (id) => document.getElementById(id);
const region = () => $("r-region").value;
const monthly = (t) => (t.monthly === null ? "not priced" : `${price(t.monthly, 2)}${t.complete ? "" : " (lower bound)"}`);

function totalsLine(t) {
  const parts = [`Total run-rate: ${t.hourly === null ? "not priced" : `${price(t.hourly, 4)}/h`}, ${monthly(t)} a month (${t.hoursPerMonth} h).`];
  if (!t.complete) parts.push(` Left out: ${t.excluded.map((x) => `${x.id} (${x.reason})`).join("; ")}.`);
  return el("p", {}, parts.join(""));
}

function linesTable(caption, lines) {
  const headers = ["Line", "Price id", { text: "Qty", num: true }, { text: "Unit price", num: true }, { text: "Hourly", num: true }, { text: "Monthly", num: true }, "Status", "Price source · as of"];
  return table(caption, headers, lines.map((l) => [l.id, l.priceId ?? "—", { text: l.quantity, num: true }, { text: l.unitPrice === null ? "—" : `${price(l.unitPrice, 6)}/${l.unit}`, num: true }, { text: price(l.hourly, 4), num: true }, { text: price(l.monthly, 2), num: true }, l.reason ? `${l.status}: ${l.reason}` : l.status, l.price ? `${l.price.source} · ${l.price.asOf}` : "—"]));
}

async function loadEks() {
  eks.loading();
  try {
    const { body } = await api(`/v1/aws/eks/clusters?region=${encodeURIComponent(region())}`);
    if (body.clusters.length === 0) {
      eks.empty(`No EKS clusters in ${body.region}.`);
      return;
    }
    const headers = ["Cluster", "Version", "Support now", "End of standard support", "End of extended support", "Node groups", { text: "Hourly", num: true }, { text: "Monthly", num: true }];
    const rows = body.clusters.map((c) => [
      c.name,
      c.version,
      `${c.supportType.toLowerCase()}${c.supportNote ? ` (${c.supportNote})` : ""}`,
      c.endOfStandardSupport ?? "—",
      c.endOfExtendedSupport ?? "—",
      c.nodeGroups.map((g) => `${g.name}: ${g.desiredSize}× ${g.instanceTypes.join("/")} ${g.capacityType.toLowerCase()}`).join("; ") || "none",
      { text: price(c.totals.hourly, 4), num: true },
      { text: monthly(c.totals), num: true },
    ]);
    eks.show(
      rankedBars(`EKS clusters in ${body.region}: monthly run-rate`, body.clusters.map((c) => ({ label: c.name, value: Number(c.totals.monthly ?? 0), text: monthly(c.totals) }))),
      tableAlternative("Table of the chart", table(`EKS clusters in ${body.region}`, headers, rows, { id: "eks-table" }), { open: true }),
      totalsLine(body.totals),
      el("details", {}, el("summary", {}, "Line items per cluster"), ...body.clusters.map((c) => linesTable(`${c.name}: line items`, c.lines))),
      el("ul", { class: "notes" }, body.notes.map((n) => el("li", {}, n))),
      el("p", { class: "prov" }, `Release calendar: ${body.calendar.source} · as of ${body.calendar.asOf}`),
      provenance(body.source, body.asOf),
    );
  } catch (error) {
    eks.error(error, () => void loadEks());
  }
}

async function loadSageMaker() {
  sagemaker.loading();
  try {
    const { body } = await api(`/v1/aws/sagemaker/resources?region=${encodeURIComponent(region())}`);
    const all = [...body.endpoints, ...body.notebooks, ...body.trainingJobs];
    if (all.length === 0) {
      sagemaker.empty(`No SageMaker endpoints, notebooks or training jobs running in ${body.region}.`);
      return;
    }
    const what = (r) =>
      r.variants ? r.variants.map((v) => (v.kind === "instance" ? `${v.name}: ${v.currentInstanceCount}× ${v.instanceType}` : `${v.name}: serverless ${v.memorySizeInMB} MB × ${v.maxConcurrency}`)).join("; ") : r.instanceGroups ? r.instanceGroups.map((g) => `${g.instanceCount}× ${g.instanceType}`).join("; ") : r.instanceType ?? "";
    const headers = ["Resource", "Kind", "Status", "Runs on", { text: "Hourly", num: true }, { text: "Monthly", num: true }];
    const rows = all.map((r) => [r.name, r.kind, r.status, what(r), { text: price(r.totals.hourly, 4), num: true }, { text: monthly(r.totals), num: true }]);
    sagemaker.show(
      rankedBars(`SageMaker in ${body.region}: monthly run-rate`, all.map((r) => ({ label: `${r.kind} ${r.name}`, value: Number(r.totals.monthly ?? 0), text: monthly(r.totals) }))),
      tableAlternative("Table of the chart", table(`SageMaker resources in ${body.region}`, headers, rows, { id: "sagemaker-table" }), { open: true }),
      totalsLine(body.totals),
      el("details", {}, el("summary", {}, "Line items per resource"), ...all.map((r) => linesTable(`${r.name}: line items`, r.lines))),
      el("ul", { class: "notes" }, body.notes.map((n) => el("li", {}, n))),
      provenance(body.source, body.asOf),
    );
  } catch (error) {
    sagemaker.error(error, () => void loadSageMaker());
  }
}

async function loadRegions() {
  try {
    const { body } = await api("/v1/catalog");
    const aws = body.clouds.find((c) => c.id === "aws");
    const current = region();
    $("r-region").replaceChildren(...aws.regions.map((r) => el("option", { value: r, selected: r === current }, r)));
  } catch {
    // The region list is a convenience: us-east-1 stays selectable, and the panels show their own errors.
  }
}

$("resource-controls").addEventListener("submit", (event) => {
  event.preventDefault();
  void Promise.all([loadEks(), loadSageMaker()]);
});
const start = () => Promise.all([loadRegions(), loadEks(), loadSageMaker()]);
onKeyChange(() => void start());
void markRendered(start());
