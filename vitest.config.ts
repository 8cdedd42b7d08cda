import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

const clientSource = (file: string) => fileURLToPath(new URL(`./packages/client/src/${file}`, import.meta.url));

export default defineConfig({
  // One graphql realm: the ESM and CJS builds of graphql must not both load.
  resolve: {
    alias: [
      { find: /^graphql$/, replacement: "graphql/index.js" },
      // The client package by its sources, as tsconfig.json's paths say (no build needed to test).
      { find: /^@jobs-api\/client$/, replacement: clientSource("index.ts") },
      { find: /^@jobs-api\/client\/(node|evidence)$/, replacement: clientSource("$1.ts") },
    ],
  },
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
