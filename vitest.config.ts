import { defineConfig } from "vitest/config";

export default defineConfig({
  // One graphql realm: the ESM and CJS builds of graphql must not both load.
  resolve: { alias: [{ find: /^graphql$/, replacement: "graphql/index.js" }] },
  test: {
    include: ["test/**/*.test.ts"],
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration suites each start servers and databases; two cores run two files at a time.
    maxWorkers: 2,
    reporters: ["default"],
  },
});
