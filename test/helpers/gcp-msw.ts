import { HttpResponse, http } from "msw";
import { type SetupServer, setupServer } from "msw/node";
import type { FakeBillingCatalog } from "../fakes/gcp-billing-fake.ts";

/** Where the live GCP composition sends its requests unless GCP_CLOUD_BILLING_URL says otherwise. */
export const BILLING_BASE = "https://cloudbilling.googleapis.com";

/** msw handlers speaking the Cloud Billing Catalog API v1 at `base` (GET only). */
export function gcpHandlers(fake: FakeBillingCatalog, base = BILLING_BASE) {
  const answer = async ({ request }: { request: Request }) => {
    const res = await fake.handle(new URL(request.url), request.headers, request.signal);
    return new HttpResponse(res.body, { status: res.status, headers: res.headers });
  };
  return [http.get(`${base}/v1/services`, answer), http.get(`${base}/v1/services/:serviceId/skus`, answer)];
}

/** msw with only the Billing Catalog: anything else (real Google, AWS) is an unhandled request, an error. */
export function gcpMsw(fake: FakeBillingCatalog, base = BILLING_BASE): SetupServer {
  return setupServer(...gcpHandlers(fake, base));
}
