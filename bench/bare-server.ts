/**
 * The baseline: a bare Hono app on @hono/node-server answering one fixed JSON body (the same bytes as
 * a typical Pricebook price response, passed in BENCH_BODY_FILE). Nothing else on the path.
 */
import { readFileSync } from "node:fs";
import { serve } from "@hono/node-server";
import { Hono } from "hono";

const body = readFileSync(process.env.BENCH_BODY_FILE as string, "utf8");
const app = new Hono();
app.get("*", (c) => c.body(body, 200, { "content-type": "application/json" }));
serve({ fetch: app.fetch, port: Number(process.env.PORT), hostname: "127.0.0.1" });
