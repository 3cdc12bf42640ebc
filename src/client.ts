import { hc } from "hono/client";
import type { App } from "./app.ts";

export type { App };

/**
 * A typed Pricebook client for TypeScript consumers: every route, its parameters and its JSON are
 * typed from the app itself (Hono RPC).
 *
 * @example
 * const pricebook = createPricebookClient("http://localhost:8787", process.env.PRICEBOOK_KEY);
 * const res = await pricebook.v1.prices.aws.ec2.$get({ query: { region: "us-east-1", instanceType: "m5.large" } });
 * if (res.ok) console.log((await res.json()).items[0]?.price);
 */
export function createPricebookClient(baseUrl: string, apiKey?: string) {
  return hc<App>(baseUrl, apiKey ? { headers: { authorization: `Bearer ${apiKey}` } } : {});
}
