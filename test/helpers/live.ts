import { afterAll, afterEach, beforeAll } from "vitest";
import { pino } from "pino";
import { createApp } from "../../src/app.ts";
import { type Config, loadConfig } from "../../src/config.ts";
import { createServices, type Services } from "../../src/services.ts";
import { allItems } from "../fakes/pricelist-items.ts";
import { FakePricingApi } from "../fakes/pricing-fake.ts";
import { realTables } from "./app.ts";
import { pricingMsw } from "./aws-msw.ts";

export const FAKE_CREDENTIALS = {
  accessKeyId: "AKIAIOSFODNN7EXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
};

export const LIVE_REGIONS = ["us-east-1", "eu-west-1", "us-east-2"];

export function fakeWithCatalogue(regions: string[] = LIVE_REGIONS): FakePricingApi {
  const fake = new FakePricingApi();
  for (const [service, items] of Object.entries(allItems(regions))) fake.add(service, items);
  return fake;
}

/** Test defaults: fast limiter and short deadlines, overridable per test. */
export function liveConfig(env: Record<string, string> = {}): Config {
  return loadConfig({
    PRICEBOOK_MODE: "live",
    // Auth has its own tests; the pipeline tests run open, as an operator may choose explicitly.
    PRICEBOOK_AUTH: "off",
    PRICING_RATE_PER_SECOND: "1000",
    PRICING_BURST: "1000",
    UPSTREAM_ATTEMPT_TIMEOUT_MS: "1000",
    UPSTREAM_DEADLINE_MS: "3000",
    CACHE_LOCK_WAIT_MS: "2000",
    ...env,
  });
}

export interface LiveHarness {
  app: ReturnType<typeof createApp>;
  services: Services;
  close(): Promise<void>;
}

/** A live-mode app built by the real composition root, with fake credentials. */
export function liveApp(config: Config = liveConfig(), logger = pino({ level: "silent" }), now?: () => Date): LiveHarness {
  const services = createServices({
    config,
    logger,
    mode: { mode: "live", reason: "test" },
    tables: realTables(),
    version: "test",
    credentials: FAKE_CREDENTIALS,
    ...(now ? { now } : {}),
  });
  return { app: createApp(services), services, close: () => services.close() };
}

/**
 * The Price List fake behind msw for one test file: listens before the tests, closes after them, and
 * after each test closes the apps it built and resets the fake.
 */
export function withLivePricing(regions: string[] = LIVE_REGIONS) {
  const fake = fakeWithCatalogue(regions);
  const msw = pricingMsw(fake);
  const open: LiveHarness[] = [];
  beforeAll(() => msw.listen({ onUnhandledFrame: "error" }));
  afterAll(() => msw.close());
  afterEach(async () => {
    for (const h of open.splice(0)) await h.close();
    fake.reset();
  });
  const live = (config: Config = liveConfig(), logger = pino({ level: "silent" }), now?: () => Date): LiveHarness => {
    const h = liveApp(config, logger, now);
    open.push(h);
    return h;
  };
  return { fake, live };
}
