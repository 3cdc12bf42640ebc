import { defineConfig } from "vitest/config";

/** The security probe against real processes (`npm run test:security`); kept out of `npm test`. */
export default defineConfig({
  test: {
    include: ["test/security/**/*.security.test.ts"],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
