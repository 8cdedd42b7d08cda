// The family state machines of src/jobs/states.ts, spelled as SQL expressions, so one statement can
// move rows of several families at once and still use each family's own words.
import { ALL_REASONER_TYPES } from "../../jobs/registry.ts";
import type { JobState, ReasonerType } from "../../jobs/model.ts";
import { claimedState, nativeStateOf, TERMINAL_STATES, waitingState } from "../../jobs/states.ts";

const literal = (value: string) => `'${value.replace(/'/g, "''")}'`;

/** `case <typeColumn> when 'LOGIC' then '...' ... end` over every reasoner type. */
export function perTypeSql(typeColumn: string, sqlFor: (type: ReasonerType) => string): string {
  return `(case ${typeColumn}::text ${ALL_REASONER_TYPES.map((t) => `when ${literal(t)} then ${literal(sqlFor(t))}`).join(" ")} end)`;
}

const nativeOf = (type: ReasonerType, state: JobState) => {
  const word = nativeStateOf(type, state);
  if (word === undefined) throw new Error(`${type} jobs have no ${state} state`);
  return word;
};

/** The state a job of that row's family waits to be claimed in (QUEUED or PENDING). */
export const waitingStateSql = (typeColumn: string) => `${perTypeSql(typeColumn, waitingState)}::"JobState"`;
/** The state a claim moves that row's family to (CLAIMED for agents, RUNNING for the rest). */
export const claimedStateSql = (typeColumn: string) => `${perTypeSql(typeColumn, claimedState)}::"JobState"`;
export const claimedNativeStateSql = (typeColumn: string) =>
  perTypeSql(typeColumn, (t) => nativeOf(t, claimedState(t)));

/** `('SUCCEEDED', 'FAILED', 'CANCELED')`. */
export const TERMINAL_SQL = `(${TERMINAL_STATES.map(literal).join(", ")})`;
