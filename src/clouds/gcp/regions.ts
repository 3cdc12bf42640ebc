import { RegionCatalog } from "../../domain/regions.ts";

/**
 * Google Cloud region codes Pricebook accepts: every region `gcloud compute regions list` reported
 * (status UP), as committed in Cyclenerd/google-cloud-pricing-cost-calculator tools/regions.csv
 * @ 4707d1430cb169031ca770fcb15f700d0b697afa (2026-01-09). Codes are Google's own (`us-central1`,
 * `europe-west1`); the Billing Catalog names the same codes in each SKU's `serviceRegions`.
 */
export const GCP_REGIONS = [
  "africa-south1",
  "asia-east1",
  "asia-east2",
  "asia-northeast1",
  "asia-northeast2",
  "asia-northeast3",
  "asia-south1",
  "asia-south2",
  "asia-southeast1",
  "asia-southeast2",
  "asia-southeast3",
  "australia-southeast1",
  "australia-southeast2",
  "europe-central2",
  "europe-north1",
  "europe-north2",
  "europe-southwest1",
  "europe-west1",
  "europe-west10",
  "europe-west12",
  "europe-west2",
  "europe-west3",
  "europe-west4",
  "europe-west6",
  "europe-west8",
  "europe-west9",
  "me-central1",
  "me-central2",
  "me-west1",
  "northamerica-northeast1",
  "northamerica-northeast2",
  "northamerica-south1",
  "southamerica-east1",
  "southamerica-west1",
  "us-central1",
  "us-east1",
  "us-east4",
  "us-east5",
  "us-south1",
  "us-west1",
  "us-west2",
  "us-west3",
  "us-west4",
] as const;

export const gcpRegions = new RegionCatalog("Google Cloud", GCP_REGIONS, "us-central1");
