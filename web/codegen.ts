// The dashboard's typed GraphQL documents: `npm run codegen` also runs this, reading schema.graphql
// and every graphql() call under web/src, and writes web/src/gql (checked in; test/client/codegen.test.ts
// fails when it is stale). Plain strings, as the server's client: nothing bundles graphql-js.
import type { CodegenConfig } from "@graphql-codegen/cli";
import base, { CLIENT_OUTPUT_DIR } from "../codegen.ts";

export const WEB_OUTPUT_DIR = "web/src/gql/";

const config: CodegenConfig = {
  schema: "schema.graphql",
  documents: ["web/src/**/*.ts", "web/src/**/*.tsx", "!web/src/gql/**"],
  ignoreNoDocuments: true,
  generates: { [WEB_OUTPUT_DIR]: base.generates[CLIENT_OUTPUT_DIR]! },
};

export default config;
