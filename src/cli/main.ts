// `npm run cli -- <args>` and bin/jobsctl.mjs land here.
import { pathToFileURL } from "node:url";
import { runCli } from "./program.ts";

export async function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  process.exitCode = await runCli(argv);
}

// Run when started as a script (tsx src/cli/main.ts), not when imported by bin/jobsctl.mjs.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
