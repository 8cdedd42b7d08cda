import { describe, expect, it } from "vitest";
import {
  CsvParseError,
  formatCsv,
  formatCsvField,
  parseCsv,
  parseCsvTable,
} from "../../../src/families/generation/engine/csv.ts";

describe("CSV writer", () => {
  it("quotes only fields with commas, quotes or line breaks", () => {
    expect(formatCsvField("plain")).toBe("plain");
    expect(formatCsvField(" spaced ")).toBe(" spaced ");
    expect(formatCsvField("a,b")).toBe('"a,b"');
    expect(formatCsvField('say "hi"')).toBe('"say ""hi"""');
    expect(formatCsvField("two\nlines")).toBe('"two\nlines"');
    expect(formatCsvField("cr\rhere")).toBe('"cr\rhere"');
  });

  it("terminates each record with \\n", () => {
    expect(
      formatCsv([
        ["a", "b"],
        ["1", "2"],
      ]),
    ).toBe("a,b\n1,2\n");
    expect(formatCsv([])).toBe("");
  });
});

describe("CSV parser", () => {
  it("round-trips quotes, commas, newlines, empty fields and unicode", () => {
    const rows = [
      ["name", "note", "empty", "unicode"],
      ['He said "hi"', "a,b,c", "", "naïve ☕"],
      ["multi\nline", "crlf\r\ninside", '""', ","],
      ["", "", "", ""],
    ];
    expect(parseCsv(formatCsv(rows))).toEqual(rows);
    expect(parseCsv(Buffer.from(formatCsv(rows), "utf8"))).toEqual(rows);
  });

  it("reads CRLF, LF and CR record separators, with or without a final one", () => {
    const expected = [
      ["a", "b"],
      ["1", "2"],
    ];
    expect(parseCsv("a,b\r\n1,2\r\n")).toEqual(expected);
    expect(parseCsv("a,b\n1,2")).toEqual(expected);
    expect(parseCsv("a,b\r1,2\r")).toEqual(expected);
  });

  it("handles edge cases: empty input, trailing comma, BOM, blank line", () => {
    expect(parseCsv("")).toEqual([]);
    expect(parseCsv("a,")).toEqual([["a", ""]]);
    expect(parseCsv("\ufeffa,b\n")).toEqual([["a", "b"]]);
    expect(parseCsv("a\n\nb\n")).toEqual([["a"], [""], ["b"]]);
    expect(parseCsv('"a""b",c')).toEqual([['a"b', "c"]]);
  });

  it("keeps text after a closing quote rather than failing", () => {
    expect(parseCsv('"ab"cd,e')).toEqual([["abcd", "e"]]);
  });

  it("reports an unterminated quote with its line", () => {
    expect(() => parseCsv('a,b\n1,"oops\n2,3\n')).toThrow(CsvParseError);
    expect(() => parseCsv('a,b\n1,"oops\n2,3\n')).toThrow(/line 2/);
  });
});

describe("parseCsvTable", () => {
  it("splits header and rows, skipping blank lines in multi-column tables", () => {
    const table = parseCsvTable("a,b\n1,2\n\n3,4\n");
    expect(table.header).toEqual(["a", "b"]);
    expect(table.rows).toEqual([
      ["1", "2"],
      ["3", "4"],
    ]);
  });

  it("reads a blank line in a one-column table as an empty value", () => {
    expect(parseCsvTable("a\n1\n\n2\n").rows).toEqual([["1"], [""], ["2"]]);
  });

  it("makes column names unique and non-empty", () => {
    expect(parseCsvTable("a,,a,a_2,a\n1,2,3,4,5\n").columns).toEqual(["a", "column_2", "a_2", "a_2_2", "a_3"]);
  });

  it("rejects ragged rows and a missing header, naming the line", () => {
    expect(() => parseCsvTable("a,b\n1,2\n3\n")).toThrow(/line 3: expected 2 fields/);
    expect(() => parseCsvTable('a,b\n"x\ny",2\n1,2,3\n')).toThrow(/line 4/);
    expect(() => parseCsvTable("")).toThrow(/no header/);
  });
});
