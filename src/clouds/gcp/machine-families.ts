import { machineFamily } from "./catalog.ts";

/**
 * How Compute Engine bills each machine family, by the words of Google's SKU descriptions: a machine
 * type has no SKU of its own; it is billed "<prefix> Core running in <location>" per vCPU-hour plus
 * "<prefix> Ram running in <location>" per GiB-hour (+ its GPUs' SKUs), or one per-instance SKU for
 * the two oldest shared-core types. The prefixes are those of Cyclenerd/google-cloud-pricing-cost-calculator
 * build/mapping.csv @ fd66b26ff84fee5cdd94f341ea89206e76c06b99 (2026-07-22), which maps families to
 * the Billing Catalog's descriptions for its weekly price build.
 */
export interface FamilyBilling {
  /** "N2 Instance": the Core and Ram SKUs are "N2 Instance Core running in …", "N2 Instance Ram running in …". */
  prefix?: string;
  /** A second Core/Ram pair billed on top (M2: "Memory Optimized Upgrade Premium for Memory-optimized Instance"). */
  premium?: string;
  /** One SKU per instance-hour (f1-micro, g1-small). */
  instance?: string;
  /**
   * The family's words in its resource-based commitment SKUs, "Commitment v1: <commit> Cpu|Ram in
   * <location> for 1 Year|3 Years" ("" for N1: "Commitment v1: Cpu in …"); undefined where Google sells
   * none (T2A) or Pricebook knows none (the M2 premium). Same mapping.csv, and Google's
   * cloud-pricing-export filters (GoogleCloudPlatform professional-services, `conf` generator).
   */
  commit?: string;
}

export const FAMILY_BILLING: Readonly<Record<string, FamilyBilling>> = {
  a2: { prefix: "A2 Instance", commit: "A2" },
  a3: { prefix: "A3 Instance", commit: "A3" },
  c2: { prefix: "Compute optimized", commit: "Compute optimized" },
  c2d: { prefix: "C2D AMD Instance", commit: "C2D AMD" },
  c3: { prefix: "C3 Instance", commit: "C3" },
  c3d: { prefix: "C3D Instance", commit: "C3D" },
  c4: { prefix: "C4 Instance", commit: "C4" },
  c4a: { prefix: "C4A Arm Instance", commit: "C4A Arm" },
  c4d: { prefix: "C4D Instance", commit: "C4D" },
  c4n: { prefix: "C4N Instance", commit: "C4N" },
  e2: { prefix: "E2 Instance", commit: "E2" },
  f1: { instance: "Micro Instance with burstable CPU" },
  g1: { instance: "Small Instance with 1 VCPU" },
  g2: { prefix: "G2 Instance", commit: "G2" },
  g4: { prefix: "G4 Instance", commit: "G4" },
  h3: { prefix: "H3 Instance", commit: "H3" },
  m1: { prefix: "Memory-optimized Instance", commit: "Memory-optimized" },
  m2: { prefix: "Memory-optimized Instance", premium: "Memory Optimized Upgrade Premium for Memory-optimized Instance" },
  m3: { prefix: "M3 Memory-optimized Instance", commit: "M3 Memory-optimized" },
  m4: { prefix: "M4 Instance", commit: "M4" },
  "m4-ultramem-224": { prefix: "M4Ultramem224 Instance", commit: "M4Ultramem224" },
  m4n: { prefix: "M4N Instance", commit: "M4N" },
  n1: { prefix: "N1 Predefined Instance", commit: "" },
  n2: { prefix: "N2 Instance", commit: "N2" },
  n2d: { prefix: "N2D AMD Instance", commit: "N2D AMD" },
  n4: { prefix: "N4 Instance", commit: "N4" },
  n4a: { prefix: "N4A Instance", commit: "N4A" },
  n4d: { prefix: "N4D Instance", commit: "N4D" },
  t2a: { prefix: "T2A Arm Instance" },
  t2d: { prefix: "T2D AMD Instance", commit: "T2D AMD" },
  z3: { prefix: "Z3 Instance", commit: "Z3" },
};

/** The billing family of a machine type: its family token, except types Google bills apart. */
export function billingFamily(machineType: string): string {
  return machineType === "m4-ultramem-224" ? machineType : machineFamily(machineType);
}

/**
 * Shared-core types, which no resource-based commitment covers: "Committed use discounts work on all
 * Compute Engine non-shared-core machine types" (Google, signing-up-committed-use-discounts; see
 * fallback-pricing/notes/purchase-gcp.md, which leaves them out of the tables for the same reason).
 */
export const SHARED_CORE: ReadonlySet<string> = new Set(["e2-micro", "e2-small", "e2-medium", "f1-micro", "g1-small"]);

/** The GPU SKU an accelerator-optimized type bills per GPU-hour (same mapping.csv), by type prefix. */
const GPU_SKUS: ReadonlyArray<readonly [string, string]> = [
  ["a2-ultragpu-", "Nvidia Tesla A100 80GB GPU"],
  ["a2-", "Nvidia Tesla A100 GPU"],
  ["a3-megagpu-", "Nvidia H100 80GB Mega GPU"],
  ["a3-", "Nvidia H100 80GB GPU"],
  ["g2-", "Nvidia L4 GPU"],
  ["g4-", "RTX 6000 96GB"],
];

export function gpuSkuPrefix(machineType: string): string | undefined {
  return GPU_SKUS.find(([typePrefix]) => machineType.startsWith(typePrefix))?.[1];
}

