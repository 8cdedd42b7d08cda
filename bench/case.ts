// What every case module exports, and what it returns: result entries for bench/results.json.
import { median } from "./stats.ts";

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
  /** Minutes of the soak case (--soak-minutes). */
  soakMinutes?: number;
  log(message: string): void;
}

export interface BenchCase {
  id: string;
  title: string;
  run(options: CaseOptions): Promise<ResultEntry[]>;
}

/**
 * An entry comparing two systems from their per-run figures (run r of each side measured side by
 * side with run r of the other): ours and peer are the medians of each side, and the ratio is the
 * median of the per-run ratios, which slow drift of the machine across runs does not move (the
 * ratio of two medians can pair a fast run of one side with a slow run of the other). `minRatio` /
 * `maxRatio` bound the ratio.
 */
export function ratioEntry(
  e: Omit<ResultEntry, "ratio" | "met" | "peer" | "ours"> & {
    ours: readonly number[];
    peer: readonly number[];
    minRatio?: number;
    maxRatio?: number;
  },
): ResultEntry {
  const { minRatio, maxRatio, ours, peer, ...rest } = e;
  if (ours.length === 0 || ours.length !== peer.length)
    throw new Error(`${e.name}: ${ours.length} runs of ours against ${peer.length} of the peer`);
  const ratios = ours.map((value, r) => value / peer[r]!);
  const ratio = median(ratios);
  const met = minRatio !== undefined ? ratio >= minRatio : maxRatio !== undefined ? ratio <= maxRatio : undefined;
  const perRun = ratios.length > 1 ? `per-run ratios ${ratios.map((x) => x.toFixed(2)).join(", ")}` : "";
  const note = [rest.note, perRun].filter(Boolean).join("; ");
  return {
    ...rest,
    ours: median(ours),
    peer: median(peer),
    ratio,
    ...(note ? { note } : {}),
    ...(met === undefined ? {} : { met }),
  };
}

/** An entry holding an absolute bound (no peer). */
export function boundEntry(
  e: Omit<ResultEntry, "ratio" | "met" | "peer"> & { ours: number; max?: number; min?: number },
): ResultEntry {
  const { max, min, ...rest } = e;
  const met = max !== undefined ? e.ours <= max : min !== undefined ? e.ours >= min : undefined;
  return { ...rest, peer: null, ratio: null, ...(met === undefined ? {} : { met }) };
}
