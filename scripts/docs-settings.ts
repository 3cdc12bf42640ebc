/**
 * Writes docs/settings.md from the settings schema (`npm run docs:settings`), or with `--check` fails
 * when the committed file differs from what the schema generates.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { settingsMarkdown } from "../src/config.ts";

const { values } = parseArgs({ options: { check: { type: "boolean", default: false } } });
const generated = settingsMarkdown();
if (values.check) {
  if (readFileSync("docs/settings.md", "utf8") !== generated) {
    console.error("docs/settings.md is out of date: run `npm run docs:settings` and commit the result");
    process.exit(1);
  }
  console.log("docs/settings.md matches the schema");
} else {
  writeFileSync("docs/settings.md", generated);
  console.log("wrote docs/settings.md");
}
