import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { generateOpenApiYaml } from "../../scripts/openapi.ts";

describe("openapi.yaml", () => {
  it("is what the code generates (run `npm run openapi` after changing a route)", () => {
    expect(readFileSync("openapi.yaml", "utf8")).toBe(generateOpenApiYaml());
  });
});
