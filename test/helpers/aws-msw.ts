import { HttpResponse, type RequestHandler, http } from "msw";
import { type SetupServer, setupServer } from "msw/node";
import type { FakePricingApi } from "../fakes/pricing-fake.ts";

/**
 * msw speaking the Price List wire protocol: POST to any Price List endpoint, dispatched on the
 * X-Amz-Target header, plus any other AWS fakes a test needs. Unhandled requests are errors, so nothing
 * reaches real AWS.
 */
export function pricingMsw(fake: FakePricingApi, ...others: RequestHandler[]): SetupServer {
  return setupServer(
    ...others,
    http.post(/^https:\/\/api\.pricing\.[a-z0-9-]+\.amazonaws\.com\/?$/, async ({ request }) => {
      const res = await fake.handle(
        request.headers.get("x-amz-target"),
        await request.text(),
        request.signal,
      );
      return new HttpResponse(res.body, { status: res.status, headers: res.headers });
    }),
  );
}
