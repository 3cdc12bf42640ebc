import { existsSync } from "node:fs";
import { join } from "node:path";
import type { CloudPlugin } from "../clouds/types.ts";
import type { FallbackTables } from "../fallback/tables.ts";
import { type SpecIndex, specIndex } from "../fallback/specs.ts";
import type { Estimator } from "./line.ts";

/** Every cloud's estimators, by "cloud/service", with the spec catalogues the tables directory ships. */
export function estimatorsOf(clouds: readonly CloudPlugin[], tables: FallbackTables): Map<string, Estimator<never>> {
  const out = new Map<string, Estimator<never>>();
  for (const cloud of clouds) {
    const indexes = new Map<string, SpecIndex | undefined>();
    const specs = (service: string): SpecIndex | undefined => {
      if (!indexes.has(service)) {
        const dir = tables.dir;
        indexes.set(service, dir && existsSync(join(dir, "specs", cloud.id, `${service}.json`)) ? specIndex(dir, cloud.id, service) : undefined);
      }
      return indexes.get(service);
    };
    for (const [service, estimator] of Object.entries(cloud.estimators?.({ specs }) ?? {})) out.set(`${cloud.id}/${service}`, estimator);
  }
  return out;
}
