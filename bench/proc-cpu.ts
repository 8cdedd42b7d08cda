// CPU time of processes, read from Linux /proc (user and system, at the kernel's 100 ticks a second);
// null where /proc is not there or the process is gone.
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100;

/** The fields of /proc/<pid>/stat after the command name (field 3, the state, is index 0). */
function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(") ") + 2).split(" ");
  } catch {
    return null;
  }
}

const seconds = (fields: string[], ...indexes: number[]) =>
  indexes.reduce((sum, i) => sum + Number(fields[i]), 0) / TICKS_PER_SECOND;

/** CPU seconds a process has used so far, user and system; null where unreadable. */
export function cpuSeconds(pid: number): number | null {
  const fields = statFields(pid);
  return fields ? seconds(fields, 11, 12) : null;
}

/**
 * CPU seconds used so far by every process named `name` (e.g. "postgres"), together with what their
 * reaped children used (a server's exited connections count for it: their time moves to the parent
 * that waited for them); null where /proc is not there or no such process runs.
 */
export function cpuSecondsOfAll(name: string): number | null {
  let pids: number[];
  try {
    pids = readdirSync("/proc")
      .filter((d) => /^\d+$/.test(d))
      .map(Number);
  } catch {
    return null;
  }
  let sum = 0;
  let found = false;
  for (const pid of pids) {
    let comm: string;
    try {
      comm = readFileSync(`/proc/${pid}/comm`, "utf8").trim();
    } catch {
      continue;
    }
    if (comm !== name) continue;
    const fields = statFields(pid);
    if (!fields) continue;
    found = true;
    // utime, stime, and the children's cutime, cstime.
    sum += seconds(fields, 11, 12, 13, 14);
  }
  return found ? sum : null;
}
