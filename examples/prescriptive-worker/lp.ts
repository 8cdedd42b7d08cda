// Linear programs as a PRESCRIPTIVE job's payload asks for them, solved with javascript-lp-solver.
// Pure: parse, build the solver's model, read its answer; solver-thread.mjs solves, and the worker
// around it (main.ts) does the talking to the API.
import type { Model } from "javascript-lp-solver";
import { z } from "zod";

/** Why a problem has no answer; the worker fails the job with this code (not retried: it would fail again). */
export type LpErrorCode = "INVALID_PROBLEM" | "INFEASIBLE" | "UNBOUNDED";

export class LpError extends Error {
  override readonly name = "LpError";
  constructor(
    readonly code: LpErrorCode,
    message: string,
  ) {
    super(message);
  }
}

// A type (not an interface) so that it is plain JSON to the client's types.
export type LpSolution = {
  feasible: true;
  objective: number;
  /** Every variable the problem names, 0 when the optimum leaves it at 0. */
  variables: Record<string, number>;
};

const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]*$/;
const Name = z.string().regex(VARIABLE, "variable names are letters, digits and _, not starting with a digit");
const Coefficients = z.record(Name, z.number().finite());
/** A linear expression: `"3x + 2y - z"`, or the coefficients by variable. */
const Expression = z.union([z.string().min(1), Coefficients]);
const Constraint = z.union([
  z.string().min(1),
  z
    .object({
      name: z.string().optional(),
      terms: Coefficients,
      min: z.number().finite().optional(),
      max: z.number().finite().optional(),
      equal: z.number().finite().optional(),
    })
    .refine(
      (c) => c.min !== undefined || c.max !== undefined || c.equal !== undefined,
      "a constraint needs min, max or equal",
    ),
]);
const Problem = z
  .object({
    maximize: Expression.optional(),
    minimize: Expression.optional(),
    constraints: z.array(Constraint).max(10_000).default([]),
    variables: z
      .record(
        Name,
        z.object({
          min: z.number().finite().optional(),
          max: z.number().finite().optional(),
          integer: z.boolean().optional(),
        }),
      )
      .default({}),
  })
  .refine((p) => (p.maximize === undefined) !== (p.minimize === undefined), "give exactly one of maximize or minimize");
const Payload = z.object({ problem: Problem });

export type LinearProgram = z.output<typeof Problem>;

const NUMBER = String.raw`\d+(?:\.\d+)?(?:[eE][+-]?\d+)?`;
/** One signed term: `+ 3.5 * x`, `-y`, `2x`; or a bare number (refused: constants belong on the right). */
const TERM = new RegExp(String.raw`\s*([+-])?\s*(?:(${NUMBER})?\s*\*?\s*([A-Za-z_][A-Za-z0-9_]*)|(${NUMBER}))\s*`, "y");

/** `"2x + 3.5y - z"` → { x: 2, y: 3.5, z: -1 }. */
export function parseExpression(text: string): Record<string, number> {
  const term = new RegExp(TERM);
  const coefficients: Record<string, number> = {};
  let at = 0;
  for (let m = term.exec(text); m; m = term.exec(text)) {
    if (at > 0 && m[1] === undefined) break; // terms after the first need a sign
    at = term.lastIndex;
    if (m[3] === undefined)
      throw new LpError("INVALID_PROBLEM", `constant term in "${text}": move constants to the right-hand side`);
    const value = (m[1] === "-" ? -1 : 1) * (m[2] === undefined ? 1 : Number(m[2]));
    coefficients[m[3]] = (coefficients[m[3]] ?? 0) + value;
  }
  if (at !== text.length || at === 0) throw new LpError("INVALID_PROBLEM", `not a linear expression: "${text}"`);
  return coefficients;
}

/** `"x + 2y <= 14"` → terms and a bound. */
function parseConstraint(text: string): { terms: Record<string, number>; min?: number; max?: number; equal?: number } {
  const m = /^(.*?)(<=|>=|=)(.*)$/.exec(text);
  const rhs = m ? Number(m[3]!.trim()) : NaN;
  if (!m || !m[3]!.trim() || !Number.isFinite(rhs))
    throw new LpError("INVALID_PROBLEM", `not a constraint of the form "<expression> <= | >= | = <number>": "${text}"`);
  const terms = parseExpression(m[1]!);
  return m[2] === "<=" ? { terms, max: rhs } : m[2] === ">=" ? { terms, min: rhs } : { terms, equal: rhs };
}

