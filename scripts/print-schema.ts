// Writes schema.graphql from the code-first schema. A test fails when the checked-in file is stale.
import { writeFileSync } from "node:fs";
import { printedSchema } from "../src/schema/index.ts";

writeFileSync(new URL("../schema.graphql", import.meta.url), printedSchema());
console.log("schema.graphql written");
