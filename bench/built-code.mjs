// `--import ./bench/built-code.mjs` (after tsx): the benchmark's own files run through tsx, but every
// module of the server and of the client package is loaded from its compiled build (dist/, as
// `npm run build` makes it and `npm start` runs it), so ours is measured as it ships: tsx keeps
// function names by wrapping every closure it creates (esbuild's keepNames), a cost the build does
// not have. The build must be current: `npm run bench` runs scripts/build-if-stale.mjs first.
import { register } from "node:module";

register("./built-code-hooks.mjs", import.meta.url);
