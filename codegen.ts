// Typed client documents: `npm run codegen` reads schema.graphql (printed by `npm run schema:print`)
// and every graphql() call under packages/client/src, and writes packages/client/src/generated (checked in;
// test/client/codegen.test.ts fails when it is stale).
import type { CodegenConfig } from "@graphql-codegen/cli";

export const CLIENT_OUTPUT_DIR = "packages/client/src/generated/";

const config: CodegenConfig = {
  schema: "schema.graphql",
  documents: ["packages/client/src/**/*.ts", "!packages/client/src/generated/**"],
  ignoreNoDocuments: true,
  generates: {
    [CLIENT_OUTPUT_DIR]: {
      preset: "client",
      presetConfig: { fragmentMasking: false },
      config: {
        // Plain strings, not ASTs: the transport posts them as they are, and nothing needs graphql-js.
        documentMode: "string",
        useTypeImports: true,
        enumsAsTypes: true,
        importExtension: ".ts",
        scalars: { DateTime: "string", JSON: "unknown" },
        avoidOptionals: { field: true, inputValue: false, object: false, defaultValue: false },
      },
    },
  },
};

export default config;
