/**
 * Serves the Price List fake on loopback, for trying live mode without AWS:
 *   npm run fake:aws -- --port 4566
 *   AWS_ENDPOINT_URL_PRICING=http://127.0.0.1:4566 AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=y PRICEBOOK_MODE=live npm start
 * Its items have AWS's shapes but test prices: never use it for real answers.
 */
import { parseArgs } from "node:util";
import { startFakeAwsServer } from "../test/fakes/aws-fake-server.ts";
import { allItems, ec2Items } from "../test/fakes/pricelist-items.ts";
import { FakePricingApi } from "../test/fakes/pricing-fake.ts";

const { values } = parseArgs({
  options: {
    port: { type: "string", default: "4566" },
    regions: { type: "string", default: "us-east-1,us-east-2,us-west-2,eu-west-1,eu-central-1,ap-south-1" },
    "latency-ms": { type: "string", default: "0" },
  },
});
const fake = new FakePricingApi();
for (const [service, items] of Object.entries(allItems((values.regions as string).split(","))))
  fake.add(service, items);
fake.latencyMs = Number(values["latency-ms"]);
const server = await startFakeAwsServer(fake, Number(values.port));
console.log(
  `fake AWS Price List API on ${server.url} (POST /__fake {"mode": "healthy|throttle|error500|hang|malformed"})`,
);
for (const signal of ["SIGINT", "SIGTERM"] as const)
  process.once(signal, () => void server.close().then(() => process.exit(0)));
