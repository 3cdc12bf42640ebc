import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Browser and fault-injection suites have their own commands (npm run test:e2e, npm run test:faults).
    exclude: ["test/e2e/**", "test/faults/**", "node_modules/**"],
    environment: "node",
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
