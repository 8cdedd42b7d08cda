// The generated client (src/client/generated) is checked in; this regenerates it into a temporary
// folder from schema.graphql and the client's documents and fails when anything differs, naming
// the fix: `npm run codegen` (after `npm run schema:print` when the schema changed).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generate } from "@graphql-codegen/cli";
import { afterAll, describe, expect, it } from "vitest";
import config, { CLIENT_OUTPUT_DIR } from "../../codegen.ts";

const root = join(import.meta.dirname, "..", "..");
const checkedIn = join(root, CLIENT_OUTPUT_DIR);

describe("generated client", () => {
  const out = mkdtempSync(join(tmpdir(), "jobs-codegen-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it("matches what codegen makes from schema.graphql and the documents (run `npm run codegen` if not)", async () => {
    const target = config.generates[CLIENT_OUTPUT_DIR];
    if (!target) throw new Error(`codegen.ts has no output for ${CLIENT_OUTPUT_DIR}`);
    await generate({ ...config, cwd: root, silent: true, generates: { [`${out}/`]: target } }, true);

    const fresh = readdirSync(out).sort();
    expect(fresh.length).toBeGreaterThan(0);
    expect(readdirSync(checkedIn).sort()).toEqual(fresh);
    for (const file of fresh) {
      const expected = readFileSync(join(out, file), "utf8");
      const actual = readFileSync(join(checkedIn, file), "utf8");
      expect(actual, `src/client/generated/${file} is stale: run npm run codegen`).toBe(expected);
    }
  });
});
