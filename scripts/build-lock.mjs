// One build of an output at a time per checkout. `npm start`'s prestart and the tests that build may
// run at once (vitest runs two files together), and a build empties its output first: a second build
// started meanwhile deleted what the first had made while a server was starting from it. The lock is
// a directory (mkdir is atomic) holding its holder's pid; a dead holder's lock is taken over.
import { mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const POLL_MS = 200;
/** A lock with no pid written yet (its holder died between the two steps) is stale after this. */
const UNNAMED_STALE_MS = 30_000;

function holderIsGone(lock) {
  let pid;
  try {
    pid = Number(readFileSync(join(lock, "pid"), "utf8"));
  } catch {
    try {
      return Date.now() - statSync(lock).mtimeMs > UNNAMED_STALE_MS;
    } catch {
      return true;
    }
  }
  try {
    process.kill(pid, 0);
    return false;
  } catch (err) {
    return err.code !== "EPERM";
  }
}

/** Runs `build` holding the lock named `name` in `root`'s node_modules/.cache. */
export async function withBuildLock(root, name, build) {
  const dir = join(root, "node_modules", ".cache");
  mkdirSync(dir, { recursive: true });
  const lock = join(dir, `jobs-api-${name}.lock`);
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, "pid"), String(process.pid));
      break;
    } catch (err) {
      if (err.code !== "EEXIST") throw err;
      if (holderIsGone(lock)) rmSync(lock, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
  try {
    return await build();
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
