// The generated client (packages/client/src/generated) and the dashboard's documents (web/src/gql) are
// checked in; this regenerates each into a temporary folder from schema.graphql and the documents
// and fails when anything differs, naming
// the fix: `npm run codegen` (after `npm run schema:print` when the schema changed).
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { generate } from "@graphql-codegen/cli";
import { afterAll, describe, expect, it } from "vitest";
import config, { CLIENT_OUTPUT_DIR } from "../../codegen.ts";
import webConfig, { WEB_OUTPUT_DIR } from "../../web/codegen.ts";

const root = join(import.meta.dirname, "..", "..");

describe("generated client", () => {
  const out = mkdtempSync(join(tmpdir(), "jobs-codegen-"));
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it.each([
    { name: "the client", config, dir: CLIENT_OUTPUT_DIR },
    { name: "the dashboard", config: webConfig, dir: WEB_OUTPUT_DIR },
  ])(
    "$name: matches what codegen makes from schema.graphql and the documents (run `npm run codegen` if not)",
    async ({ name, config, dir }) => {
      const target = config.generates[dir];
      if (!target) throw new Error(`codegen has no output for ${dir}`);
      const into = join(out, name.replace(/\W+/g, "-"));
      await generate({ ...config, cwd: root, silent: true, generates: { [`${into}/`]: target } }, true);

      const checkedIn = join(root, dir);
      const fresh = readdirSync(into).sort();
      expect(fresh.length).toBeGreaterThan(0);
      expect(readdirSync(checkedIn).sort()).toEqual(fresh);
      for (const file of fresh) {
        const expected = readFileSync(join(into, file), "utf8");
        const actual = readFileSync(join(checkedIn, file), "utf8");
        expect(actual, `${dir}${file} is stale: run npm run codegen`).toBe(expected);
      }
    },
  );
});
