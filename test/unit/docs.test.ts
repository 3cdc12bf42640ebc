import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ERROR_STATUS } from "../../src/errors.ts";

describe("the README", () => {
  const readme = readFileSync("README.md", "utf8");

  it("lists every error code with its status", () => {
    for (const [code, status] of Object.entries(ERROR_STATUS)) expect(readme, code).toContain(`| \`${code}\` | ${status} |`);
  });

  it("links the docs it promises, and they exist", () => {
    for (const doc of ["docs/api.md", "docs/architecture.md", "docs/operations.md", "docs/settings.md"]) {
      expect(readme).toContain(`(${doc})`);
      expect(readFileSync(doc, "utf8").length).toBeGreaterThan(200);
    }
  });
});
