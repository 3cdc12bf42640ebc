import { readFileSync } from "node:fs";

/**
 * The SKUs the Billing Catalog fake serves: Google's own SKUs from the fixtures (unchanged), and
 * generated ones in the same wire shape (name, skuId, category, serviceRegions, pricingInfo with
 * units + nanos, geoTaxonomy) with test prices, for the services and regions the tests need. Beside
 * every SKU Pricebook must use stand the look-alikes it must not (variants, custom types, other pod
 * classes, min-instance CPU, other currencies). Spot and commitment SKUs price only their own option.
 */

export const SERVICE_IDS = {
  compute: "6F81-5844-456A",
  gke: "CCD8-9BF1-090E",
  cloudRun: "152E-C115-5142",
  vertex: "C7E2-9256-1C43",
} as const;

/** The four regions the fake prices everything in, with the location words Google's descriptions use. */
export const FAKE_REGIONS = { "us-central1": "Iowa", "europe-west1": "Belgium", "us-east1": "South Carolina", "europe-west4": "Netherlands" } as const;
export type FakeRegion = keyof typeof FAKE_REGIONS;

const fixture = (name: string) => JSON.parse(readFileSync(new URL(`../fixtures/gcp/${name}`, import.meta.url), "utf8")) as Record<string, unknown>;

/** The OpenCost page (3 raw USD SKUs + 4 re-serialised IDR SKUs) and the tiered VPN egress SKU. */
export function realSkus(): unknown[] {
  const page = fixture("gcp-catalog-skus-page-compute-engine-opencost-2023.json") as { skus: unknown[] };
  const vpn = fixture("gcp-catalog-sku-tiered-vpn-egress-2021.json") as { sku: unknown };
  return [...page.skus, vpn.sku];
}

export interface SkuSpec {
  serviceId: string;
  serviceName: string;
  description: string;
  family?: string;
  group: string;
  usageType?: string;
  regions: string[];
  usageUnit: string;
  /** [startUsageAmount, units, nanos] per tier; one tier for a flat price. */
  tiers: Array<[number, string, number]>;
  effectiveTime?: string;
  currency?: string;
}

const UNIT_WORDS: Record<string, [string, string, string, number]> = {
  h: ["hour", "s", "second", 3600],
  "GiBy.h": ["gibibyte hour", "By.s", "byte second", 3865470566400],
  s: ["second", "s", "second", 1],
  "GiBy.s": ["gibibyte second", "By.s", "byte second", 1073741824],
  count: ["count", "count", "count", 1],
};

/** A SKU id in Google's shape (XXXX-XXXX-XXXX), stable per service and description. */
function skuId(description: string): string {
  const fnv = (seed: number) => {
    let h = seed;
    for (const c of description) h = Math.imul(h ^ c.charCodeAt(0), 16777619) >>> 0;
    return h.toString(16).toUpperCase().padStart(8, "0");
  };
  const hex = `${fnv(2166136261)}${fnv(374761393)}`.slice(0, 12);
  return `${hex.slice(0, 4)}-${hex.slice(4, 8)}-${hex.slice(8, 12)}`;
}

/** One SKU as the Billing Catalog sends it. */
export function sku(s: SkuSpec): Record<string, unknown> {
  const id = skuId(`${s.serviceId}/${s.description}`);
  const [usageUnitDescription, baseUnit, baseUnitDescription, factor] = UNIT_WORDS[s.usageUnit] ?? [s.usageUnit, s.usageUnit, s.usageUnit, 1];
  return {
    name: `services/${s.serviceId}/skus/${id}`,
    skuId: id,
    description: s.description,
    category: { serviceDisplayName: s.serviceName, resourceFamily: s.family ?? "Compute", resourceGroup: s.group, usageType: s.usageType ?? "OnDemand" },
    serviceRegions: s.regions,
    pricingInfo: [
      {
        summary: "",
        pricingExpression: {
          usageUnit: s.usageUnit,
          displayQuantity: 1,
          // proto3 JSON leaves out zero values: startUsageAmount 0, units "0", nanos 0.
          tieredRates: s.tiers.map(([start, units, nanos]) => ({
            ...(start ? { startUsageAmount: start } : {}),
            unitPrice: { currencyCode: s.currency ?? "USD", ...(units !== "0" ? { units } : {}), ...(nanos ? { nanos } : {}) },
          })),
          usageUnitDescription,
          baseUnit,
          baseUnitDescription,
          baseUnitConversionFactor: factor,
        },
        currencyConversionRate: 1,
        effectiveTime: s.effectiveTime ?? "2026-11-01T08:00:00.000Z",
      },
    ],
    serviceProviderName: "Google",
    geoTaxonomy: s.regions[0] === "global" ? { type: "GLOBAL" } : { type: s.regions.length > 1 ? "MULTI_REGIONAL" : "REGIONAL", regions: s.regions },
  };
}

