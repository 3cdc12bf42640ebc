import { HttpResponse, http } from "msw";
import { type SetupServer, setupServer } from "msw/node";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll } from "vitest";
import type { Config } from "../../src/config.ts";
import { FakeRetailPricesApi } from "../fakes/azure-retail-fake.ts";
import { azureCatalogue } from "../fakes/azure-retail-items.ts";
import { type LiveHarness, liveApp, liveConfig } from "./live.ts";

/** msw handlers speaking the Retail Prices API at its default URL (and :443, as NextPageLinks write it). */
export function azureHandlers(fake: FakeRetailPricesApi) {
  return [
    http.get(/^https:\/\/prices\.azure\.com(?::443)?\/api\/retail\/prices/, async ({ request }) => {
      const res = await fake.handle(new URL(request.url), request.signal);
      return new HttpResponse(res.body, { status: res.status, headers: res.headers });
    }),
  ];
}

export function azureMsw(fake: FakeRetailPricesApi): SetupServer {
  return setupServer(...azureHandlers(fake));
}

export function fakeAzure(): FakeRetailPricesApi {
  return new FakeRetailPricesApi().add(azureCatalogue());
}

/** Live settings for the Azure tests: a fast limiter and short deadlines, overridable. */
export function azureLiveConfig(env: Record<string, string> = {}): Config {
  return liveConfig({ AZURE_RETAIL_PRICES_RATE_PER_SECOND: "1000", AZURE_RETAIL_PRICES_BURST: "1000", ...env });
}

/**
 * The Retail Prices fake behind msw for one test file: listens before the tests, closes after them;
 * after each test closes the apps it built and resets the fake.
 */
export function withLiveAzure() {
  const fake = fakeAzure();
  const msw = azureMsw(fake);
  const open: LiveHarness[] = [];
  beforeAll(() => msw.listen({ onUnhandledFrame: "error" }));
  afterAll(() => msw.close());
  afterEach(async () => {
    for (const h of open.splice(0)) await h.close();
    fake.reset();
  });
  const live = (config: Config = azureLiveConfig(), logger = pino({ level: "silent" }), now?: () => Date): LiveHarness => {
    const h = liveApp(config, logger, now);
    open.push(h);
    return h;
  };
  return { fake, live };
}
