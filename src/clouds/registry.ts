import type { FallbackTables, TableCatalog } from "../fallback/tables.ts";
import { loadFallbackTables } from "../fallback/tables.ts";
import { aws } from "./aws/index.ts";
import { azure } from "./azure/index.ts";
import { gcp } from "./gcp/index.ts";
import type { CloudPlugin } from "./types.ts";

/**
 * The clouds Pricebook knows. Routes, the batch, /v1/catalog, the OpenAPI document and the fallback
 * tables' validation are all made from these. Adding a cloud = its folder + one line here.
 */
export const CLOUDS: readonly CloudPlugin[] = [aws, azure, gcp];

export function cloud(id: string, clouds: readonly CloudPlugin[] = CLOUDS): CloudPlugin | undefined {
  return clouds.find((c) => c.id === id);
}

/** What the tables are validated against: each cloud's regions and service definitions. */
export function tableCatalog(clouds: readonly CloudPlugin[] = CLOUDS): TableCatalog {
  return {
    regions: (id) => cloud(id, clouds)?.regions,
    service: (id, service) => cloud(id, clouds)?.services.find((s) => s.id === service),
  };
}

/** Loads and validates every cloud's fallback tables under `dir`. */
export function loadTables(dir: string, clouds: readonly CloudPlugin[] = CLOUDS): FallbackTables {
  return loadFallbackTables(dir, tableCatalog(clouds), clouds.map((c) => c.id));
}
