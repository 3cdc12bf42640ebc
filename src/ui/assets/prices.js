// Prices page: cloud/service/region from /v1/catalog, prices from /v1/prices/{cloud}/{service} with
// the instance filters and a purchase option, and a shape compared across places with /v1/instances.
import { api, el, markRendered, onKeyChange, panel, price, provenance, rankedBars, table, tableAlternative } from "./common.js";

const catalogPanel = panel("catalog");
const prices = panel("price-list");
const compare = panel("compare");
const form = document.getElementById("price-controls");
const $ = (id) => document.getElementById(id);
let catalog;

const PLACES = ["aws:us-east-1", "aws:eu-west-1", "aws:ap-southeast-1", "azure:eastus", "azure:westeurope", "gcp:us-central1", "gcp:europe-west1"];

const cloudOf = () => catalog.clouds.find((c) => c.id === $("p-cloud").value);
const serviceOf = () => cloudOf()?.services.find((s) => s.id === $("p-service").value);
const option = (value, text, selected) => el("option", { value, selected }, text);

function fillServices() {
  const cloud = cloudOf();
  $("p-service").replaceChildren(...cloud.services.map((s) => option(s.id, s.title, false)));
  const instances = cloud.services.find((s) => s.parameters.includes("minVcpu"));
  if (instances) $("p-service").value = instances.id;
  fillRegions();
}

function fillRegions() {
  const cloud = cloudOf();
  const service = serviceOf();
  const counts = service.fallback.regions;
  // Regions with prices in the tables first, with their counts; then the cloud's other regions.
  const priced = Object.keys(counts).sort();
  const others = cloud.regions.filter((r) => !(r in counts));
  const preferred = { aws: "us-east-1", azure: "eastus", gcp: "us-central1" }[cloud.id];
  $("p-region").replaceChildren(
    ...priced.map((r) => option(r, `${r} (${counts[r]} prices)`, r === preferred)),
    ...others.map((r) => option(r, `${r}`, false)),
  );
  const specs = service.parameters.includes("minVcpu");
  $("p-specs").hidden = !specs;
  $("p-specs").disabled = !specs;
}

function syncTerm() {
  const o = $("p-option").value;
  const term = document.querySelector(".term");
  term.hidden = !(o === "reserved" || o === "savings-plan");
}

async function loadCatalog() {
  catalogPanel.loading();
  try {
    catalog = (await api("/v1/catalog")).body;
    $("p-cloud").replaceChildren(...catalog.clouds.map((c) => option(c.id, c.title, c.id === "aws")));
    fillServices();
    syncTerm();
    const rows = catalog.clouds.flatMap((c) => c.services.map((s) => [`${c.id} / ${s.id}`, s.title, { text: String(Object.keys(s.fallback.regions).length), num: true }, { text: String(s.fallback.prices), num: true }]));
    catalogPanel.show(
      el("p", {}, `${catalog.clouds.length} clouds, ${rows.length} services. Fallback tables' newest price is of ${catalog.asOf}.`),
      el("details", {}, el("summary", {}, "Services and their fallback coverage"), table("Services, regions with fallback prices, and price rows", ["Service", "Title", { text: "Regions", num: true }, { text: "Prices", num: true }], rows)),
      provenance(catalog.source, catalog.asOf),
    );
    $("x-places").replaceChildren(
      el("legend", {}, "Where"),
      ...PLACES.map((p, i) => el("label", {}, el("input", { type: "checkbox", name: "place", value: p, checked: i < 2 || p.startsWith("azure:eastus") || p === "gcp:us-central1" }), ` ${p}`)),
    );
    return true;
  } catch (error) {
    catalogPanel.error(error, () => void start());
    prices.empty("Waiting for the catalogue.");
    compare.empty("Waiting for the catalogue.");
    return false;
  }
}

function priceQuery() {
  const service = serviceOf();
  const p = new URLSearchParams({ region: $("p-region").value });
  const o = $("p-option").value;
  if (o !== "on-demand") p.set("purchaseOption", o);
  if (o === "reserved" || o === "savings-plan") p.set("term", $("p-term").value);
  if (service.parameters.includes("minVcpu")) {
    for (const [id, name] of [["p-minvcpu", "minVcpu"], ["p-maxvcpu", "maxVcpu"], ["p-minmem", "minMemoryGiB"], ["p-maxmem", "maxMemoryGiB"], ["p-arch", "architecture"], ["p-gpu", "gpu"]]) {
      if ($(id).value) p.set(name, $(id).value);
    }
    p.set("limit", "50");
  }
  return p;
}

