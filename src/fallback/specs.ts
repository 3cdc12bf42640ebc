import { readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { ARCHITECTURES, type InstanceSpecs } from "../domain/price.ts";
import { gpuSchema } from "./schema.ts";

/**
 * What each instance type of a service is (vCPU, memory, architecture, GPUs, burstable), as the cloud
 * states it (`fallback-pricing/specs/<cloud>/<service>.json`, every entry citing its spec source).
 * Live mode and `npm run fallback:refresh` attach these to the prices they read, so a live item and a
 * table row of the same type carry the same spec fields. Read on first use.
 */

const specSchema = z.strictObject({
  vcpu: z.number().positive(),
  memoryGiB: z.number().positive(),
  architecture: z.enum(ARCHITECTURES).optional(),
  gpu: gpuSchema.optional(),
  burstable: z.boolean().optional(),
  specSource: z.string().min(1),
});

const fileSchema = z.object({
  cloud: z.string(),
  service: z.string(),
  sources: z.record(z.string(), z.object({ citation: z.string().min(8), asOf: z.string().optional(), note: z.string().optional() })),
  types: z.record(z.string(), specSchema),
});

export type SpecsOf = (id: string) => InstanceSpecs | undefined;

/** One type's specs with where they are stated (a key of the file's sources and its entry). */
export interface StatedSpecs {
  specs: InstanceSpecs;
  sourceKey: string;
  source: { citation: string; asOf?: string; note?: string };
}

/** A lookup of the specs file for one cloud service; the file is read (and checked) on the first call. */
export function specCatalog(dir: string, cloud: string, service: string): SpecsOf {
  const index = specIndex(dir, cloud, service);
  return (id) => index.get(id)?.specs;
}

/** Like `specCatalog`, with each type's spec source (the refresh writes it into the rows). */
export function statedSpecs(dir: string, cloud: string, service: string): (id: string) => StatedSpecs | undefined {
  const index = specIndex(dir, cloud, service);
  return (id) => index.get(id);
}

/** Every type the specs file knows (what exists at all, for validation and "did you mean"), read on first use. */
export interface SpecIndex {
  get(id: string): StatedSpecs | undefined;
  ids(): Iterable<string>;
  /** Every type, in the file's order (live sources that list every type use it). */
  all(): ReadonlyMap<string, StatedSpecs>;
}

export function specIndex(dir: string, cloud: string, service: string): SpecIndex {
  let types: Map<string, StatedSpecs> | undefined;
  const load = (): Map<string, StatedSpecs> => {
    if (types) return types;
    const file = join(dir, "specs", cloud, `${service}.json`);
    const parsed = fileSchema.safeParse(JSON.parse(readFileSync(file, "utf8")));
    if (!parsed.success) throw new Error(`${file}: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
    const { sources } = parsed.data;
    const loaded = new Map<string, StatedSpecs>();
    for (const [type, { specSource, ...specs }] of Object.entries(parsed.data.types)) {
      const source = Object.hasOwn(sources, specSource) ? sources[specSource] : undefined;
      if (!source) throw new Error(`${file}: types.${type}.specSource "${specSource}" is not a key of sources`);
      const frozen = Object.freeze({ ...specs, ...(specs.gpu ? { gpu: Object.freeze({ ...specs.gpu }) } : {}) });
      loaded.set(type, { specs: frozen, sourceKey: specSource, source: source as StatedSpecs["source"] });
    }
    types = loaded;
    return loaded;
  };
  return { get: (id) => load().get(id), ids: () => load().keys(), all: load };
}

/** Every type of the specs file, in the file's order; read on first call. */
export function allStatedSpecs(dir: string, cloud: string, service: string): () => ReadonlyMap<string, StatedSpecs> {
  const index = specIndex(dir, cloud, service);
  return () => index.all();
}