const compute = (description: string, group: string, regions: string[], usageUnit: string, nanos: number, extra: Partial<SkuSpec> = {}) =>
  sku({ serviceId: SERVICE_IDS.compute, serviceName: "Compute Engine", description, group, regions, usageUnit, tiers: [[0, "0", nanos]], ...extra });

/**
 * Test prices (nanos per vCPU-hour, per GiB-hour) of the core/RAM families the fake sells in its four
 * regions, and the words of their commitment SKUs ("Commitment v1: <commit> Cpu in …"; N1 has none).
 */
export const FAKE_FAMILY_RATES: Record<string, { prefix: string; core: number; ram: number; commit: string; years3: "Year" | "Years" }> = {
  e2: { prefix: "E2 Instance", core: 21_811_590, ram: 2_923_530, commit: "E2", years3: "Year" },
  n2: { prefix: "N2 Instance", core: 31_611_000, ram: 4_237_000, commit: "N2", years3: "Year" },
  n1: { prefix: "N1 Predefined Instance", core: 31_611_000, ram: 4_237_000, commit: "", years3: "Year" },
  c4a: { prefix: "C4A Arm Instance", core: 35_500_000, ram: 4_010_000, commit: "C4A Arm", years3: "Years" },
  n4: { prefix: "N4 Instance", core: 30_000_000, ram: 4_000_000, commit: "N4", years3: "Years" },
};

/**
 * Test prices of Spot and of 1- and 3-year commitments, nanos per vCPU-hour and per GiB-hour, in a
 * region with factor 1 (us-central1, us-east1); other families' are these shares of on demand.
 */
export const FAKE_OPTION_RATES: Record<string, { spot: [number, number]; commit1: [number, number]; commit3: [number, number] }> = {
  n2: { spot: [9_483_000, 1_271_000], commit1: [19_876_543, 2_654_321], commit3: [14_123_457, 1_876_543] },
};

/** A regional multiplier so that each region's prices differ (tests must see the region's own price). */
export const REGION_FACTOR: Record<FakeRegion, number> = { "us-central1": 1, "europe-west1": 1.1, "us-east1": 1, "europe-west4": 1.2 };

function optionRates(family: string, core: number, ram: number) {
  const share = (k: number): [number, number] => [Math.round(core * k), Math.round(ram * k)];
  return FAKE_OPTION_RATES[family] ?? { spot: share(0.3), commit1: share(0.63), commit3: share(0.45) };
}

