// References from a batch step's payload to what earlier steps produced:
//   "$steps.<name>.artifacts[<i>]"  the id of that step's job's i-th output artifact
//   "$steps.<name>.jobId"           the id of that step's job
// A string that is exactly a reference becomes the id; a reference inside a longer string is
// replaced in place. Only earlier steps that succeeded can be referenced: a name that is not an
// earlier step's is refused when the batch is created (referencesToUnknownSteps), the rest when the
// step runs.

export interface StepOutput {
  state: string;
  jobId: string | null;
  artifactIds: string[];
}

export class StepReferenceError extends Error {
  override name = "StepReferenceError";
}

// Step names are letters, digits, _ . and -; the shortest name followed by a known suffix wins.
const REFERENCE = /\$steps\.([A-Za-z0-9_.-]+?)\.(?:artifacts\[(\d+)\]|(jobId))/g;

export function substituteStepReferences(value: unknown, earlier: ReadonlyMap<string, StepOutput>): unknown {
  if (typeof value === "string")
    return value.replace(REFERENCE, (ref, name: string, index?: string) => resolve(ref, name, index, earlier));
  if (Array.isArray(value)) return value.map((v) => substituteStepReferences(v, earlier));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substituteStepReferences(v, earlier)]));
  }
  return value;
}

function resolve(
  ref: string,
  name: string,
  index: string | undefined,
  earlier: ReadonlyMap<string, StepOutput>,
): string {
  const step = earlier.get(name);
  if (!step) throw new StepReferenceError(`${ref}: no earlier step is named "${name}"`);
  if (step.state !== "SUCCEEDED" || !step.jobId)
    throw new StepReferenceError(`${ref}: step "${name}" ended ${step.state}, so it has no output`);
  if (index === undefined) return step.jobId;
  const id = step.artifactIds[Number(index)];
  if (id === undefined)
    throw new StepReferenceError(`${ref}: step "${name}" produced ${step.artifactIds.length} artifact(s)`);
  return id;
}

/** The references in `value` whose step is not one of `earlier` (names), in the order written. */
export function referencesToUnknownSteps(value: unknown, earlier: ReadonlySet<string>): string[] {
  const unknown: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v === "string") {
      for (const match of v.matchAll(REFERENCE)) if (!earlier.has(match[1]!)) unknown.push(match[0]);
    } else if (Array.isArray(v)) for (const item of v) visit(item);
    else if (v !== null && typeof v === "object") for (const item of Object.values(v)) visit(item);
  };
  visit(value);
  return unknown;
}

/** `value` with every step reference read as `id`: the shape a step's payload has once it runs. */
export function withReferencesAs(value: unknown, id: string): unknown {
  if (typeof value === "string") return value.replace(REFERENCE, id);
  if (Array.isArray(value)) return value.map((v) => withReferencesAs(v, id));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withReferencesAs(v, id)]));
  }
  return value;
}