/** Every description prefix the matcher keeps, by role. */
export const CORE_RAM_PREFIXES: ReadonlySet<string> = new Set(
  Object.values(FAMILY_BILLING).flatMap((f) => [f.prefix, f.premium].filter((p): p is string => p !== undefined)),
);
export const INSTANCE_PREFIXES: ReadonlySet<string> = new Set(
  Object.values(FAMILY_BILLING).flatMap((f) => (f.instance ? [f.instance] : [])),
);
export const GPU_PREFIXES: ReadonlySet<string> = new Set(GPU_SKUS.map(([, sku]) => sku));

/**
 * Types whose published price includes local SSD they always come with (GB per type, as Cyclenerd
 * build/gcp.yml @ fd66b26ff84fee5cdd94f341ea89206e76c06b99 states it). vCPU × core + GiB × RAM would
 * leave that out, so live mode does not compose them; the fallback tables carry their published price.
 */
export const BUNDLED_LOCAL_SSD_GB: Readonly<Record<string, number>> = {
  "a2-ultragpu-1g": 375, "a2-ultragpu-2g": 750, "a2-ultragpu-4g": 1500, "a2-ultragpu-8g": 3000, "a3-highgpu-1g": 750,
  "a3-highgpu-2g": 1500, "a3-highgpu-4g": 3000, "a3-highgpu-8g": 6000, "a3-megagpu-8g": 6000,
  "c3-standard-176-lssd": 12000, "c3-standard-22-lssd": 1500, "c3-standard-4-lssd": 375, "c3-standard-44-lssd": 3000,
  "c3-standard-8-lssd": 750, "c3-standard-88-lssd": 6000, "c3d-highmem-16-lssd": 375, "c3d-highmem-180-lssd": 6000,
  "c3d-highmem-30-lssd": 750, "c3d-highmem-360-lssd": 12000, "c3d-highmem-60-lssd": 1500, "c3d-highmem-8-lssd": 375,
  "c3d-highmem-90-lssd": 3000, "c3d-standard-16-lssd": 375, "c3d-standard-180-lssd": 6000,
  "c3d-standard-30-lssd": 750, "c3d-standard-360-lssd": 12000, "c3d-standard-60-lssd": 1500,
  "c3d-standard-8-lssd": 375, "c3d-standard-90-lssd": 3000, "c4-highmem-144-lssd": 9000, "c4-highmem-16-lssd": 750,
  "c4-highmem-192-lssd": 12000, "c4-highmem-24-lssd": 1500, "c4-highmem-288-lssd": 18000,
  "c4-highmem-288-lssd-metal": 18000, "c4-highmem-32-lssd": 1875, "c4-highmem-4-lssd": 375,
  "c4-highmem-48-lssd": 3000, "c4-highmem-8-lssd": 375, "c4-highmem-96-lssd": 6000, "c4-standard-144-lssd": 9000,
  "c4-standard-16-lssd": 750, "c4-standard-192-lssd": 12000, "c4-standard-24-lssd": 1500,
  "c4-standard-288-lssd": 18000, "c4-standard-288-lssd-metal": 18000, "c4-standard-32-lssd": 1875,
  "c4-standard-4-lssd": 375, "c4-standard-48-lssd": 3000, "c4-standard-8-lssd": 375, "c4-standard-96-lssd": 6000,
  "c4a-highmem-16-lssd": 1500, "c4a-highmem-32-lssd": 2250, "c4a-highmem-4-lssd": 375, "c4a-highmem-48-lssd": 3750,
  "c4a-highmem-64-lssd": 5250, "c4a-highmem-72-lssd": 6000, "c4a-highmem-8-lssd": 750, "c4a-standard-16-lssd": 1500,
  "c4a-standard-32-lssd": 2250, "c4a-standard-4-lssd": 375, "c4a-standard-48-lssd": 3750,
  "c4a-standard-64-lssd": 5250, "c4a-standard-72-lssd": 6000, "c4a-standard-8-lssd": 750, "c4d-highmem-16-lssd": 375,
  "c4d-highmem-192-lssd": 6000, "c4d-highmem-32-lssd": 750, "c4d-highmem-384-lssd": 12000,
  "c4d-highmem-48-lssd": 1500, "c4d-highmem-64-lssd": 2250, "c4d-highmem-8-lssd": 375, "c4d-highmem-96-lssd": 3000,
  "c4d-standard-16-lssd": 375, "c4d-standard-192-lssd": 6000, "c4d-standard-32-lssd": 750,
  "c4d-standard-384-lssd": 12000, "c4d-standard-48-lssd": 1500, "c4d-standard-64-lssd": 2250,
  "c4d-standard-8-lssd": 375, "c4d-standard-96-lssd": 3000, "z3-highmem-14-standardlssd": 3000,
  "z3-highmem-16-highlssd": 6000, "z3-highmem-176-standardlssd": 36000, "z3-highmem-192-highlssd-metal": 72000,
  "z3-highmem-22-highlssd": 9000, "z3-highmem-22-standardlssd": 6000, "z3-highmem-32-highlssd": 12000,
  "z3-highmem-44-highlssd": 18000, "z3-highmem-44-standardlssd": 9000, "z3-highmem-8-highlssd": 3000,
  "z3-highmem-88-highlssd": 36000, "z3-highmem-88-standardlssd": 18000,
};
