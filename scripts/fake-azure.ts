/**
 * Serves the Azure Retail Prices fake on loopback, for trying live mode without Azure:
 *   node scripts/fake-azure.ts --port 4567 [--latency-ms 200] [--page-size 100]
 *   AZURE_RETAIL_PRICES_URL=http://127.0.0.1:4567 PRICEBOOK_MODE=live npm start   (AWS needs its own fake: npm run fake:aws)
 * Its rows are real Retail Prices rows (test/fixtures/azure-retail) and synthetic rows in their shapes
 * with the fallback tables' VM prices: never use it for real answers.
 */
import { parseArgs } from "node:util";
import { startFakeAzureServer } from "../test/fakes/azure-fake-server.ts";
import { FakeRetailPricesApi } from "../test/fakes/azure-retail-fake.ts";
import { azureCatalogue } from "../test/fakes/azure-retail-items.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "4567" },
    "latency-ms": { type: "string", default: "0" },
    "page-size": { type: "string", default: "100" },
  },
});
const fake = new FakeRetailPricesApi().add(azureCatalogue());
fake.latencyMs = Number(values["latency-ms"]);
fake.pageSize = Number(values["page-size"]);
const server = await startFakeAzureServer(fake, Number(values.port));
console.log(`fake Azure Retail Prices API on ${server.url} (POST /__fake {"mode": "healthy|throttle|error500|hang|malformed|loop|empty-loop"})`);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void server.close().then(() => process.exit(0)));
