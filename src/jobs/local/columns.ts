// Records read by name from one column list: each field of a record names its SQL expression and how
// its value becomes the field's type, and the select list and the row mapping are both made from
// that list, so neither can drift from the other (rows come as arrays: pg's name-keyed row objects
// cost a third of reading a page of jobs).

/**
 * Timestamps travel as epoch milliseconds (every column is timestamptz(3): whole milliseconds) and
 * become Dates here: pg's text parser for timestamptz (postgres-date) cost more than the rest of a
 * row's decoding, hundreds of times per page.
 */
export const epochMs = (expr: string) => `round(extract(epoch from ${expr}) * 1000)::float8`;

/** Epoch milliseconds (a number, or text from pg's float8 parser when configured so) as a Date. */
export const asDate = (v: unknown): Date => new Date(typeof v === "number" ? v : Number(v));

/** A field of a record: its SQL expression (over the table's alias) and its value as the field's type. */
export interface Column<T> {
  readonly sql: (alias: string) => string;
  readonly read: (value: unknown) => T;
}

/** Every field of R, each with its column. */
export type Columns<R> = { readonly [K in keyof R]-?: Column<R[K]> };

const asIs = <T>(value: unknown) => value as T;
const quoted = (name: string) => (alias: string) => `${alias}."${name}"`;

/** A column read as the driver gives it (text, numbers, booleans, JSON). */
export const plain = <T>(name: string): Column<T> => ({ sql: quoted(name), read: asIs<T> });
/** An enum column, read as text. */
export const enumText = <T extends string>(name: string): Column<T> => ({
  sql: (alias) => `${alias}."${name}"::text`,
  read: asIs<T>,
});
/** A timestamp column, read as epoch milliseconds (epochMs). */
export const timestamp = (name: string): Column<Date> => ({
  sql: (alias) => epochMs(`${alias}."${name}"`),
  read: asDate,
});
export const timestampOrNull = (name: string): Column<Date | null> => ({
  sql: (alias) => epochMs(`${alias}."${name}"`),
  read: (v) => (v === null ? null : asDate(v)),
});
/** An int8 column: text from pg, a number from PGlite; a bigint, as Prisma gives it. */
export const bigint = (name: string): Column<bigint> => ({
  sql: quoted(name),
  read: (v) => BigInt(v as string | number),
});

/**
 * The select list of `columns` over `alias` (`instead` may put another expression in a field's place),
 * and the record of a row read in that order, by name.
 */
export function recordReader<R>(columns: Columns<R>): {
  select: (alias: string, instead?: (name: string) => string | undefined) => string;
  read: (row: unknown[]) => R;
} {
  const names = Object.keys(columns) as (keyof R & string)[];
  const readers = names.map((name) => columns[name].read);
  const count = names.length;
  return {
    select: (alias, instead) => names.map((name) => instead?.(name) ?? columns[name].sql(alias)).join(", "),
    read(row) {
      const record = {} as Record<string, unknown>;
      for (let i = 0; i < count; i++) record[names[i]!] = readers[i]!(row[i]);
      return record as R;
    },
  };
}
