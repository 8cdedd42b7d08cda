// What a MOCK contract may ask for, validated with zod so a bad spec fails fast with the field named.
import { z } from "zod";

export const COLUMN_TYPES = ["int", "float", "string", "bool", "date", "category", "email", "name", "uuid"] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

const MOCK_FORMATS = ["csv", "jsonl"] as const;
export type MockFormat = (typeof MOCK_FORMATS)[number];

/** Built-in MOCK jobs hold their output in memory; larger runs belong to an external worker. */
export const MAX_MOCK_ROWS = 10_000_000;
const MAX_MOCK_COLUMNS = 1_000;
export const MAX_CATEGORIES = 10_000;

// Strict objects: a misspelt key ("nullrate") is reported, not silently ignored.
const UniformSchema = z.strictObject({ kind: z.literal("uniform"), min: z.number(), max: z.number() });
const NormalSchema = z.strictObject({ kind: z.literal("normal"), mean: z.number(), std: z.number().min(0) });
const CategoricalSchema = z.strictObject({
  kind: z.literal("categorical"),
  values: z.array(z.string()).min(1).max(MAX_CATEGORIES),
  weights: z.array(z.number().min(0)).nullish(),
});

const DistributionSchema = z.discriminatedUnion("kind", [UniformSchema, NormalSchema, CategoricalSchema]);
export type Distribution = z.output<typeof DistributionSchema>;

/** Numeric distributions draw numbers; categorical ones draw labels. Other pairings have no meaning. */
const DISTRIBUTION_TYPES: Record<Distribution["kind"], readonly ColumnType[]> = {
  uniform: ["int", "float"],
  normal: ["int", "float"],
  categorical: ["category", "string"],
};

const UNIQUE_TYPES: readonly ColumnType[] = ["int", "string", "email", "uuid"];

export const ColumnSpecSchema = z
  .strictObject({
    name: z.string().trim().min(1),
    type: z.enum(COLUMN_TYPES),
    distribution: DistributionSchema.nullish(),
    nullRate: z.number().min(0).max(1).nullish(),
    /** Every row a different value: ints count up from the range's minimum (default 1), emails and strings carry the row number. */
    unique: z.boolean().nullish(),
  })
  .superRefine((column, ctx) => {
    if (column.unique && !UNIQUE_TYPES.includes(column.type)) {
      ctx.addIssue({
        code: "custom",
        path: ["unique"],
        message: `a ${column.type} column cannot be unique (unique applies to ${UNIQUE_TYPES.join(", ")})`,
      });
    }
    if (column.unique && column.distribution && column.distribution.kind !== "uniform") {
      ctx.addIssue({
        code: "custom",
        path: ["distribution", "kind"],
        message: "a unique column takes a uniform range (or none)",
      });
    }
    const d = column.distribution;
    if (!d) return;
    if (!DISTRIBUTION_TYPES[d.kind].includes(column.type)) {
      ctx.addIssue({
        code: "custom",
        path: ["distribution", "kind"],
        message: `a ${d.kind} distribution does not apply to a ${column.type} column (it applies to ${DISTRIBUTION_TYPES[d.kind].join(", ")})`,
      });
      return;
    }
    if (d.kind === "uniform") {
      if (d.min > d.max) {
        ctx.addIssue({
          code: "custom",
          path: ["distribution", "max"],
          message: `max (${d.max}) must not be below min (${d.min})`,
        });
      } else if (column.type === "int" && Math.floor(d.max) < Math.ceil(d.min)) {
        ctx.addIssue({
          code: "custom",
          path: ["distribution", "max"],
          message: `no integer lies between min (${d.min}) and max (${d.max})`,
        });
      }
    }
    if (d.kind === "categorical" && d.weights) {
      if (d.weights.length !== d.values.length) {
        ctx.addIssue({
          code: "custom",
          path: ["distribution", "weights"],
          message: `has ${d.weights.length} weights for ${d.values.length} values`,
        });
      } else if (!(d.weights.reduce((a, b) => a + b, 0) > 0)) {
        ctx.addIssue({ code: "custom", path: ["distribution", "weights"], message: "must not all be zero" });
      }
    }
  });
export type ColumnSpec = z.output<typeof ColumnSpecSchema>;

/** A unique int column's values: counting up from its range's minimum (default 1) to its maximum; null for other columns. */
export function uniqueIntRange(column: ColumnSpec): { lo: number; hi: number } | null {
  if (!column.unique || column.type !== "int") return null;
  const d = column.distribution;
  return d?.kind === "uniform" ? { lo: Math.ceil(d.min), hi: Math.floor(d.max) } : { lo: 1, hi: Infinity };
}

const ColumnsSchema = z
  .array(ColumnSpecSchema)
  .max(MAX_MOCK_COLUMNS)
  .superRefine((columns, ctx) => {
    const seen = new Set<string>();
    columns.forEach((column, i) => {
      if (seen.has(column.name))
        ctx.addIssue({ code: "custom", path: [i, "name"], message: `duplicate column name "${column.name}"` });
      seen.add(column.name);
    });
  });

/**
 * The parts of a generation contract MOCK reads. Other keys (kind, planTier, name…) are dropped,
 * so they cannot change the seeded output.
 */
export const MockContractSchema = z
  .object({
    rows: z.number().int().min(0).max(MAX_MOCK_ROWS),
    description: z
      .string()
      .nullish()
      .transform((v) => v ?? null),
    spec: z
      .object({
        columns: ColumnsSchema.nullish().transform((v) => v ?? null),
        format: z
          .enum(MOCK_FORMATS)
          .nullish()
          .transform((v) => v ?? null),
      })
      .nullish()
      .transform((v) => v ?? null),
  })
  .superRefine((contract, ctx) => {
    contract.spec?.columns?.forEach((column, i) => {
      const range = uniqueIntRange(column);
      if (range && range.hi - range.lo + 1 < contract.rows)
        ctx.addIssue({
          code: "custom",
          path: ["spec", "columns", i, "unique"],
          message: `${contract.rows} unique ints do not fit between ${range.lo} and ${range.hi}`,
        });
    });
  });
export type MockContract = z.input<typeof MockContractSchema>;
export type ParsedMockContract = z.output<typeof MockContractSchema>;

export interface SpecIssue {
  /** Dotted path from the contract root, e.g. "spec.columns[2].distribution.max". */
  field: string;
  message: string;
}

export class MockSpecError extends Error {
  override name = "MockSpecError";
  /** The first offending field. */
  readonly field: string;
  constructor(readonly issues: SpecIssue[]) {
    super(`invalid mock contract: ${issues.map((i) => `${i.field}: ${i.message}`).join("; ")}`);
    this.field = issues[0]?.field ?? "";
  }
}

export function parseMockContract(input: unknown): ParsedMockContract {
  const parsed = MockContractSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  throw new MockSpecError(
    parsed.error.issues.map((issue) => ({ field: formatPath(issue.path), message: issue.message })),
  );
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out === "" ? "(contract)" : out;
}
