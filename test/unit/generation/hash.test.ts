import { describe, expect, it } from "vitest";
import { canonicalJson } from "../../../src/families/generation/engine/canonical-json.ts";
import { contentHash, normalizeContentHash, sha256Hex } from "../../../src/families/generation/engine/hash.ts";

describe("hash", () => {
  it("matches the SHA-256 test vector", () => {
    expect(sha256Hex(Buffer.from("abc"))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    expect(contentHash("abc")).toBe("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("normalises the accepted spellings of a content hash", () => {
    const hex = sha256Hex("x");
    expect(normalizeContentHash(hex.toUpperCase())).toBe(`sha256:${hex}`);
    expect(normalizeContentHash(`sha256:${hex}`)).toBe(`sha256:${hex}`);
    expect(normalizeContentHash("sha256:nothex")).toBeNull();
  });
});

describe("canonicalJson", () => {
  it("sorts keys at every depth and drops undefined", () => {
    expect(canonicalJson({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: undefined } })).toBe(
      '{"a":{"d":[3,{"y":2,"z":1}]},"b":1}',
    );
  });

  it("gives the same text whatever the insertion order", () => {
    expect(canonicalJson({ x: 1, y: 2 })).toBe(canonicalJson({ y: 2, x: 1 }));
  });

  it("follows JSON.stringify for dates, non-finite numbers and undefined", () => {
    expect(canonicalJson({ d: new Date(0), n: NaN })).toBe('{"d":"1970-01-01T00:00:00.000Z","n":null}');
    expect(canonicalJson(undefined)).toBe("null");
  });
});
