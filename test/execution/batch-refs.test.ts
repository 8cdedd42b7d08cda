// "$steps.<name>.artifacts[i]" and "$steps.<name>.jobId" in a batch step's payload.
import { describe, expect, it } from "vitest";
import {
  referencesToUnknownSteps,
  StepReferenceError,
  substituteStepReferences,
  type StepOutput,
} from "../../src/executors/batch-refs.ts";

const earlier = new Map<string, StepOutput>([
  ["make", { state: "SUCCEEDED", jobId: "job-make", artifactIds: ["a0", "a1"] }],
  ["v1.clean", { state: "SUCCEEDED", jobId: "job-clean", artifactIds: ["c0"] }],
  ["broken", { state: "FAILED", jobId: "job-broken", artifactIds: [] }],
]);

describe("batch step references", () => {
  it("replaces references anywhere in the payload, whole strings and inside text", () => {
    const payload = {
      kind: "ANALYZE",
      spec: {
        input: "$steps.make.artifacts[0]",
        inputs: ["$steps.make.artifacts[1]", "$steps.v1.clean.artifacts[0]"],
        note: "from $steps.make.jobId",
      },
      rows: 3,
      flag: null,
    };
    expect(substituteStepReferences(payload, earlier)).toEqual({
      kind: "ANALYZE",
      spec: { input: "a0", inputs: ["a1", "c0"], note: "from job-make" },
      rows: 3,
      flag: null,
    });
    expect(payload.spec.input).toBe("$steps.make.artifacts[0]"); // the original is untouched
  });

  it("refuses references to unknown steps, failed steps and missing artifacts", () => {
    expect(() => substituteStepReferences({ x: "$steps.later.artifacts[0]" }, earlier)).toThrow(StepReferenceError);
    expect(() => substituteStepReferences({ x: "$steps.broken.artifacts[0]" }, earlier)).toThrow(/ended FAILED/);
    expect(() => substituteStepReferences(["$steps.make.artifacts[2]"], earlier)).toThrow(/produced 2 artifact/);
  });

  it("leaves strings without references alone", () => {
    expect(substituteStepReferences({ a: "$steps", b: "steps.make.artifacts[0]", c: 1 }, earlier)).toEqual({
      a: "$steps",
      b: "steps.make.artifacts[0]",
      c: 1,
    });
  });

  it("finds, before anything runs, the references whose step is not among the earlier ones", () => {
    const names = new Set(earlier.keys());
    const payload = {
      spec: { input: "$steps.make.artifacts[0]", inputs: ["$steps.v1.clean.jobId", "$steps.later.artifacts[1]"] },
      note: "after $steps.v1.jobId and $steps.make.jobId",
    };
    // A dotted name is read as the runs read it: "v1.clean" is a step, "v1" is not.
    expect(referencesToUnknownSteps(payload, names)).toEqual(["$steps.later.artifacts[1]", "$steps.v1.jobId"]);
    expect(referencesToUnknownSteps({ a: "$steps", b: 3, c: null }, new Set())).toEqual([]);
  });
});
