/**
 * Writes openapi.yaml from the routes' own schemas (`npm run openapi`), or with `--check` fails when
 * the committed file differs from what the code generates.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { pino } from "pino";
import { stringify } from "yaml";
import { createApp } from "../src/app.ts";
import { openApiDocument } from "../src/openapi.ts";
import type { PriceProvider } from "../src/pricing/provider.ts";

const unused = new Proxy({} as PriceProvider, {
  get: () => () => Promise.reject(new Error("the spec generator serves no prices")),
});

export function generateOpenApiYaml(): string {
  const app = createApp({ mode: "mock", version: "spec", logger: pino({ level: "silent" }), prices: unused });
  return stringify(openApiDocument(app), { lineWidth: 0 });
}

if (import.meta.main) {
  const { values } = parseArgs({ options: { check: { type: "boolean", default: false } } });
  const generated = generateOpenApiYaml();
  if (values.check) {
    const committed = readFileSync("openapi.yaml", "utf8");
    if (committed !== generated) {
      console.error("openapi.yaml is out of date: run `npm run openapi` and commit the result");
      process.exit(1);
    }
    console.log("openapi.yaml matches the code");
  } else {
    writeFileSync("openapi.yaml", generated);
    console.log("wrote openapi.yaml");
  }
}
