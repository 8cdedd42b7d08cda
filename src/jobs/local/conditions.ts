// WHERE clauses of plain SQL reads, built by condition, and their statement texts cached by shape.
import type { JobSight } from "../visibility.ts";
import { jobSightSql } from "./visibility.ts";

/**
 * Statement texts by the shape of their WHERE clause (which conditions are present), built once: the
 * same string object each time, whose hash (to find its prepared statement) is then already known,
 * instead of a fresh 1.5 kB string per call.
 */
const texts = new Map<string, string>();
export function textFor(shape: string, build: () => string): string {
  let text = texts.get(shape);
  if (text === undefined) texts.set(shape, (text = build()));
  return text;
}

/**
 * A WHERE clause with numbered parameters (enum arrays travel as text[]: PGlite sends no others),
 * and its shape: which conditions it has, in order, as short names.
 */
export class Conditions {
  readonly parts: string[] = [];
  readonly values: unknown[] = [];
  shape = "";

  /** Adds a value to the parameters and names it ($n). */
  readonly param = (value: unknown): string => `$${this.values.push(value)}`;

  add(name: string, sql: string): void {
    this.shape += `${name};`;
    this.parts.push(sql);
  }

  /** The jobs (aliased `j`) the sight takes in. */
  sight(sight: JobSight): void {
    this.add(sight.scope, jobSightSql(sight, this.param));
  }

  /** The statement text for this shape, built the first time. */
  text(kind: string, build: () => string): string {
    return textFor(`${kind}:${this.shape}`, build);
  }
}
