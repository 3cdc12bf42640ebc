import type { CloudPlugin } from "../types.ts";
import { GCP_SERVICES } from "./catalog.ts";
import { classifyGcpError } from "./errors.ts";
import { GCP_WORKLOADS, gcpEstimators } from "./estimates.ts";
import { createLiveGcp } from "./live.ts";
import { createMockGcp } from "./mock.ts";
import { gcpRegions } from "./regions.ts";

/** Google Cloud: Compute Engine, GKE, Cloud Run and Vertex AI list prices, as one plug-in. */
export const gcp: CloudPlugin = {
  id: "gcp",
  title: "Google Cloud",
  regions: gcpRegions,
  services: GCP_SERVICES,
  classify: classifyGcpError,
  createMock: createMockGcp,
  createLive: createLiveGcp,
  estimators: gcpEstimators,
  workloads: GCP_WORKLOADS,
};
