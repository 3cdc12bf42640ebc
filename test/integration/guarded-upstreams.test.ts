import { PricingClient, DescribeServicesCommand } from "@aws-sdk/client-pricing";
import { HttpResponse, http } from "msw";
import { setupServer } from "msw/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { requireGuard } from "../../src/clouds/aws/sdk.ts";
import { openApiDocument } from "../../src/openapi.ts";
import { UnguardedCallError } from "../../src/resilience/guard.ts";
import { FAKE_CREDENTIALS, liveApp, liveConfig } from "../helpers/live.ts";
import { routeCalls } from "../helpers/route-table.ts";

/**
 * Every upstream call goes through a guard and every failure maps to a problem: with every AWS API
 * and Azure's Retail Prices API down (and no BUDGETS_ACCOUNT_ID, so STS is asked first), every route of the route table answers
 * 2xx from the fallback tables, or 502/503 with Retry-After, never 500; and a call made outside a
 * guard is refused before it leaves the process.
 */
const seen: string[] = [];
const awsDown = setupServer(
  http.all(/^https:\/\/[a-z0-9.-]+\.(amazonaws\.com|api\.aws)\//, ({ request }) => {
    seen.push(new URL(request.url).hostname);
    return new HttpResponse(JSON.stringify({ __type: "InternalFailure", message: "down" }), {
      status: 500,
      headers: { "content-type": "application/x-amz-json-1.1", "x-amzn-errortype": "InternalFailure" },
    });
  }),
  http.get(/^https:\/\/prices\.azure\.com\//, ({ request }) => {
    seen.push(new URL(request.url).hostname);
    return HttpResponse.json({ error: { code: "ServiceUnavailable", message: "down" } }, { status: 503 });
  }),
);
beforeAll(() => awsDown.listen({ onUnhandledFrame: "error" }));
afterAll(() => awsDown.close());

const TODAY = "2026-11-22";

describe("every upstream call is guarded", () => {
  it("a client call outside every guard is refused before it is sent", async () => {
    const client = requireGuard(new PricingClient({ region: "us-east-1", credentials: FAKE_CREDENTIALS, maxAttempts: 1 }));
    const before = seen.length;
    await expect(client.send(new DescribeServicesCommand({ ServiceCode: "AmazonEC2" }))).rejects.toBeInstanceOf(UnguardedCallError);
    expect(seen.length).toBe(before);
    client.destroy();
  });

  it("with AWS down, every route answers from the fallback tables or with 502/503 and Retry-After, never 500", async () => {
    const h = liveApp(liveConfig({ UPSTREAM_RETRIES: "0", UPSTREAM_DEADLINE_MS: "2000", METRICS_PUBLIC: "true" }), undefined, () => new Date(`${TODAY}T12:00:00Z`));
    try {
      const calls = routeCalls(openApiDocument(h.app) as never, TODAY).filter((c) => c.template.startsWith("/v1/"));
      expect(calls.length).toBeGreaterThanOrEqual(15);
      const outcomes: string[] = [];
      for (const call of calls) {
        const res = await h.app.request(call.url, { method: call.method, ...(call.body ? { body: call.body, headers: { "content-type": "application/json" } } : {}) });
        outcomes.push(`${call.method} ${call.template} → ${res.status}`);
        expect(res.status, `${call.method} ${call.url}`).not.toBe(500);
        if (res.status >= 500) {
          expect([502, 503], `${call.method} ${call.url}`).toContain(res.status);
          if (res.status === 503) expect(res.headers.get("retry-after"), `${call.method} ${call.url}`).toMatch(/^\d+$/);
          expect(res.headers.get("content-type")).toBe("application/problem+json");
        }
      }
      // The account's id is asked of STS, through its guard, when budgets are touched.
      expect(seen.some((host) => host.startsWith("sts."))).toBe(true);
      expect(seen).toContain("prices.azure.com");
      expect(outcomes.some((o) => o.startsWith("GET /v1/budgets/aws →") && o.endsWith("503"))).toBe(true);
    } finally {
      await h.close();
    }
  });
});