async function loadPrices() {
  const cloud = cloudOf();
  const service = serviceOf();
  const query = priceQuery();
  prices.loading();
  try {
    const { body } = await api(`/v1/prices/${cloud.id}/${service.id}?${query}`);
    if (body.items.length === 0) {
      prices.empty(`No prices for ${service.title} in ${body.region} with these filters.${body.unavailable.length ? ` Unavailable: ${body.unavailable.map((u) => `${u.id}: ${u.reason}`).join("; ")}` : ""}`);
      return;
    }
    const specs = body.items.some((i) => i.vcpu !== undefined);
    const purchase = body.items.some((i) => i.purchase);
    const headers = ["Item", "Description", ...(specs ? [{ text: "vCPU", num: true }, { text: "Memory GiB", num: true }, "Arch", "GPU"] : []), { text: "Price", num: true }, "Unit", ...(purchase ? ["Purchase", { text: "On demand", num: true }, { text: "Saving", num: true }] : []), "Source", "As of", ...(specs ? ["Compare"] : [])];
    const rows = body.items.map((i) => [
      i.id,
      i.description,
      ...(specs
        ? [{ text: String(i.vcpu ?? ""), num: true }, { text: String(i.memoryGiB ?? ""), num: true }, i.architecture ?? "", i.gpu ? `${i.gpu.count}× ${i.gpu.model ?? "GPU"}` : ""]
        : []),
      { text: price(i.price, 6), num: true },
      i.unit,
      ...(purchase
        ? [
            i.purchase ? [i.purchase.option, i.purchase.term, i.purchase.payment].filter(Boolean).join(" ") : "",
            { text: i.purchase?.onDemandPrice ? price(i.purchase.onDemandPrice, 6) : "—", num: true },
            { text: i.purchase?.savingPercent ? `${Number(i.purchase.savingPercent).toFixed(1)}%` : "—", num: true },
          ]
        : []),
      i.source,
      i.asOf,
      ...(specs
        ? [el("button", { type: "button", class: "secondary", "aria-label": `Compare ${i.id} across regions and clouds`, onclick: () => compareShape(i) }, "Compare")]
        : []),
    ]);
    const hourly = body.items.filter((i) => i.unit === "hour").slice(0, 15);
    prices.show(
      hourly.length > 1 ? rankedBars(`Hourly price of the first ${hourly.length} items in ${body.region}`, hourly.map((i) => ({ label: i.id, value: Number(i.price), text: `${price(i.price, 6)}/h` }))) : null,
      tableAlternative("Table of the chart (every price listed)", table(`${service.title} in ${body.region}: ${body.items.length} prices (USD)`, headers, rows, { id: "price-table" }), { open: true }),
      body.unavailable.length ? el("p", { class: "notes" }, `Not available: ${body.unavailable.map((u) => `${u.id}: ${u.reason}`).join("; ")}`) : null,
      provenance([...new Set(body.items.map((i) => i.source))].join(", "), [...new Set(body.items.map((i) => i.asOf))].join(", ")),
    );
  } catch (error) {
    prices.error(error, () => void loadPrices());
  }
}

function compareShape(item) {
  $("x-vcpu").value = item.vcpu;
  $("x-mem").value = item.memoryGiB;
  $("x-arch").value = item.architecture ?? "";
  void loadCompare();
  $("compare").scrollIntoView();
}

async function loadCompare() {
  const f = new FormData($("compare-form"));
  const vcpu = String(f.get("vcpu"));
  const mem = String(f.get("mem"));
  const places = f.getAll("place").map(String);
  if (places.length === 0) {
    compare.empty("Pick at least one place.");
    return;
  }
  const p = new URLSearchParams({ minVcpu: vcpu, maxVcpu: vcpu, minMemoryGiB: mem, maxMemoryGiB: mem, regions: places.join(","), clouds: [...new Set(places.map((x) => x.split(":")[0]))].join(","), limit: "100" });
  if (f.get("architecture")) p.set("architecture", String(f.get("architecture")));
  compare.loading();
  try {
    const { body } = await api(`/v1/instances?${p}`);
    if (body.rows.length === 0) {
      compare.empty(`No type with exactly ${vcpu} vCPU and ${mem} GiB in ${places.join(", ")}.${body.unavailable.length ? ` Not searched: ${body.unavailable.map((u) => `${u.cloud}:${u.region} (${u.reason})`).join("; ")}` : ""}`);
      return;
    }
    // The cheapest row per place (rows come sorted by price).
    const cheapest = new Map();
    for (const r of body.rows) if (!cheapest.has(`${r.cloud}:${r.region}`)) cheapest.set(`${r.cloud}:${r.region}`, r);
    const headers = ["Place", "Type", { text: "vCPU", num: true }, { text: "Memory GiB", num: true }, "Arch", { text: "Hourly", num: true }, { text: "Monthly (730 h)", num: true }, "Source", "As of"];
    const row = (r) => [`${r.cloud}:${r.region}`, r.id, { text: String(r.vcpu), num: true }, { text: String(r.memoryGiB), num: true }, r.architecture ?? "", { text: price(r.hourly, 6), num: true }, { text: price(r.monthly, 2), num: true }, r.source, r.asOf];
    compare.show(
      rankedBars(`Cheapest ${vcpu} vCPU / ${mem} GiB type per place, hourly`, [...cheapest.values()].map((r) => ({ label: `${r.cloud}:${r.region} ${r.id}`, value: Number(r.hourly), text: `${price(r.hourly, 6)}/h · ${r.source} ${r.asOf}` }))),
      tableAlternative("Table of the chart", table(`Every ${vcpu} vCPU / ${mem} GiB type in the chosen places, cheapest first (${body.matched} matched)`, headers, body.rows.map(row), { id: "compare-table" })),
      body.unavailable.length ? el("p", { class: "notes" }, `Not searched: ${body.unavailable.map((u) => `${u.cloud}:${u.region} (${u.reason})`).join("; ")}`) : null,
      el("ul", { class: "notes" }, body.notes.map((n) => el("li", {}, n))),
    );
  } catch (error) {
    compare.error(error, () => void loadCompare());
  }
}

$("p-cloud").addEventListener("change", fillServices);
$("p-service").addEventListener("change", fillRegions);
$("p-option").addEventListener("change", syncTerm);
form.addEventListener("submit", (event) => {
  event.preventDefault();
  if (catalog) void loadPrices();
});
$("compare-form").addEventListener("submit", (event) => {
  event.preventDefault();
  if (catalog) void loadCompare();
});

async function start() {
  if (await loadCatalog()) await Promise.all([loadPrices(), loadCompare()]);
}
onKeyChange(() => void start());
void markRendered(start());
