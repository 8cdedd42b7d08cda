// Each family's own state words, mapped onto the one JobState vocabulary, and the moves allowed.
import type { JobRecord, JobState, ReasonerType } from "./model.ts";

export const TERMINAL_STATES: readonly JobState[] = ["SUCCEEDED", "FAILED", "CANCELED"];
export const isTerminal = (state: JobState) => TERMINAL_STATES.includes(state);

/** The order states move in; a job only ever moves to a higher rank (requeues aside). */
const RANK: Record<JobState, number> = {
  CREATED: 0,
  QUEUED: 1,
  PENDING: 1,
  CLAIMED: 2,
  VALIDATING: 3,
  RUNNING: 4,
  UPLOADING: 5,
  CANCELING: 6,
  UNKNOWN: 6,
  SUCCEEDED: 7,
  FAILED: 7,
  CANCELED: 7,
};

type Family = "LOGIC" | "REASONER" | "AGENT" | "GENERATION" | "BATCH";

const familyOf = (t: ReasonerType): Family => (t === "PRESCRIPTIVE" || t === "PREDICTIVE" ? "REASONER" : (t as Family));

/** JobState -> the family's own word. A missing entry means the family has no such state. */
const NATIVE: Record<Family, Partial<Record<JobState, string>>> = {
  LOGIC: {
    CREATED: "CREATED",
    QUEUED: "QUEUED",
    RUNNING: "RUNNING",
    CANCELING: "CANCELING",
    SUCCEEDED: "COMPLETED",
    FAILED: "ABORTED",
    CANCELED: "ABORTED",
  },
  REASONER: {
    CREATED: "CREATED",
    QUEUED: "QUEUED",
    RUNNING: "RUNNING",
    CANCELING: "CANCELING",
    SUCCEEDED: "COMPLETED",
    FAILED: "FAILED",
    CANCELED: "CANCELED",
  },
  AGENT: {
    CREATED: "CREATED",
    PENDING: "PENDING",
    CLAIMED: "CLAIMED",
    VALIDATING: "VALIDATING",
    RUNNING: "RUNNING",
    UPLOADING: "UPLOADING",
    // The agent SDK has no word for it; a running agent job being stopped reads CANCELING.
    CANCELING: "CANCELING",
    SUCCEEDED: "COMPLETED",
    FAILED: "FAILED",
    CANCELED: "CANCELED",
    UNKNOWN: "UNKNOWN",
  },
  GENERATION: {
    CREATED: "created",
    QUEUED: "queued",
    RUNNING: "running",
    CANCELING: "canceling",
    SUCCEEDED: "succeeded",
    FAILED: "failed",
    CANCELED: "canceled",
  },
  BATCH: {
    PENDING: "pending",
    RUNNING: "running",
    CANCELING: "canceling",
    SUCCEEDED: "succeeded",
    FAILED: "failed",
    CANCELED: "canceled",
  },
};

export function nativeStateOf(reasonerType: ReasonerType, state: JobState): string | undefined {
  return NATIVE[familyOf(reasonerType)][state];
}

/** The states a job passes through when created, in order; the last is where it waits. */
export function initialStates(reasonerType: ReasonerType): JobState[] {
  switch (familyOf(reasonerType)) {
    case "AGENT":
      return ["CREATED", "PENDING"];
    case "BATCH":
      return ["PENDING"];
    default:
      return ["CREATED", "QUEUED"];
  }
}

/**
 * The status-history entries a new job starts with (seq 1 onwards), one per initial state. They are
 * implied by the job's row, not stored (its "impliedHistory" counts them; jobs/local/expansions.ts
 * reads them back from this list, by "createdBy" at "createdOn").
 */
export function initialHistory(reasonerType: ReasonerType): { seq: number; state: JobState; nativeState: string }[] {
  // initialStates names only states the family has.
  return initialStates(reasonerType).map((state, i) => ({
    seq: i + 1,
    state,
    nativeState: nativeStateOf(reasonerType, state)!,
  }));
}

/** Where a job waits to be claimed (and goes back to when its lease is lost). */
export function waitingState(reasonerType: ReasonerType): JobState {
  return initialStates(reasonerType).at(-1) as JobState;
}

/** The state a worker's claim puts the job in. */
export function claimedState(reasonerType: ReasonerType): JobState {
  return familyOf(reasonerType) === "AGENT" ? "CLAIMED" : "RUNNING";
}

export function isWaiting(state: JobState): boolean {
  return state === "CREATED" || state === "QUEUED" || state === "PENDING";
}

/** A move a worker may ask for: forward only, into a state the family has, never out of terminal. */
export function canMove(reasonerType: ReasonerType, from: JobState, to: JobState): boolean {
  if (isTerminal(from)) return false;
  if (nativeStateOf(reasonerType, to) === undefined) return false;
  if (from === "CANCELING") return isTerminal(to);
  return RANK[to] > RANK[from];
}

/** What jobsChanged filters can tell apart: a job is delivered to its subscribers again only when this moves. */
export const listingOf = (job: JobRecord): string =>
  `${job.state}|${job.agent?.archiveStatus ?? ""}|${job.agent?.assignedAgentId ?? ""}`;
