import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { createApp } from "../../src/app.ts";
import { createPricebookClient } from "../../src/client.ts";
import { createKey } from "../../src/http/auth.ts";
import { mockServices, realTables } from "../helpers/app.ts";

const key = createKey("typed-client", ["prices:read"]);
let server: ReturnType<typeof serve>;
let base: string;

beforeAll(async () => {
  const app = createApp(mockServices(realTables(), { PRICEBOOK_API_KEYS: JSON.stringify([key.entry]) }));
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: "127.0.0.1" }, () => resolve());
  });
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("typed client (Hono RPC) against a running server", () => {
  it("makes typed calls", async () => {
    const client = createPricebookClient(base, key.key);
    const res = await client.v1.prices.aws.ec2.$get({ query: { region: "us-east-1", instanceType: ["m5.large", "c5.xlarge"] } });
    expect(res.status).toBe(200);
    if (!res.ok) throw new Error("expected 200");
    const body = await res.json();
    expectTypeOf(body.items[0]!.price).toEqualTypeOf<string>();
    expect(body.items.map((i) => i.id)).toEqual(["m5.large", "c5.xlarge"]);

    const gcp = await client.v1.prices.gcp.compute.$get({ query: { region: "europe-west1", machineType: "n2-standard-4", minVcpu: "2" } });
    if (!gcp.ok) throw new Error("expected 200");
    expect((await gcp.json()).items.map((i) => [i.id, i.source])).toEqual([["n2-standard-4", "fallback"]]);
    const run = await client.v1.prices.gcp["cloud-run"].$get({ query: { region: "us-central1" } });
    expect(run.status).toBe(200);

    const health = await (await client.healthz.$get()).json();
    expect(health.status).toBe("ok");
  });

  it("gets the problem response when the key is missing", async () => {
    const res = await createPricebookClient(base).v1.prices.aws.eks.$get({ query: { region: "us-east-1" } });
    expect(res.status).toBe(401);
  });
});