export function computeSkus(): unknown[] {
  const out: unknown[] = [...realSkus()];
  for (const [region, place] of Object.entries(FAKE_REGIONS) as Array<[FakeRegion, string]>) {
    const f = REGION_FACTOR[region];
    for (const [family, { prefix, core, ram, commit, years3 }] of Object.entries(FAKE_FAMILY_RATES)) {
      out.push(compute(`${prefix} Core running in ${place}`, "CPU", [region], "h", Math.round(core * f)));
      out.push(compute(`${prefix} Ram running in ${place}`, "RAM", [region], "GiBy.h", Math.round(ram * f)));
      // Spot and commitments: never an on-demand price, each its own option's.
      const o = optionRates(family, core, ram);
      const words = commit ? `${commit} ` : "";
      out.push(compute(`Spot Preemptible ${prefix} Core running in ${place}`, "CPU", [region], "h", Math.round(o.spot[0] * f), { usageType: "Preemptible" }));
      out.push(compute(`Spot Preemptible ${prefix} Ram running in ${place}`, "RAM", [region], "GiBy.h", Math.round(o.spot[1] * f), { usageType: "Preemptible" }));
      out.push(compute(`Commitment v1: ${words}Cpu in ${place} for 1 Year`, "CPU", [region], "h", Math.round(o.commit1[0] * f), { usageType: "Commit1Yr" }));
      out.push(compute(`Commitment v1: ${words}Ram in ${place} for 1 Year`, "RAM", [region], "GiBy.h", Math.round(o.commit1[1] * f), { usageType: "Commit1Yr" }));
      out.push(compute(`Commitment v1: ${words}Cpu in ${place} for 3 ${years3}`, "CPU", [region], "h", Math.round(o.commit3[0] * f), { usageType: "Commit3Yr" }));
      out.push(compute(`Commitment v1: ${words}Ram in ${place} for 3 ${years3}`, "RAM", [region], "GiBy.h", Math.round(o.commit3[1] * f), { usageType: "Commit3Yr" }));
      // Look-alikes that must never price a machine.
      out.push(compute(`${prefix} Core running in ${place} (DWS defined duration)`, "CPU", [region], "h", 1));
      out.push(compute(`Spot Preemptible ${prefix} Core running in ${place} (DWS defined duration)`, "CPU", [region], "h", 1, { usageType: "Preemptible" }));
    }
    out.push(compute(`Micro Instance with burstable CPU running in ${place}`, "F1Micro", [region], "h", Math.round(7_600_000 * f)));
    out.push(compute(`Spot Preemptible Micro Instance with burstable CPU running in ${place}`, "F1Micro", [region], "h", Math.round(3_500_000 * f), { usageType: "Preemptible" }));
    out.push(compute(`N2 Custom Instance Core running in ${place}`, "CPU", [region], "h", 33_191_550));
    out.push(compute(`Commitment v1: N2 Custom Cpu in ${place} for 1 Year`, "CPU", [region], "h", 1, { usageType: "Commit1Yr" }));
  }
  out.push(compute("G2 Instance Core running in Iowa", "CPU", ["us-central1"], "h", 24_988_000));
  out.push(compute("G2 Instance Ram running in Iowa", "RAM", ["us-central1"], "GiBy.h", 2_927_000));
  out.push(compute("Nvidia L4 GPU running in Iowa", "GPU", ["us-central1"], "h", 560_000_000));
  out.push(compute("Spot Preemptible G2 Instance Core running in Iowa", "CPU", ["us-central1"], "h", 9_995_000, { usageType: "Preemptible" }));
  out.push(compute("Spot Preemptible G2 Instance Ram running in Iowa", "RAM", ["us-central1"], "GiBy.h", 1_171_000, { usageType: "Preemptible" }));
  out.push(compute("Nvidia L4 GPU attached to Spot Preemptible VMs running in Iowa", "GPU", ["us-central1"], "h", 224_000_000, { usageType: "Preemptible" }));
  return out;
}

const gkeSku = (description: string, regions: string[], usageUnit: string, tiers: Array<[number, string, number]>, usageType = "OnDemand") =>
  sku({ serviceId: SERVICE_IDS.gke, serviceName: "Kubernetes Engine", description, group: "Kubernetes Clusters", regions, usageUnit, tiers, usageType });

export function gkeSkus(): unknown[] {
  const out: unknown[] = [
    gkeSku("Regional Kubernetes Clusters", ["global"], "h", [[0, "0", 100_000_000]]),
    gkeSku("Zonal Kubernetes Clusters", ["global"], "h", [[0, "0", 100_000_000]]),
    gkeSku("Autopilot Kubernetes Clusters", ["global"], "h", [[0, "0", 100_000_000]]),
  ];
  for (const region of Object.keys(FAKE_REGIONS) as FakeRegion[]) {
    const f = REGION_FACTOR[region];
    out.push(gkeSku(`Autopilot Pod mCPU Requests (${region})`, [region], "h", [[0, "0", Math.round(44_500 * f)]]));
    out.push(gkeSku(`Autopilot Pod Memory Requests (${region})`, [region], "GiBy.h", [[0, "0", Math.round(4_922_500 * f)]]));
    out.push(gkeSku(`Autopilot Spot Pod mCPU Requests (${region})`, [region], "h", [[0, "0", 13_300]], "Preemptible"));
    out.push(gkeSku(`Autopilot Balanced Pod mCPU Requests (${region})`, [region], "h", [[0, "0", 56_100]]));
    out.push(gkeSku(`Autopilot Pod Ephemeral Storage Requests (${region})`, [region], "GiBy.h", [[0, "0", 54_800]]));
  }
  return out;
}

export const CLOUD_RUN_TIER1 = ["us-central1", "europe-west1", "us-east1", "europe-west4", "asia-east1"];
export const CLOUD_RUN_TIER2 = ["europe-west2", "asia-east2", "southamerica-east1"];

const run = (description: string, regions: string[], usageUnit: string, tiers: Array<[number, string, number]>) =>
  sku({ serviceId: SERVICE_IDS.cloudRun, serviceName: "Cloud Run", description, family: "ApplicationServices", group: "Compute", regions, usageUnit, tiers });

