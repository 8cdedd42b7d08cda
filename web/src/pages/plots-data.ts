// Jobs per state over time and queue depth, rebuilt from each job's createdOn, startedOn and
// finishedOn (data the server already has): at time t a job is waiting (created, not started),
// running (started, not finished) or finished in its final state.
import type { Series } from "../components/charts.tsx";

export interface JobTimes {
  state: string;
  createdOn: string;
  startedOn?: string | null;
  finishedOn?: string | null;
}

const TERMINAL = new Set(["SUCCEEDED", "FAILED", "CANCELED"]);
/** Places in the chart palette: blue, purple, green, red, slate. */
const PHASE_COLORS: Record<string, number> = { WAITING: 0, RUNNING: 3, SUCCEEDED: 1, FAILED: 2, CANCELED: 6 };

export function phaseAt(job: JobTimes, t: number): string | null {
  const created = Date.parse(job.createdOn);
  if (t < created) return null;
  const started = job.startedOn ? Date.parse(job.startedOn) : null;
  const finished = job.finishedOn ? Date.parse(job.finishedOn) : null;
  if (finished !== null && t >= finished) return TERMINAL.has(job.state) ? job.state : "FINISHED";
  if (started !== null && t >= started) return "RUNNING";
  // Never started and not finished: waiting (queued or pending) until now.
  return "WAITING";
}

export function statesOverTime(
  jobs: readonly JobTimes[],
  now: number,
  samples = 60,
): { perState: Series[]; queueDepth: Series } {
  if (jobs.length === 0) return { perState: [], queueDepth: { name: "waiting", points: [] } };
  const start = Math.min(...jobs.map((j) => Date.parse(j.createdOn)));
  const step = Math.max(1, (now - start) / (samples - 1));
  const counts = new Map<string, { x: number; y: number }[]>();
  const phases = ["WAITING", "RUNNING", "SUCCEEDED", "FAILED", "CANCELED"];
  for (const p of phases) counts.set(p, []);
  for (let i = 0; i < samples; i++) {
    const t = start + i * step;
    const tally = new Map<string, number>();
    for (const j of jobs) {
      const p = phaseAt(j, t);
      if (p) tally.set(p, (tally.get(p) ?? 0) + 1);
    }
    for (const p of phases) counts.get(p)!.push({ x: t, y: tally.get(p) ?? 0 });
  }
  // A phase has one colour whichever others are drawn (not the line's place among those drawn).
  const perState = phases
    .map((name) => ({ name: name.toLowerCase(), points: counts.get(name)!, color: PHASE_COLORS[name] }))
    .filter((s) => s.points.some((p) => p.y > 0));
  return { perState, queueDepth: { name: "waiting", points: counts.get("WAITING")!, color: PHASE_COLORS.WAITING } };
}
