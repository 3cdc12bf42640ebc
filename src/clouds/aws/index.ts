import type { CloudPlugin } from "../types.ts";
import { AWS_OPTION_HINTS, AWS_SERVICES } from "./catalog.ts";
import { AWS_COST_SERVICE_ALIASES } from "./cost-names.ts";
import { classifyAwsError } from "./errors.ts";
import { AWS_WORKLOADS, awsEstimators } from "./estimates.ts";
import { createLiveAws } from "./live.ts";
import { createMockAws } from "./mock.ts";
import { awsRegions } from "./regions.ts";

/** Amazon Web Services: everything Pricebook knows of AWS, as one plug-in. */
export const aws: CloudPlugin = {
  id: "aws",
  title: "Amazon Web Services",
  regions: awsRegions,
  services: AWS_SERVICES,
  costServiceAliases: AWS_COST_SERVICE_ALIASES,
  classify: classifyAwsError,
  createMock: createMockAws,
  createLive: createLiveAws,
  optionHints: AWS_OPTION_HINTS,
  estimators: awsEstimators,
  workloads: AWS_WORKLOADS,
};
