// newId: the one maker of new rows' ids. Problems and artifact revisions read back in the order
// their ids were made, so the ids must ascend; they are UUIDv7 for PostgreSQL's uuid columns.
import { describe, expect, it } from "vitest";
import { newId } from "../../src/ids.ts";

const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("newId", () => {
  it("makes UUIDv7s that ascend in the order made, across many buffer refills, never repeating", () => {
    // 5,000 ids: ten refills of the random buffer, most within the same millisecond.
    const ids = Array.from({ length: 5000 }, () => newId());
    for (const id of ids) expect(id).toMatch(UUID_V7);
    for (let i = 1; i < ids.length; i++) expect(ids[i]! > ids[i - 1]!).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("carries the time it was made in its first 48 bits", () => {
    const before = Date.now();
    const id = newId();
    const after = Date.now();
    const ms = Number.parseInt(id.replaceAll("-", "").slice(0, 12), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(after);
  });
});
