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

/**
 * "Waits in its family's waiting state", for jobs of the given families only, in a form the planner
 * estimates from the column's statistics: `state = 'QUEUED'` when they all wait in one state, else
 * one such test per state with the families that wait in it. (The state column compared with a
 * per-family case expression is estimated at a fixed 0.5% of rows: a claim of many jobs then sorted
 * every waiting job, 29 ms with 20,000 waiting, instead of walking the claim-order index.)
 */
export function waitingInSql(typeColumn: string, stateColumn: string, types: readonly ReasonerType[]): string {
  const byState = new Map<JobState, ReasonerType[]>();
  for (const t of types) byState.set(waitingState(t), [...(byState.get(waitingState(t)) ?? []), t]);
  if (byState.size === 1) return `${stateColumn} = ${literal([...byState.keys()][0]!)}`;
  const each = [...byState].map(
    ([state, ts]) => `(${stateColumn} = ${literal(state)} and ${typeColumn} in (${ts.map(literal).join(", ")}))`,
  );
  return `(${each.join(" or ")})`;
}

/** The state a claim moves that row's family to (CLAIMED for agents, RUNNING for the rest). */
export const claimedStateSql = (typeColumn: string) => `${perTypeSql(typeColumn, claimedState)}::"JobState"`;
export const claimedNativeStateSql = (typeColumn: string) =>
  perTypeSql(typeColumn, (t) => nativeOf(t, claimedState(t)));

/** `('SUCCEEDED', 'FAILED', 'CANCELED')`. */
export const TERMINAL_SQL = `(${TERMINAL_STATES.map(literal).join(", ")})`;
