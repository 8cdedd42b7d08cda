// New jobs: one form per family. Generation shows its credit estimate before submitting.
import { cloneElement, type FormEvent, type ReactElement, useEffect, useId, useRef, useState } from "react";
import { useLocation, useSearch } from "wouter";
import { ApiError, gql } from "../api/graphql.ts";
import {
  AddAgentJobMutation,
  CreateGenerationJobMutation,
  CreateJobMutation,
  EstimateCreditsQuery,
  RunBatchJobMutation,
} from "../api/documents.ts";
import { uploadDataset, UploadError } from "../api/uploads.ts";
import { ErrorBox } from "../components/common.tsx";
import type { GenerationKind, PlanTier, ReasonerType } from "../gql/graphql.ts";
import { useAction, useQuery } from "../hooks.ts";
import { useSession } from "../session-context.tsx";
import { FAMILIES } from "./jobs-filter.ts";
import { jobPath } from "./Jobs.tsx";

const KINDS: GenerationKind[] = [
  "MOCK",
  "SYNTHESIZE",
  "SIMULATE",
  "ANALYZE",
  "TRAIN",
  "FIT",
  "VERIFY",
  "FABRICATE",
  "SCENARIO_FABRICATE",
  "LIFT",
];
/** Kinds whose spec.input names a dataset (an upload's or an artifact's id). */
const READS_DATASET = new Set<GenerationKind>(["ANALYZE", "TRAIN", "FIT", "VERIFY", "LIFT"]);
const TIERS: PlanTier[] = ["FREE", "STANDARD", "ENTERPRISE"];

/** A mistake the form finds before sending, about the input field `field` (shown next to it). */
function formError(field: string, message: string): ApiError {
  return new ApiError([{ message: `${field}: ${message}`, extensions: { code: "CLIENT", field } }]);
}

