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
/** asDate, keeping null. */
export const asDateOrNull = (v: unknown): Date | null => (v === null ? null : asDate(v));

/** A field of a record: its SQL expression (over the table's alias; the column has the field's name) and its value as the field's type. */
export interface Column<T> {
  readonly sql: (alias: string, name: string) => string;
  readonly read: (value: unknown) => T;
}

/** Every field of R, each with its column. */
export type Columns<R> = { readonly [K in keyof R]-?: Column<R[K]> };

const asIs = <T>(value: unknown) => value as T;
const quoted = (alias: string, name: string) => `${alias}."${name}"`;
const millis = (alias: string, name: string) => epochMs(quoted(alias, name));

/** A column read as the driver gives it (text, numbers, booleans, JSON). */
export const plain = <T>(): Column<T> => ({ sql: quoted, read: asIs<T> });
/** An enum column, read as text. */
export const enumText = <T extends string>(): Column<T> => ({
  sql: (alias, name) => `${quoted(alias, name)}::text`,
  read: asIs<T>,
});
/** A timestamp column, read as epoch milliseconds (epochMs). */
export const timestamp = (): Column<Date> => ({ sql: millis, read: asDate });
export const timestampOrNull = (): Column<Date | null> => ({ sql: millis, read: asDateOrNull });
/** An int8 column: text from pg, a number from PGlite; a bigint, as Prisma gives it. */
export const bigint = (): Column<bigint> => ({ sql: quoted, read: (v) => BigInt(v as string | number) });

/**
 * The select list of `columns` over `alias` (`instead` may put another expression in a field's place),
 * and the record of a row read in that order, by name. The reader is compiled once from the list into
 * one object literal (as a hand-written mapping would be): a loop filling an empty object cost ten
 * times as much per row, and every record then shared no shape with the literal's.
 */
export function recordReader<R>(columns: Columns<R>): {
  select: (alias: string, instead?: (name: string) => string | undefined) => string;
  read: (row: unknown[]) => R;
} {
  const names = Object.keys(columns) as (keyof R & string)[];
  const readers = names.map((name) => columns[name].read);
  // The names are this module's callers' own field names (never input), quoted as JSON strings.
  const fields = names.map((name, i) =>
    readers[i] === asIs ? `${JSON.stringify(name)}: row[${i}]` : `${JSON.stringify(name)}: readers[${i}](row[${i}])`,
  );
  const read = new Function("readers", `return (row) => ({ ${fields.join(", ")} });`)(readers) as (row: unknown[]) => R;
  return {
    select: (alias, instead) => names.map((name) => instead?.(name) ?? columns[name].sql(alias, name)).join(", "),
    read,
  };
}
