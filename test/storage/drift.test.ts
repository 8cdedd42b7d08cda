// The migrated database has every table, column, type, enum and index the Prisma schema expects,
// and nothing it doesn't: hand-written migrations cannot drift from prisma/schema.prisma unnoticed.
import { readFileSync } from "node:fs";
import prismaInternals from "@prisma/internals";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Database } from "../../src/db/database.ts";
import { migrate, readMigrations } from "../../src/db/migrate.ts";
import { backends } from "../helpers/backends.ts";
import { type FreshDatabase, freshDatabase } from "../helpers/database.ts";

const { getDMMF } = prismaInternals;
const dmmf = await getDMMF({ datamodel: readFileSync(new URL("../../prisma/schema.prisma", import.meta.url), "utf8") });
const models = dmmf.datamodel.models;
const enumNames = new Set(dmmf.datamodel.enums.map((e) => e.name));

const SCALAR_UDT: Record<string, string> = {
  String: "text",
  Int: "int4",
  BigInt: "int8",
  Float: "float8",
  Boolean: "bool",
  DateTime: "timestamp",
  Json: "jsonb",
};

function expectedUdt(field: (typeof models)[number]["fields"][number]): string {
  const native = (field.nativeType as [string, string[]] | null | undefined)?.[0];
  let udt = enumNames.has(field.type)
    ? field.type
    : native === "Uuid"
      ? "uuid"
      : native === "Timestamptz"
        ? "timestamptz"
        : native === "SmallInt"
          ? "int2"
          : SCALAR_UDT[field.type]!;
  if (field.isList) udt = `_${udt}`;
  return udt;
}

const tableOf = (modelName: string) => models.find((m) => m.name === modelName)!.dbName ?? modelName;

describe.each(backends)("storage on $name", (backend) => {
  let db: Database;
  let fresh: FreshDatabase;
  beforeAll(async () => {
    fresh = await freshDatabase(backend);
    db = fresh.db;
    await migrate(db);
  });
  afterAll(() => fresh?.close());

  it("applies each migration once, even when asked again", async () => {
    expect(await migrate(db)).toEqual([]);
    const rows = await db.query<{ name: string }>(`select "name" from "_jobs_migrations" order by "name"`);
    expect(rows.map((r) => r.name)).toEqual(readMigrations().map((m) => m.name));
  });

  it("has exactly the tables and columns of the Prisma schema, with their types and nullability", async () => {
    const columns = await db.query<{ table_name: string; column_name: string; udt_name: string; is_nullable: string }>(
      `select table_name, column_name, udt_name, is_nullable from information_schema.columns where table_schema = 'public' and table_name <> '_jobs_migrations'`,
    );
    const actual = new Map(
      columns.map((c) => [`${c.table_name}.${c.column_name}`, `${c.udt_name}${c.is_nullable === "YES" ? "?" : ""}`]),
    );
    const expected = new Map<string, string>();
    for (const model of models) {
      for (const field of model.fields) {
        if (field.kind === "object") continue;
        const nullable = !field.isRequired || field.isList;
        expected.set(
          `${model.dbName ?? model.name}.${field.dbName ?? field.name}`,
          `${expectedUdt(field)}${nullable ? "?" : ""}`,
        );
      }
    }
    expect(Object.fromEntries([...actual].sort())).toEqual(Object.fromEntries([...expected].sort()));
  });

  it("has every enum with exactly its values", async () => {
    const rows = await db.query<{ typname: string; enumlabel: string }>(
      `select t.typname, e.enumlabel from pg_type t join pg_enum e on e.enumtypid = t.oid order by t.typname, e.enumsortorder`,
    );
    const actual: Record<string, string[]> = {};
    for (const r of rows) (actual[r.typname] ??= []).push(r.enumlabel);
    const expected = Object.fromEntries(dmmf.datamodel.enums.map((e) => [e.name, e.values.map((v) => v.name)]));
    expect(actual).toEqual(expected);
  });

  it("has an index for every @@id, @@unique and @@index of the schema, and the claim index", async () => {
    const rows = await db.query<{ tablename: string; indexname: string; indexdef: string }>(
      `select tablename, indexname, indexdef from pg_indexes where schemaname = 'public'`,
    );
    const columnListOf = (r: (typeof rows)[number]) => {
      const cols = /USING \w+ \(([^)]*)\)/
        .exec(r.indexdef)![1]!
        .split(",")
        .map((c) =>
          c
            .trim()
            .replace(/"/g, "")
            .replace(/ (DESC|ASC)$/, ""),
        );
      return `${r.tablename}(${cols.join(",")})`;
    };
    const columnLists = new Set(rows.map(columnListOf));
    const byName = new Map(rows.map((r) => [r.indexname, columnListOf(r)]));
    for (const index of dmmf.datamodel.indexes) {
      const model = models.find((m) => m.name === index.model)!;
      const cols = index.fields.map((f) => model.fields.find((mf) => mf.name === f.name)!.dbName ?? f.name);
      const expected = `${tableOf(index.model)}(${cols.join(",")})`;
      expect(columnLists, `${index.type} on ${index.model}(${cols.join(",")})`).toContain(expected);
      // A named (map:) index is that index, not another one over the same columns (the primary key).
      if (index.dbName) expect(byName.get(index.dbName), `index ${index.dbName}`).toBe(expected);
    }
    expect(rows.some((r) => r.indexdef.includes("jobs_claimable_idx"))).toBe(true);
  });
});