function parseJson(text: string, label: string, field: string): unknown {
  if (!text.trim()) return undefined;
  try {
    return JSON.parse(text);
  } catch (err) {
    throw formError(field, `${label} is not valid JSON: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** GraphQL's Int: 32-bit signed. */
const MAX_INT = 2 ** 31 - 1;

const rowsInRange = (n: number) => Number.isInteger(n) && n > 0 && n <= MAX_INT;

function optionalInt(text: string, label: string, field: string): number | undefined {
  if (!text.trim()) return undefined;
  const n = Number(text);
  if (!Number.isInteger(n)) throw formError(field, `${label} must be a whole number`);
  if (Math.abs(n) > MAX_INT) throw formError(field, `${label} must be at most ${MAX_INT.toLocaleString("en")}`);
  return n;
}

export function CreatePage() {
  const search = useSearch();
  const [, navigate] = useLocation();
  const family = (new URLSearchParams(search).get("family") ?? "GENERATION") as ReasonerType;
  const current = (FAMILIES as string[]).includes(family) ? family : "GENERATION";
  return (
    <>
      <h1>New job</h1>
      <label className="family-pick">
        Family
        <select value={current} onChange={(e) => navigate(`/new?family=${e.target.value}`, { replace: true })}>
          {FAMILIES.map((f) => (
            <option key={f}>{f}</option>
          ))}
        </select>
      </label>
      {current === "GENERATION" && <GenerationForm />}
      {current === "AGENT" && <AgentForm />}
      {current === "BATCH" && <BatchForm />}
      {(current === "LOGIC" || current === "PRESCRIPTIVE" || current === "PREDICTIVE") && (
        <GenericForm key={current} reasonerType={current} />
      )}
    </>
  );
}

/**
 * Submits, then opens the new job's page. A mistake (the form's own or the server's) that names an
 * input field the form shows is told next to that field, which takes the focus; any other below the
 * form. `fields`: the input paths the form shows (`input.payload`); an error's field belongs to the
 * longest of them it starts with (`input.steps.0.run` to `input.steps`).
 */
function useCreate(run: () => Promise<{ jobId: string; reasonerType: ReasonerType }>, fields: string[]) {
  const [, navigate] = useLocation();
  const action = useAction(run);
  const formRef = useRef<HTMLFormElement>(null);
  const error = action.error;
  const owner = error?.field
    ? fields.filter((f) => error.field === f || error.field!.startsWith(`${f}.`)).sort((a, b) => b.length - a.length)[0]
    : undefined;
  // biome-ignore lint/correctness/useExhaustiveDependencies: each new error moves the focus, even to the same field.
  useEffect(() => {
    if (owner) formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [owner, error]);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const job = await action.act();
    if (job) navigate(jobPath(job));
  };
  const errorFor = (field: string): string | undefined => {
    if (!error || owner !== field) return undefined;
    // The part of the path below the field, as in the JSON typed into it: `[0].run.payload.rows`.
    const rest = error.field!.slice(field.length).replace(/\.(\d+)(?=\.|$)/g, "[$1]");
    return rest ? `${rest.replace(/^\./, "")}: ${error.fieldMessage}` : error.fieldMessage;
  };
  return { submit, busy: action.busy, formRef, errorFor, formError: owner ? null : error };
}

/** A labelled control; the hint and the error are its description, not part of its name. */
function Field({
  label,
  children,
  hint,
  error,
}: {
  label: string;
  children: ReactElement<{ id?: string; "aria-describedby"?: string; "aria-invalid"?: boolean }>;
  hint?: string;
  error?: string;
}) {
  const id = useId();
  const describedBy = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {cloneElement(children, {
        id,
        ...(describedBy ? { "aria-describedby": describedBy } : {}),
        ...(error ? { "aria-invalid": true } : {}),
      })}
      {error && (
        <small className="field-error" id={`${id}-error`} role="alert">
          {error}
        </small>
      )}
      {hint && (
        <small className="hint" id={`${id}-hint`}>
          {hint}
        </small>
      )}
    </div>
  );
}

function GenerationForm() {
  const { key } = useSession();
  const [kind, setKind] = useState<GenerationKind>("MOCK");
  const [rows, setRows] = useState("1000");
  const [description, setDescription] = useState("");
  const [seed, setSeed] = useState("");
  const [tier, setTier] = useState<PlanTier>("STANDARD");
  const [name, setName] = useState("");
  const [input, setInput] = useState("");
  const [model, setModel] = useState("");
  const [spec, setSpec] = useState("");
  const [upload, setUpload] = useState<{ busy: boolean; message: string | null; error: string | null }>({
    busy: false,
    message: null,
    error: null,
  });
  const rowCount = Number(rows);
  const validRows = rowsInRange(rowCount);
  const [estimateRows, setEstimateRows] = useState(rowCount);
  // The estimate follows the rows as typed, a moment after the typing stops.
  useEffect(() => {
    const t = window.setTimeout(() => setEstimateRows(rowCount), 250);
    return () => window.clearTimeout(t);
  }, [rowCount]);
  const estimate = useQuery(EstimateCreditsQuery, { kind, rows: estimateRows }, { skip: !rowsInRange(estimateRows) });

  const create = useCreate(async () => {
    const extra = (parseJson(spec, "Spec", "input.spec") ?? {}) as Record<string, unknown>;
    if (typeof extra !== "object" || extra === null || Array.isArray(extra))
      throw formError("input.spec", "Spec must be a JSON object");
    const fullSpec = {
      ...extra,
      ...(READS_DATASET.has(kind) && input.trim() ? { input: input.trim() } : {}),
      ...(kind === "SYNTHESIZE" && model.trim() ? { model: model.trim() } : {}),
    };
    const result = await gql(key, CreateGenerationJobMutation, {
      input: {
        kind,
        rows: optionalInt(rows, "Rows", "input.rows"),
        description: description.trim() || undefined,
        seed: optionalInt(seed, "Seed", "input.seed"),
        planTier: tier,
        name: name.trim() || undefined,
        spec: Object.keys(fullSpec).length ? fullSpec : undefined,
      },
    });
    return result.createGenerationJob.job;
  }, [
    "input.kind",
    "input.rows",
    "input.description",
    "input.seed",
    "input.planTier",
    "input.name",
    "input.spec",
    ...(READS_DATASET.has(kind) ? ["input.spec.input"] : []),
    ...(kind === "SYNTHESIZE" ? ["input.spec.model"] : []),
  ]);

  async function onFile(file: File | undefined) {
    if (!file) return;
    setUpload({ busy: true, message: null, error: null });
    try {
      const stored = await uploadDataset(key, file);
      setInput(stored.id);
      setUpload({
        busy: false,
        message: `Uploaded ${file.name} (${stored.sizeBytes} bytes) as ${stored.id}.`,
        error: null,
      });
    } catch (err) {
      setUpload({ busy: false, message: null, error: err instanceof UploadError ? err.message : "The upload failed." });
    }
  }

  return (
    <form className="create" onSubmit={create.submit} ref={create.formRef} aria-label="New generation job">
      <Field label="Kind" error={create.errorFor("input.kind")}>
        <select value={kind} onChange={(e) => setKind(e.target.value as GenerationKind)}>
          {KINDS.map((k) => (
            <option key={k}>{k}</option>
          ))}
        </select>
      </Field>
      <Field label="Rows" error={create.errorFor("input.rows")}>
        <input type="number" min={1} step={1} value={rows} onChange={(e) => setRows(e.target.value)} />
      </Field>
      <Field
        label="Description"
        hint="What the data is about; a description alone makes MOCK columns."
        error={create.errorFor("input.description")}
      >
        <textarea rows={2} value={description} onChange={(e) => setDescription(e.target.value)} />
      </Field>
      <Field
        label="Seed"
        hint="Same input and seed: byte-identical output. Empty: one is chosen."
        error={create.errorFor("input.seed")}
      >
        <input type="number" step={1} value={seed} onChange={(e) => setSeed(e.target.value)} />
      </Field>
      <Field label="Plan tier" error={create.errorFor("input.planTier")}>
        <select value={tier} onChange={(e) => setTier(e.target.value as PlanTier)}>
          {TIERS.map((t) => (
            <option key={t}>{t}</option>
          ))}
        </select>
      </Field>
      <Field label="Name" error={create.errorFor("input.name")}>
        <input value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      {READS_DATASET.has(kind) && (
        <fieldset>
          <legend>Input dataset</legend>
          <Field label="Dataset file">
            <input
              type="file"
              accept=".csv,.ndjson,.jsonl,.json,text/csv,application/json"
              disabled={upload.busy}
              onChange={(e) => void onFile(e.target.files?.[0])}
            />
          </Field>
          <Field
            label="Dataset id"
            hint="Filled in by an upload, or the id of an artifact you can see."
            error={create.errorFor("input.spec.input")}
          >
            <input value={input} onChange={(e) => setInput(e.target.value)} />
          </Field>
          {upload.message && <p role="status">{upload.message}</p>}
          {upload.error && (
            <p className="error" role="alert">
              {upload.error}
            </p>
          )}
        </fieldset>
      )}
      {kind === "SYNTHESIZE" && (
        <Field label="Model (a TRAIN job's id)" error={create.errorFor("input.spec.model")}>
          <input value={model} onChange={(e) => setModel(e.target.value)} />
        </Field>
      )}
      <Field
        label="Spec (JSON, optional)"
        hint='Kind-specific input, e.g. {"columns": [...]}.'
        error={create.errorFor("input.spec")}
      >
        <textarea rows={3} className="mono" value={spec} onChange={(e) => setSpec(e.target.value)} />
      </Field>
      <p className="estimate" aria-live="polite">
        {/* What is shown is for the rows and kind as they are now: an earlier answer is not. */}
        {!validRows
          ? `Enter a number of rows from 1 to ${MAX_INT.toLocaleString("en")} to see the credit estimate.`
          : estimate.loading || estimateRows !== rowCount
            ? "Estimating…"
            : estimate.error
              ? `No estimate: ${estimate.error.fieldMessage}`
              : estimate.data
                ? `Estimated credits: ${estimate.data.estimateCredits.estimatedCredits}${estimate.data.estimateCredits.trainingTier ? ` (training tier ${estimate.data.estimateCredits.trainingTier})` : ""}`
                : "Estimating…"}
      </p>
      <button type="submit" disabled={create.busy}>
        Create generation job
      </button>
      <ErrorBox error={create.formError} what="The job was not created" />
    </form>
  );
}

const AGENT_FIELDS = ["functionName", "modelId", "displayName", "description", "assignedAgentId", "parameters"];

function AgentForm() {
  const { key } = useSession();
  const [v, setV] = useState({
    functionName: "",
    modelId: "",
    displayName: "",
    description: "",
    assignedAgentId: "",
    parameters: "",
  });
  const set = (k: keyof typeof v) => (e: { target: { value: string } }) => setV({ ...v, [k]: e.target.value });
  const create = useCreate(
    async () => {
      const parameters = parseJson(v.parameters, "Parameters", "input.parameters");
      const result = await gql(key, AddAgentJobMutation, {
        input: {
          functionName: v.functionName.trim(),
          modelId: v.modelId.trim() || undefined,
          displayName: v.displayName.trim() || undefined,
          description: v.description.trim() || undefined,
          assignedAgentId: v.assignedAgentId.trim() || undefined,
          parameters,
        },
      });
      return result.addAgentJob.job;
    },
    AGENT_FIELDS.map((f) => `input.${f}`),
  );
  return (
    <form className="create" onSubmit={create.submit} ref={create.formRef} aria-label="New agent job">
      <Field label="Function name" error={create.errorFor("input.functionName")}>
        <input value={v.functionName} onChange={set("functionName")} required />
      </Field>
      <Field label="Model id" error={create.errorFor("input.modelId")}>
        <input value={v.modelId} onChange={set("modelId")} />
      </Field>
      <Field label="Display name" error={create.errorFor("input.displayName")}>
        <input value={v.displayName} onChange={set("displayName")} />
      </Field>
      <Field label="Description" error={create.errorFor("input.description")}>
        <textarea rows={2} value={v.description} onChange={set("description")} />
      </Field>
      <Field label="Assigned agent id" error={create.errorFor("input.assignedAgentId")}>
        <input value={v.assignedAgentId} onChange={set("assignedAgentId")} />
      </Field>
      <Field label="Parameters (JSON)" error={create.errorFor("input.parameters")}>
        <textarea rows={3} className="mono" value={v.parameters} onChange={set("parameters")} />
      </Field>
      <button type="submit" disabled={create.busy}>
        Create agent job
      </button>
      <ErrorBox error={create.formError} what="The job was not created" />
    </form>
  );
}

const EXAMPLE_STEPS = JSON.stringify(
  [{ name: "make", run: { reasonerType: "GENERATION", payload: { kind: "MOCK", rows: 100 } } }],
  null,
  2,
);

function BatchForm() {
  const { key } = useSession();
  const [name, setName] = useState("");
  const [steps, setSteps] = useState(EXAMPLE_STEPS);
  const create = useCreate(async () => {
    const parsed = parseJson(steps, "Steps", "input.steps");
    if (!Array.isArray(parsed)) throw formError("input.steps", "Steps must be a JSON array of {name, run}");
    const result = await gql(key, RunBatchJobMutation, { input: { name: name.trim(), steps: parsed as never } });
    return result.runBatchJob.job;
  }, ["input.name", "input.steps"]);
  return (
    <form className="create" onSubmit={create.submit} ref={create.formRef} aria-label="New batch job">
      <Field label="Name" error={create.errorFor("input.name")}>
        <input value={name} onChange={(e) => setName(e.target.value)} required />
      </Field>
      <Field
        label="Steps (JSON)"
        error={create.errorFor("input.steps")}
        hint='Each {name, run: {reasonerType, reasonerName?, payload}}; a later step may use "$steps.<name>.artifacts[0]".'
      >
        <textarea rows={10} className="mono" value={steps} onChange={(e) => setSteps(e.target.value)} />
      </Field>
      <button type="submit" disabled={create.busy}>
        Run batch job
      </button>
      <ErrorBox error={create.formError} what="The job was not created" />
    </form>
  );
}

function GenericForm({ reasonerType }: { reasonerType: ReasonerType }) {
  const { key } = useSession();
  const [reasonerName, setReasonerName] = useState("default");
  const [name, setName] = useState("");
  const [payload, setPayload] = useState("{}");
  const [timeout, setTimeoutMins] = useState("");
  const create = useCreate(async () => {
    const result = await gql(key, CreateJobMutation, {
      input: {
        reasonerType,
        reasonerName: reasonerName.trim(),
        name: name.trim() || undefined,
        payload: parseJson(payload, "Payload", "input.payload") ?? {},
        timeoutMins: optionalInt(timeout, "Timeout", "input.timeoutMins"),
      },
    });
    return result.createJob.job;
  }, ["input.reasonerName", "input.name", "input.payload", "input.timeoutMins"]);
  return (
    <form
      className="create"
      onSubmit={create.submit}
      ref={create.formRef}
      aria-label={`New ${reasonerType.toLowerCase()} job`}
    >
      <Field
        label="Reasoner name"
        hint="The reasoner, worker pool or queue that runs it."
        error={create.errorFor("input.reasonerName")}
      >
        <input value={reasonerName} onChange={(e) => setReasonerName(e.target.value)} required />
      </Field>
      <Field label="Name" error={create.errorFor("input.name")}>
        <input value={name} onChange={(e) => setName(e.target.value)} />
      </Field>
      <Field label="Payload (JSON)" error={create.errorFor("input.payload")}>
        <textarea rows={6} className="mono" value={payload} onChange={(e) => setPayload(e.target.value)} />
      </Field>
      <Field label="Timeout (minutes)" error={create.errorFor("input.timeoutMins")}>
        <input type="number" min={1} step={1} value={timeout} onChange={(e) => setTimeoutMins(e.target.value)} />
      </Field>
      <button type="submit" disabled={create.busy}>
        Create {reasonerType.toLowerCase()} job
      </button>
      <ErrorBox error={create.formError} what="The job was not created" />
    </form>
  );
}
