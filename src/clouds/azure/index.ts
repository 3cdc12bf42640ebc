import type { CloudPlugin } from "../types.ts";
import { AZURE_SERVICES } from "./catalog.ts";
import { classifyAzureError } from "./errors.ts";
import { AZURE_WORKLOADS, azureEstimators } from "./estimates.ts";
import { createLiveAzure } from "./live.ts";
import { createMockAzure } from "./mock.ts";
import { azureRegions } from "./regions.ts";

/** Microsoft Azure: list prices from the Retail Prices API, as one plug-in. */
export const azure: CloudPlugin = {
  id: "azure",
  title: "Microsoft Azure",
  regions: azureRegions,
  services: AZURE_SERVICES,
  classify: classifyAzureError,
  createMock: createMockAzure,
  createLive: createLiveAzure,
  estimators: azureEstimators,
  workloads: AZURE_WORKLOADS,
};
