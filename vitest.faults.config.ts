import { defineConfig } from "vitest/config";

/** Fault-injection runs against real processes (`npm run test:faults`); kept out of `npm test`. */
export default defineConfig({
  test: {
    include: ["test/faults/**/*.faults.test.ts"],
    testTimeout: 300000,
    hookTimeout: 60000,
    fileParallelism: false,
  },
});
