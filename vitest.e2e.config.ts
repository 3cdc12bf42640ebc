import { defineConfig } from "vitest/config";

/** Browser end-to-end tests (`npx vitest run --config vitest.e2e.config.ts`); kept out of `npm test`. */
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.e2e.test.ts"],
    // One browser suite at a time: they measure render times on a shared two-core machine.
    fileParallelism: false,
    testTimeout: 60000,
    hookTimeout: 60000,
  },
});
