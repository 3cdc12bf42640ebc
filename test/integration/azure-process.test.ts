import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type FakeAwsServer, startFakeAwsServer } from "../fakes/aws-fake-server.ts";
import { type FakeAzureServer, startFakeAzureServer } from "../fakes/azure-fake-server.ts";
import { fakeAzure } from "../helpers/azure.ts";
import { fakeWithCatalogue } from "../helpers/live.ts";
import { liveProcessEnv, type PricebookProcess, startPricebook } from "../helpers/process.ts";

/**
 * `node src/main.ts` in live mode with AZURE_RETAIL_PRICES_URL naming a loopback Retail Prices fake
 * (AWS live mode needs its own fake endpoint and static fake credentials): Azure answers live, then from
 * the cache, then from the fallback tables once the fake is gone.
 */
const azure = fakeAzure();
let azureServer: FakeAzureServer;
let awsServer: FakeAwsServer;
let pricebook: PricebookProcess;

beforeAll(async () => {
  azureServer = await startFakeAzureServer(azure);
  awsServer = await startFakeAwsServer(fakeWithCatalogue());
  pricebook = await startPricebook(
    liveProcessEnv(awsServer.url, {
      AZURE_RETAIL_PRICES_URL: azureServer.url,
      UPSTREAM_RETRIES: "0",
      UPSTREAM_ATTEMPT_TIMEOUT_MS: "500",
      UPSTREAM_DEADLINE_MS: "1500",
    }),
  );
});

afterAll(async () => {
  pricebook?.child.kill("SIGTERM");
  await azureServer?.close().catch(() => undefined);
  await awsServer?.close().catch(() => undefined);
});

type Body = { items: Array<{ id: string; source: string; price: string }> };
const get = async (path: string) => (await (await fetch(`${pricebook.base}${path}`)).json()) as Body;

describe("live Azure against AZURE_RETAIL_PRICES_URL (real process)", () => {
  it("serves live, then cache, then fallback once the endpoint is gone", async () => {
    const live = await get("/v1/prices/azure/vm?region=eastus&vmSize=standard_d2s_v5");
    expect(live.items[0]).toMatchObject({ id: "Standard_D2s_v5", source: "live", price: "0.096" });
    expect(azure.calls.length).toBe(1);
    // Pages of 5: Azure's NextPageLinks name prices.azure.com:443; they are followed on the configured host.
    azure.pageSize = 5;
    const aks = await get("/v1/prices/azure/aks?region=westeurope");
    expect(aks.items.every((i) => i.source === "live")).toBe(true);
    expect(azure.calls.map((c) => c.skip)).toEqual([0, 0, 5, 10]);

    const cached = await get("/v1/prices/azure/vm?region=eastus&vmSize=Standard_D2s_v5");
    expect(cached.items[0]?.source).toBe("cache");
    expect(azure.calls.length).toBe(4);

    await azureServer.close();
    const fallback = await get("/v1/prices/azure/vm?region=eastus&vmSize=Standard_E4s_v5");
    expect(fallback.items[0]).toMatchObject({ id: "Standard_E4s_v5", source: "fallback", price: "0.252" });
    const functions = await get("/v1/prices/azure/functions?region=eastus");
    expect(functions.items.every((i) => i.source === "fallback")).toBe(true);
  });
});
