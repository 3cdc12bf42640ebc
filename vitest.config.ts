import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    // Browser, fault-injection and security suites have their own commands (test:e2e, test:faults, test:security).
    exclude: ["test/e2e/**", "test/faults/**", "test/security/**", "node_modules/**"],
    environment: "node",
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
