/**
 * Serves the Price List fake on loopback, for trying live mode without AWS and for the benchmarks:
 *   npm run fake:aws -- --port 4566 [--latency-ms 200] [--quota] [--extra-ec2-types 2000]
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
    quota: { type: "boolean", default: false },
    "extra-ec2-types": { type: "string", default: "0" },
  },
});
const regions = (values.regions as string).split(",");
const fake = new FakePricingApi();
for (const [service, items] of Object.entries(allItems(regions))) fake.add(service, items);
// Many more instance types, for memory measurements over thousands of distinct cache keys.
const extra = Number(values["extra-ec2-types"]);
if (extra > 0) {
  const specs = Array.from({ length: extra }, (_, i) => ({ type: `bench${i}.large`, usd: "0.1000000000", vcpu: "2", memory: "8 GiB" }));
  for (const region of regions) fake.add("AmazonEC2", ec2Items(region, specs));
}
fake.latencyMs = Number(values["latency-ms"]);
// AWS's Price List quota: a bucket of 10, refilled at 5 a second, per account.
if (values.quota) fake.quota = { burst: 10, perSecond: 5 };
const server = await startFakeAwsServer(fake, Number(values.port));
console.log(`fake AWS Price List API on ${server.url} (POST /__fake {"mode": "healthy|throttle|error500|hang|malformed"})`);
for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, () => void server.close().then(() => process.exit(0)));
