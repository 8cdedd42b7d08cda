// What a generation kind could not do or understand, reported beside its output rather than failing
// it (FABRICATE and SCENARIO_FABRICATE list the phrases their parsers skipped).
export interface Problem {
  /** Lower case, as workers report theirs (ProblemReport). */
  severity: "info" | "warning" | "error";
  code: string;
  message: string;
  details?: Record<string, unknown>;
}