/** The payload's problem, checked; INVALID_PROBLEM says what is wrong. */
export function parseProblem(payload: unknown): LinearProgram {
  const parsed = Payload.safeParse(payload);
  if (!parsed.success) {
    const first = parsed.error.issues[0]!;
    throw new LpError("INVALID_PROBLEM", `payload.${first.path.join(".")}: ${first.message}`);
  }
  return parsed.data.problem;
}

const OBJECTIVE = "#objective";

/** javascript-lp-solver's answer: feasibility, the objective, and each variable's value by name. */
export type SolverAnswer = { feasible: boolean; bounded?: boolean; result: number; [name: string]: unknown };

/** The program as javascript-lp-solver's model (plain data: it can go to another thread); LpError for malformed ones. */
export function toModel(problem: LinearProgram): Model {
  const direction = problem.maximize !== undefined ? "max" : "min";
  const objective = objectiveOf(problem);

  // javascript-lp-solver's model: each variable lists its coefficient in the objective and in every
  // constraint; constraints carry only their bounds. Our names are prefixed so none can collide.
  const variables: Record<string, Record<string, number>> = {};
  const column = (name: string) => (variables[name] ??= {});
  const constraints: Record<string, { min?: number; max?: number; equal?: number }> = {};
  for (const [name, c] of Object.entries(objective)) column(name)[OBJECTIVE] = c;
  problem.constraints.forEach((raw, i) => {
    const c = typeof raw === "string" ? parseConstraint(raw) : raw;
    const key = `#c${i}`;
    constraints[key] = {
      ...(c.min !== undefined ? { min: c.min } : {}),
      ...(c.max !== undefined ? { max: c.max } : {}),
      ...(c.equal !== undefined ? { equal: c.equal } : {}),
    };
    for (const [name, a] of Object.entries(c.terms)) column(name)[key] = (column(name)[key] ?? 0) + a;
  });

  // Variables are non-negative unless their bounds say otherwise.
  const unrestricted: Record<string, 1> = {};
  const ints: Record<string, 1> = {};
  for (const [name, v] of Object.entries(problem.variables)) {
    column(name);
    if (v.min !== undefined && v.max !== undefined && v.min > v.max)
      throw new LpError("INFEASIBLE", `variable ${name}: min ${v.min} is above max ${v.max}`);
    if (v.min !== undefined && v.min < 0) unrestricted[name] = 1;
    if (v.min !== undefined && v.min !== 0) bound(`#min:${name}`, { min: v.min });
    if (v.max !== undefined) bound(`#max:${name}`, { max: v.max });
    if (v.integer) ints[name] = 1;
    function bound(key: string, b: { min?: number; max?: number }) {
      constraints[key] = b;
      column(name)[key] = 1;
    }
  }
  if (Object.keys(variables).length === 0) throw new LpError("INVALID_PROBLEM", "the problem names no variables");

  return { optimize: OBJECTIVE, opType: direction, constraints, variables, ints, unrestricted };
}

/** The solver's answer to `toModel(problem)` as the job's result; LpError for infeasible or unbounded programs. */
export function readAnswer(problem: LinearProgram, model: Model, answer: SolverAnswer): LpSolution {
  const direction = model.opType;
  const objective = objectiveOf(problem);
  if (!answer.feasible) throw new LpError("INFEASIBLE", "no point satisfies every constraint");
  if (answer.bounded === false || !Number.isFinite(answer.result))
    throw new LpError("UNBOUNDED", `the objective can ${direction === "max" ? "grow" : "fall"} without limit`);

  const values: Record<string, number> = {};
  for (const name of Object.keys(model.variables).sort()) {
    const v = answer[name];
    values[name] = typeof v === "number" ? v : 0;
  }
  // The solver reports the objective through its own tableau; recomputed here from the values, exactly as asked.
  const value = Object.entries(objective).reduce((sum, [name, c]) => sum + c * (values[name] ?? 0), 0);
  return { feasible: true, objective: value, variables: values };
}

function objectiveOf(problem: LinearProgram): Record<string, number> {
  const expression = (problem.maximize ?? problem.minimize)!;
  return typeof expression === "string" ? parseExpression(expression) : expression;
}
