import { generateKeyPairSync, sign } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { canonicalJson } from "../../../src/families/generation/engine/canonical-json.ts";
import {
  buildEvidenceBundle,
  EvidenceKeyError,
  loadOrCreateSigningKey,
  SIGNING_KEY_FILE,
  verifyEvidenceBundle,
} from "../../../packages/client/src/evidence-format.ts";
import { contentHash, sha256 } from "../../../src/families/generation/engine/hash.ts";

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "evidence-test-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
});

const csv = Buffer.from("a,b\n1,2\n");
const INPUT = {
  jobId: "0196f1c2-0000-7000-8000-000000000001",
  contract: { rows: 1, kind: "MOCK", spec: { columns: [{ name: "a", type: "int" }] } },
  seed: 42,
  runLog: [
    { step: "start", atMs: 0 },
    { step: "generated", rows: 1 },
  ],
  artefacts: [{ name: "mock.csv", contentHash: contentHash(csv), sizeBytes: csv.length }],
};

type Files = { name: string; bytes: Buffer }[];
const copy = (files: Files): Files => files.map((f) => ({ name: f.name, bytes: Buffer.from(f.bytes) }));
const fileNamed = (files: Files, name: string) => files.find((f) => f.name === name) as { name: string; bytes: Buffer };

describe("loadOrCreateSigningKey", () => {
  it("creates an Ed25519 key as a 0600 PEM file and reuses it", () => {
    const dir = path.join(tempDir(), "nested", "keys");
    const first = loadOrCreateSigningKey(dir);
    const file = path.join(dir, SIGNING_KEY_FILE);
    expect(fs.readFileSync(file, "utf8")).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(first.privateKey.asymmetricKeyType).toBe("ed25519");
    expect(first.publicKeyPem).toMatch(/^-----BEGIN PUBLIC KEY-----/);
    expect(first.publicKeyId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(fs.readdirSync(dir)).toEqual([SIGNING_KEY_FILE]);

    const second = loadOrCreateSigningKey(dir);
    expect(second.publicKeyPem).toBe(first.publicKeyPem);
    expect(second.publicKeyId).toBe(first.publicKeyId);
  });

  it("gives different directories different keys", () => {
    expect(loadOrCreateSigningKey(tempDir()).publicKeyId).not.toBe(loadOrCreateSigningKey(tempDir()).publicKeyId);
  });

  it("refuses a key file that is not Ed25519", () => {
    const dir = tempDir();
    const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
    fs.writeFileSync(path.join(dir, SIGNING_KEY_FILE), privateKey.export({ format: "pem", type: "pkcs8" }));
    expect(() => loadOrCreateSigningKey(dir)).toThrow(EvidenceKeyError);
    fs.writeFileSync(path.join(dir, SIGNING_KEY_FILE), "garbage");
    expect(() => loadOrCreateSigningKey(dir)).toThrow(EvidenceKeyError);
  });
});

describe("evidence bundles", () => {
  const key = loadOrCreateSigningKey(tempDir());
  const otherKey = loadOrCreateSigningKey(tempDir());
  const bundle = buildEvidenceBundle(INPUT, key);

  it("holds the four files with the documented chain", () => {
    expect(bundle.files.map((f) => f.name)).toEqual([
      "contract.json",
      "run_log.ndjson",
      "artefacts.ndjson",
      "chain_seal.json",
    ]);
    const [contract, runLog, artefacts] = bundle.files.map((f) => f.bytes);
    const h0 = sha256(contract as Buffer);
    const h1 = sha256(Buffer.concat([h0, sha256(runLog as Buffer)]));
    const h2 = sha256(Buffer.concat([h1, sha256(artefacts as Buffer)]));
    expect(bundle.rootHash).toBe(`sha256:${h2.toString("hex")}`);
    expect(bundle.publicKey).toBe(key.publicKeyPem);

    const seal = JSON.parse(fileNamed(bundle.files, "chain_seal.json").bytes.toString());
    expect(seal).toMatchObject({
      algorithm: "Ed25519",
      jobId: INPUT.jobId,
      seed: 42,
      rootHash: bundle.rootHash,
      signature: bundle.signature,
      publicKey: key.publicKeyPem,
      chain: [h0, h1, h2].map((h) => `sha256:${h.toString("hex")}`),
    });
    expect(seal.files.map((f: { name: string }) => f.name)).toEqual([
      "contract.json",
      "run_log.ndjson",
      "artefacts.ndjson",
    ]);
  });

  it("writes the contract as canonical JSON, so key order does not change the root", () => {
    expect(fileNamed(bundle.files, "contract.json").bytes.toString()).toBe(
      '{"kind":"MOCK","rows":1,"spec":{"columns":[{"name":"a","type":"int"}]}}',
    );
    const reordered = { spec: INPUT.contract.spec, rows: 1, kind: "MOCK" };
    const again = buildEvidenceBundle({ ...INPUT, contract: reordered }, key);
    expect(again.rootHash).toBe(bundle.rootHash);
    expect(again.signature).toBe(bundle.signature); // Ed25519 is deterministic
  });

  it("changes the root when the contract, run log or artefacts change", () => {
    expect(buildEvidenceBundle({ ...INPUT, contract: { rows: 2 } }, key).rootHash).not.toBe(bundle.rootHash);
    expect(buildEvidenceBundle({ ...INPUT, runLog: [] }, key).rootHash).not.toBe(bundle.rootHash);
    expect(buildEvidenceBundle({ ...INPUT, artefacts: [] }, key).rootHash).not.toBe(bundle.rootHash);
  });

  it("refuses artefacts without a sha256 content hash", () => {
    expect(() =>
      buildEvidenceBundle({ ...INPUT, artefacts: [{ name: "x", contentHash: "md5:abc", sizeBytes: 1 }] }, key),
    ).toThrow(/contentHash/);
  });

  it("verifies what it built", () => {
    expect(verifyEvidenceBundle(bundle.files)).toEqual({ verified: true, mismatches: [], rootHash: bundle.rootHash });
    expect(
      verifyEvidenceBundle(bundle.files, {
        artefacts: [{ name: "mock.csv", contentHash: contentHash(csv) }],
        rootHash: bundle.rootHash,
        publicKey: key.publicKeyPem,
      }).verified,
    ).toBe(true);
    expect(verifyEvidenceBundle(bundle.files, { publicKey: key.publicKeyId }).verified).toBe(true);
  });

  it("does not depend on the order files are given in", () => {
    expect(verifyEvidenceBundle([...bundle.files].reverse()).verified).toBe(true);
  });

  it.each(["contract.json", "run_log.ndjson", "artefacts.ndjson", "chain_seal.json"])(
    "detects any changed byte of %s, naming it",
    (name) => {
      const size = fileNamed(bundle.files, name).bytes.length;
      for (let i = 0; i < size; i++) {
        for (const flip of [0x01, 0x20]) {
          const files = copy(bundle.files);
          const target = fileNamed(files, name).bytes;
          target[i] = (target[i] as number) ^ flip;
          const result = verifyEvidenceBundle(files);
          if (result.verified || !result.mismatches.some((m) => m.startsWith(`${name}:`))) {
            throw new Error(`byte ${i} of ${name} ^ ${flip} went unnoticed: ${JSON.stringify(result.mismatches)}`);
          }
        }
      }
    },
  );

  it("reports a changed chained file against that file only, with the root it now hashes to", () => {
    const files = copy(bundle.files);
    const runLog = fileNamed(files, "run_log.ndjson");
    runLog.bytes = Buffer.from(runLog.bytes.toString().replace('"rows":1', '"rows":2'));
    const result = verifyEvidenceBundle(files);
    expect(result.verified).toBe(false);
    expect(result.mismatches).toHaveLength(1);
    expect(result.mismatches[0]).toMatch(/^run_log\.ndjson: hash sha256:[0-9a-f]{64} does not match sealed/);
    expect(result.rootHash).not.toBe(bundle.rootHash);
  });

  it("rejects a signature made with another key", () => {
    const files = copy(bundle.files);
    const sealFile = fileNamed(files, "chain_seal.json");
    const seal = JSON.parse(sealFile.bytes.toString());
    seal.signature = sign(null, Buffer.from(bundle.rootHash), otherKey.privateKey).toString("base64");
    sealFile.bytes = Buffer.from(canonicalJson(seal) + "\n");
    const result = verifyEvidenceBundle(files);
    expect(result.verified).toBe(false);
    expect(result.mismatches.some((m) => m.includes("signature does not verify rootHash"))).toBe(true);
  });

  it("rejects a bundle signed by a consistent but unexpected key when the key is pinned", () => {
    const forged = buildEvidenceBundle(INPUT, otherKey);
    expect(verifyEvidenceBundle(forged.files).verified).toBe(true);
    const pinned = verifyEvidenceBundle(forged.files, { publicKey: key.publicKeyPem });
    expect(pinned.verified).toBe(false);
    expect(pinned.mismatches).toEqual([`chain_seal.json: signed by ${otherKey.publicKeyId}, not by the expected key`]);
  });

  it("rejects a genuine bundle presented for another job when the job is expected", () => {
    expect(verifyEvidenceBundle(bundle.files, { jobId: INPUT.jobId }).verified).toBe(true);
    const other = "0196f1c2-0000-7000-8000-000000000002";
    const result = verifyEvidenceBundle(bundle.files, { jobId: other });
    expect(result.verified).toBe(false);
    expect(result.mismatches).toEqual([`chain_seal.json: sealed for job ${INPUT.jobId}, not for job ${other}`]);
  });

  it("checks expected artefact hashes and root hash", () => {
    const result = verifyEvidenceBundle(bundle.files, {
      artefacts: [
        { name: "mock.csv", contentHash: contentHash("other bytes") },
        { name: "absent.csv", contentHash: contentHash(csv) },
      ],
      rootHash: `sha256:${"0".repeat(64)}`,
    });
    expect(result.verified).toBe(false);
    expect(result.mismatches).toEqual([
      `chain_seal.json: rootHash ${bundle.rootHash}, expected sha256:${"0".repeat(64)}`,
      `artefacts.ndjson: mock.csv is listed as ${contentHash(csv)}, expected ${contentHash("other bytes")}`,
      "artefacts.ndjson: no entry for absent.csv",
    ]);
  });

  it("reports missing, duplicated and foreign files", () => {
    const result = verifyEvidenceBundle([
      ...bundle.files.slice(1),
      bundle.files[1] as never,
      { name: "extra.txt", bytes: Buffer.alloc(0) },
    ]);
    expect(result.verified).toBe(false);
    expect(result.rootHash).toBe("");
    expect(result.mismatches).toEqual(
      expect.arrayContaining([
        "run_log.ndjson: appears more than once",
        "extra.txt: not an evidence bundle file",
        "contract.json: missing",
      ]),
    );
  });
});
