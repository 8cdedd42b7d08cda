import { describe, expect, it } from "vitest";
import { contentHash } from "../../../src/families/generation/engine/hash.ts";
import { computeSealHash, type SealFields, verifySealChain } from "../../../src/families/generation/engine/seal.ts";
import { verifyArtifacts } from "../../../src/families/generation/engine/verify.ts";

const root = (s: string) => contentHash(s);
const FIRST: SealFields = {
  previousSealHash: null,
  jobId: "job-1",
  rootHash: root("a"),
  createdOn: "2025-01-01T00:00:00.000Z",
};

describe("computeSealHash", () => {
  it("is sha256 over the canonical JSON of the four fields", () => {
    const expected = contentHash(
      `{"createdOn":"2025-01-01T00:00:00.000Z","jobId":"job-1","previousSealHash":null,"rootHash":"${root("a")}"}`,
    );
    expect(computeSealHash(FIRST)).toBe(expected);
  });

  it("is stable and ignores extra properties", () => {
    expect(computeSealHash({ ...FIRST })).toBe(computeSealHash(FIRST));
    expect(computeSealHash({ ...FIRST, sealHash: "x" } as SealFields)).toBe(computeSealHash(FIRST));
  });

  it("differs when the previous hash differs", () => {
    const a = computeSealHash({ ...FIRST, previousSealHash: root("p1") });
    const b = computeSealHash({ ...FIRST, previousSealHash: root("p2") });
    expect(a).not.toBe(b);
    expect(a).not.toBe(computeSealHash(FIRST));
  });

  it("differs when any other field differs", () => {
    const base = computeSealHash(FIRST);
    expect(computeSealHash({ ...FIRST, jobId: "job-2" })).not.toBe(base);
    expect(computeSealHash({ ...FIRST, rootHash: root("b") })).not.toBe(base);
    expect(computeSealHash({ ...FIRST, createdOn: "2025-01-01T00:00:00.001Z" })).not.toBe(base);
  });
});

describe("verifySealChain", () => {
  const chain: (SealFields & { sealHash: string })[] = [];
  for (let i = 0; i < 4; i++) {
    const fields: SealFields = {
      previousSealHash: chain[i - 1]?.sealHash ?? null,
      jobId: `job-${i}`,
      rootHash: root(`r${i}`),
      createdOn: `2025-01-0${i + 1}T00:00:00.000Z`,
    };
    chain.push({ ...fields, sealHash: computeSealHash(fields) });
  }

  it("accepts an intact chain", () => {
    expect(verifySealChain(chain)).toEqual({ ok: true, brokenAt: null, reason: null });
    expect(verifySealChain([])).toMatchObject({ ok: true });
  });

  it("finds a rewritten seal", () => {
    const tampered = chain.map((s) => ({ ...s }));
    (tampered[2] as SealFields).rootHash = root("forged");
    expect(verifySealChain(tampered)).toMatchObject({ ok: false, brokenAt: 2 });
  });

  it("finds a dropped seal", () => {
    expect(verifySealChain([chain[0], chain[2], chain[3]] as typeof chain)).toMatchObject({ ok: false, brokenAt: 1 });
  });
});

describe("verifyArtifacts", () => {
  const a = Buffer.from("alpha");
  const b = Buffer.from("beta");

  it("passes matching hashes in any accepted spelling", () => {
    expect(
      verifyArtifacts([
        { name: "a", expectedHash: contentHash(a), bytes: a },
        { name: "b", expectedHash: contentHash(b).slice("sha256:".length).toUpperCase(), bytes: b },
      ]),
    ).toEqual({ ok: true, checked: 2, mismatches: [] });
  });

  it("reports each mismatch with expected and actual", () => {
    expect(
      verifyArtifacts([
        { name: "a", expectedHash: contentHash(b), bytes: a },
        { name: "b", expectedHash: contentHash(b), bytes: b },
        { name: "c", expectedHash: "not-a-hash", bytes: b },
      ]),
    ).toEqual({
      ok: false,
      checked: 3,
      mismatches: [
        { name: "a", expected: contentHash(b), actual: contentHash(a) },
        { name: "c", expected: "not-a-hash", actual: contentHash(b) },
      ],
    });
  });

  it("passes an empty list", () => {
    expect(verifyArtifacts([])).toEqual({ ok: true, checked: 0, mismatches: [] });
  });
});
