// What every case module exports, and what it returns: result entries for bench/results.json.

export interface ResultEntry {
  name: string;
  /** Our figure (median over the runs); null when not measured. */
  ours: number | null;
  /** The peer's figure, or null for an absolute target. */
  peer: number | null;
  /** ours / peer (null without a peer); `better` says which way is good. */
  ratio: number | null;
  unit: string;
  better: "higher" | "lower";
  /** The target, in words (e.g. ">= 1.0x", "<= 10 ms"). */
  target?: string;
  /** Whether the target was met; absent for figures reported without a target. */
  met?: boolean;
  /** Runs the median is over, and anything needed to read the figure. */
  runs?: number;
  note?: string;
}

export interface CaseOptions {
  quick: boolean;
  /** Runs per system; medians are over these. */
  runs: number;
  /** Concurrent jobs per system in the throughput cases (same for every system). */
  concurrency: number;
  /** Jobs per throughput run when given (--jobs); otherwise the mode's default. */
  jobs?: number;
  log(message: string): void;
}

export interface BenchCase {
  id: string;
  title: string;
  run(options: CaseOptions): Promise<ResultEntry[]>;
}

/** An entry comparing two medians; `target` is a bound on the ratio. */
export function ratioEntry(
  e: Omit<ResultEntry, "ratio" | "met" | "peer" | "ours"> & { ours: number; peer: number; minRatio?: number; maxRatio?: number },
): ResultEntry {
  const { minRatio, maxRatio, ...rest } = e;
  const ratio = e.ours / e.peer;
  const met = minRatio !== undefined ? ratio >= minRatio : maxRatio !== undefined ? ratio <= maxRatio : undefined;
  return { ...rest, ratio, ...(met === undefined ? {} : { met }) };
}

/** An entry holding an absolute bound (no peer). */
export function boundEntry(e: Omit<ResultEntry, "ratio" | "met" | "peer"> & { ours: number; max?: number; min?: number }): ResultEntry {
  const { max, min, ...rest } = e;
  const met = max !== undefined ? e.ours <= max : min !== undefined ? e.ours >= min : undefined;
  return { ...rest, peer: null, ratio: null, ...(met === undefined ? {} : { met }) };
}
