// The resolve hook of bench/built-code.mjs: src/**/*.ts -> dist/**/*.js and
// packages/client/src/**/*.ts -> packages/client/dist/**/*.js; a module not built is an error, not a
// silent fall-back to the source.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = new URL("../", import.meta.url).href;
const MAPS = [
  [`${root}src/`, `${root}dist/`],
  [`${root}packages/client/src/`, `${root}packages/client/dist/`],
];

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  for (const [from, to] of MAPS) {
    if (!resolved.url.startsWith(from) || !resolved.url.endsWith(".ts")) continue;
    const url = `${to}${resolved.url.slice(from.length, -3)}.js`;
    if (!existsSync(fileURLToPath(url))) throw new Error(`${url} is not built: run npm run build`);
    return { url, format: "module", shortCircuit: true };
  }
  return resolved;
}
