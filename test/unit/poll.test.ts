import { describe, expect, it } from "vitest";
import { pollUntil } from "../helpers/poll.ts";

describe("pollUntil", () => {
  it("re-checks a condition until it holds", async () => {
    let checks = 0;
    await pollUntil(() => ++checks === 3, "the third check", { intervalMs: 1 });
    expect(checks).toBe(3);
  });

  it("returns the value that satisfied ok, read synchronously or not", async () => {
    let n = 0;
    const value = await pollUntil(
      async () => ({ n: ++n }),
      (v) => v.n >= 2,
      "n to reach 2",
      { intervalMs: 1 },
    );
    expect(value).toEqual({ n: 2 });
  });

  it("fails at the deadline saying what it waited for, and the last value it read", async () => {
    await expect(pollUntil(() => false, "the flag", { timeoutMs: 30, intervalMs: 5 })).rejects.toThrow(
      "timed out after 30 ms waiting for the flag",
    );
    await expect(
      pollUntil(
        () => ({ rows: [1] }),
        (v) => v.rows.length === 2,
        "two rows",
        { timeoutMs: 30, intervalMs: 5 },
      ),
    ).rejects.toThrow('timed out after 30 ms waiting for two rows; last read: {"rows":[1]}');
  });

  it("passes on what the read throws", async () => {
    await expect(
      pollUntil(() => {
        throw new Error("read failed");
      }, "anything"),
    ).rejects.toThrow("read failed");
  });
});
