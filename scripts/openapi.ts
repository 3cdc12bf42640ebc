/**
 * Writes openapi.yaml from the routes' own schemas (`npm run openapi`), or with `--check` fails when
 * the committed file differs from what the code generates.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { pino } from "pino";
import { stringify } from "yaml";
import { createApp } from "../src/app.ts";
import { loadConfig } from "../src/config.ts";
import { loadTables } from "../src/clouds/registry.ts";
import { openApiDocument } from "../src/openapi.ts";
import { createServices } from "../src/services.ts";

/** The document the app serves at /openapi.json, as YAML. */
export function generateOpenApiYaml(): string {
  const services = createServices({
    config: loadConfig({ PRICEBOOK_MODE: "mock" }),
    logger: pino({ level: "silent" }),
    mode: { mode: "mock", reason: "spec" },
    tables: loadTables("fallback-pricing"),
    version: "spec",
  });
  return stringify(openApiDocument(createApp(services)), { lineWidth: 0 });
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
