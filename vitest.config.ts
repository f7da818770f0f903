import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Two cores: suites that start servers and databases are heavy; keep parallelism modest.
    maxWorkers: 2,
    fileParallelism: true,
  },
});