export function cloudRunSkus(): unknown[] {
  const out: unknown[] = [
    // The free tier is the $0 first tier.
    run("Services CPU (Request-based billing)", CLOUD_RUN_TIER1, "s", [[0, "0", 0], [180_000, "0", 24_000]]),
    run("Services Memory (Request-based billing)", CLOUD_RUN_TIER1, "GiBy.s", [[0, "0", 0], [360_000, "0", 2_500]]),
    run("Services CPU Tier 2  (Request-based billing)", CLOUD_RUN_TIER2, "s", [[0, "0", 0], [180_000, "0", 33_600]]),
    run("Services Memory Tier 2 (Request-based billing)", CLOUD_RUN_TIER2, "GiBy.s", [[0, "0", 0], [360_000, "0", 3_500]]),
    run("Requests", ["global"], "count", [[0, "0", 0], [2_000_000, "0", 400]]),
    run("Services Min Instance CPU (Request-based billing)", CLOUD_RUN_TIER1, "s", [[0, "0", 2_500]]),
    run("Cloud Run functions Memory (Request-based billing)", CLOUD_RUN_TIER1, "GiBy.s", [[0, "0", 2_500]]),
  ];
  for (const region of CLOUD_RUN_TIER1.slice(0, 4)) {
    out.push(run(`Services CPU (Instance-based billing) in ${region}`, [region], "s", [[0, "0", 18_000]]));
    out.push(run(`Services Memory (Instance-based billing) in ${region}`, [region], "GiBy.s", [[0, "0", 2_000]]));
  }
  return out;
}

const vertex = (description: string, regions: string[], usageUnit: string, nanos: number) =>
  sku({ serviceId: SERVICE_IDS.vertex, serviceName: "Vertex AI", description, family: "Compute", group: usageUnit === "h" ? "CPU" : "RAM", regions, usageUnit, tiers: [[0, "0", nanos]] });

const AMERICAS = ["us-central1", "us-east1", "us-west1"];

export function vertexSkus(): unknown[] {
  return [
    vertex("Vertex AI: Training/Pipelines on N1 Predefined Instance Core running in Americas", AMERICAS, "h", 36_353_100),
    vertex("Vertex AI: Training/Pipelines on N1 Predefined Instance Ram running in Americas", AMERICAS, "GiBy.h", 4_872_700),
    vertex("Vertex AI: Training/Pipelines Management fee on N1 Instance Core in Americas", AMERICAS, "h", 4_742_000),
    vertex("Vertex AI: Training/Pipelines Management fee on N1 Instance RAM in Americas", AMERICAS, "GiBy.h", 636_000),
    vertex("Vertex AI: Online/Batch Prediction N1 Predefined Instance Core running in Americas", AMERICAS, "h", 31_613_000),
    vertex("Vertex AI: Online/Batch Prediction N1 Predefined Instance Ram running in Americas", AMERICAS, "GiBy.h", 4_237_000),
    vertex("Vertex AI: Training/Pipelines on E2 Instance Core running in Belgium", ["europe-west1"], "h", 23_993_000),
    vertex("Vertex AI: Training/Pipelines on E2 Instance Ram running in Belgium", ["europe-west1"], "GiBy.h", 3_215_900),
    vertex("Vertex AI: Online/Batch Prediction E2 Instance Core running in Belgium", ["europe-west1"], "h", 23_993_000),
    vertex("Vertex AI: Online/Batch Prediction E2 Instance Ram running in Belgium", ["europe-west1"], "GiBy.h", 3_215_900),
  ];
}

/** Every service the fake lists, with noise around the four Pricebook resolves by name. */
export function fakeServices(): Array<{ name: string; serviceId: string; displayName: string; businessEntityName: string }> {
  const entries: Array<[string, string]> = [
    ["24E6-581D-38E5", "BigQuery"],
    [SERVICE_IDS.compute, "Compute Engine"],
    ["29E7-DA93-CA13", "Cloud Run functions"],
    [SERVICE_IDS.cloudRun, "Cloud Run"],
    [SERVICE_IDS.gke, "Kubernetes Engine"],
    ["95FF-2EF5-5EA1", "Cloud Storage"],
    [SERVICE_IDS.vertex, "Vertex AI"],
  ];
  return entries.map(([serviceId, displayName]) => ({ name: `services/${serviceId}`, serviceId, displayName, businessEntityName: "businessEntities/GCP" }));
}

export function fakeCatalogue(): Record<string, unknown[]> {
  return {
    [SERVICE_IDS.compute]: computeSkus(),
    [SERVICE_IDS.gke]: gkeSkus(),
    [SERVICE_IDS.cloudRun]: cloudRunSkus(),
    [SERVICE_IDS.vertex]: vertexSkus(),
  };
}
