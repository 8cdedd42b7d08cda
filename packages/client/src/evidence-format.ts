// Evidence bundles: the contract, run log and artefact list of a job, hash-chained and signed with
// Ed25519, so anyone holding the bundle can check nothing in it changed after the run.
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
  verify,
} from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { z } from "zod";
import { canonicalJson } from "./canonical-json.ts";
import { CONTENT_HASH_PREFIX, contentHash, isContentHash, sha256 } from "./hash.ts";

export const SIGNING_KEY_FILE = "signing-key.pem";
export const EVIDENCE_FILES = ["contract.json", "run_log.ndjson", "artefacts.ndjson", "chain_seal.json"] as const;
export type EvidenceFileName = (typeof EVIDENCE_FILES)[number];
/** The files the chain links, in chain order; chain_seal.json seals them. */
const CHAINED_FILES = ["contract.json", "run_log.ndjson", "artefacts.ndjson"] as const;
type ChainedFileName = (typeof CHAINED_FILES)[number];

export const SEAL_VERSION = 1;
export const SIGNATURE_ALGORITHM = "Ed25519";
export const HASH_ALGORITHM = "sha256";
const CHAIN_RULE =
  "h0 = sha256(contract.json); hN = sha256(hN-1 || sha256(file N)) over raw 32-byte digests; rootHash = sha256:hex(h2)";

export interface SigningKey {
  privateKey: KeyObject;
  /** SPKI public key, PEM. */
  publicKeyPem: string;
  /** "sha256:<hex>" of the DER SPKI public key: a stable fingerprint to pin. */
  publicKeyId: string;
}

export class EvidenceKeyError extends Error {
  override name = "EvidenceKeyError";
}

/**
 * The Ed25519 key in dir/signing-key.pem (PKCS#8 PEM, mode 0600), created on first use. Creation
 * writes a private temp file and hard-links it into place, which fails if another process got there
 * first; the loser then reads the winner's key, so concurrent workers never sign with different keys.
 */
export function loadOrCreateSigningKey(dir: string): SigningKey {
  const file = path.join(dir, SIGNING_KEY_FILE);
  if (!fs.existsSync(file)) {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync("ed25519");
    const pem = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    const temp = path.join(dir, `.${SIGNING_KEY_FILE}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`);
    fs.writeFileSync(temp, pem, { mode: 0o600, flag: "wx" });
    try {
      fs.linkSync(temp, file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    } finally {
      fs.rmSync(temp, { force: true });
    }
  }
  return signingKeyFromPem(fs.readFileSync(file, "utf8"), file);
}

export function signingKeyFromPem(pem: string, source = "signing key"): SigningKey {
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (error) {
    throw new EvidenceKeyError(`${source}: not a readable private key (${(error as Error).message})`);
  }
  if (privateKey.asymmetricKeyType !== "ed25519") {
    throw new EvidenceKeyError(
      `${source}: expected an Ed25519 key, found ${privateKey.asymmetricKeyType ?? "unknown"}`,
    );
  }
  const publicKey = createPublicKey(privateKey);
  return {
    privateKey,
    publicKeyPem: publicKey.export({ format: "pem", type: "spki" }).toString(),
    publicKeyId: publicKeyId(publicKey),
  };
}

function publicKeyId(publicKey: KeyObject): string {
  return contentHash(publicKey.export({ format: "der", type: "spki" }));
}

export interface EvidenceArtefact {
  name: string;
  contentHash: string;
  sizeBytes: number;
}

export interface EvidenceInput {
  jobId: string;
  contract: unknown;
  seed: number;
  runLog: object[];
  artefacts: EvidenceArtefact[];
}

export interface EvidenceFile {
  name: EvidenceFileName;
  bytes: Buffer;
}

export interface EvidenceBundle {
  files: EvidenceFile[];
  rootHash: string;
  /** Base64 Ed25519 signature over the UTF-8 bytes of rootHash. */
  signature: string;
  /** SPKI PEM. */
  publicKey: string;
}

const HashSchema = z.string().regex(/^sha256:[0-9a-f]{64}$/);

/** What chain_seal.json holds. Strict: an unknown or renamed key is tampering, not an extension. */
const SealSchema = z.strictObject({
  version: z.literal(SEAL_VERSION),
  algorithm: z.literal(SIGNATURE_ALGORITHM),
  hashAlgorithm: z.literal(HASH_ALGORITHM),
  chainRule: z.literal(CHAIN_RULE),
  jobId: z.string(),
  seed: z.number(),
  files: z
    .array(z.strictObject({ name: z.enum(CHAINED_FILES), hash: HashSchema, sizeBytes: z.number().int().min(0) }))
    .length(3),
  chain: z.array(HashSchema).length(3),
  rootHash: HashSchema,
  /** Ed25519 over rootHash: what the API exposes and most verifiers check. */
  signature: z.string(),
  /** Ed25519 over the canonical seal without this field: covers jobId, seed and everything else here. */
  sealSignature: z.string(),
  publicKey: z.string(),
  publicKeyId: HashSchema,
});
type Seal = z.output<typeof SealSchema>;

export function buildEvidenceBundle(input: EvidenceInput, key: SigningKey): EvidenceBundle {
  for (const [i, a] of input.artefacts.entries()) {
    if (!isContentHash(a.contentHash))
      throw new RangeError(`artefacts[${i}].contentHash must be sha256:<64 lowercase hex>, got ${a.contentHash}`);
  }
  const chained: Record<ChainedFileName, Buffer> = {
    "contract.json": Buffer.from(canonicalJson(input.contract), "utf8"),
    "run_log.ndjson": ndjson(input.runLog),
    // Only the three sealed fields, in the caller's order.
    "artefacts.ndjson": ndjson(
      input.artefacts.map((a) => ({ name: a.name, contentHash: a.contentHash, sizeBytes: a.sizeBytes })),
    ),
  };
  const fileHashes = CHAINED_FILES.map((name) => sha256(chained[name]));
  const chain = chainLinks(fileHashes);
  const rootHash = hexHash(chain[2] as Buffer);
  const signature = sign(null, Buffer.from(rootHash, "utf8"), key.privateKey).toString("base64");
  const unsigned: Omit<Seal, "sealSignature"> = {
    version: SEAL_VERSION,
    algorithm: SIGNATURE_ALGORITHM,
    hashAlgorithm: HASH_ALGORITHM,
    chainRule: CHAIN_RULE,
    jobId: input.jobId,
    seed: input.seed,
    files: CHAINED_FILES.map((name, i) => ({
      name,
      hash: hexHash(fileHashes[i] as Buffer),
      sizeBytes: chained[name].length,
    })),
    chain: chain.map(hexHash),
    rootHash,
    signature,
    publicKey: key.publicKeyPem,
    publicKeyId: key.publicKeyId,
  };
  const sealSignature = sign(null, Buffer.from(canonicalJson(unsigned), "utf8"), key.privateKey).toString("base64");
  const seal: Seal = { ...unsigned, sealSignature };
  return {
    files: [
      ...CHAINED_FILES.map((name) => ({ name, bytes: chained[name] })),
      { name: "chain_seal.json", bytes: Buffer.from(canonicalJson(seal) + "\n", "utf8") },
    ],
    rootHash,
    signature,
    publicKey: key.publicKeyPem,
  };
}

export interface EvidenceExpectations {
  /** The job the bundle must be sealed for: a genuine bundle of another job is not this job's evidence. */
  jobId?: string;
  /** Artefacts the bundle must list with these hashes (others it lists are not checked). */
  artefacts?: { name: string; contentHash: string }[];
  /** The root hash recorded for the job, e.g. in the database. */
  rootHash?: string;
  /** Pin the signer: a PEM public key or its publicKeyId. Without it any self-consistent key passes. */
  publicKey?: string;
}

export interface EvidenceVerification {
  verified: boolean;
  /** One line per problem, each starting with the file it concerns. */
  mismatches: string[];
  /** The root hash recomputed from the bundle's files ("" when a chained file is missing). */
  rootHash: string;
}

/**
 * Recomputes every file hash and chain link from the bytes, checks both signatures against the key
 * in chain_seal.json, and any expectations given. A changed byte in a chained file is reported
 * against that file; a changed byte in chain_seal.json against chain_seal.json.
 */
export function verifyEvidenceBundle(
  files: { name: string; bytes: Buffer }[],
  expected: EvidenceExpectations = {},
): EvidenceVerification {
  const mismatches: string[] = [];
  const byName = new Map<string, Buffer>();
  for (const f of files) {
    if (!(EVIDENCE_FILES as readonly string[]).includes(f.name))
      mismatches.push(`${f.name}: not an evidence bundle file`);
    else if (byName.has(f.name)) mismatches.push(`${f.name}: appears more than once`);
    else byName.set(f.name, f.bytes);
  }
  for (const name of EVIDENCE_FILES) if (!byName.has(name)) mismatches.push(`${name}: missing`);

  const actualHashes = CHAINED_FILES.map((name) => {
    const bytes = byName.get(name);
    return bytes === undefined ? null : sha256(bytes);
  });
  const complete = actualHashes.every((h) => h !== null);
  const rootHash = complete ? hexHash(chainLinks(actualHashes as Buffer[])[2] as Buffer) : "";

  const seal = readSeal(byName.get("chain_seal.json"), mismatches);
  if (seal) {
    // The files against the hashes the seal recorded: a difference names the changed file.
    CHAINED_FILES.forEach((name, i) => {
      const sealed = seal.files[i];
      const actual = actualHashes[i];
      if (!sealed || sealed.name !== name) {
        mismatches.push(`chain_seal.json: files[${i}] should describe ${name}`);
        return;
      }
      if (actual === null || actual === undefined) return;
      if (sealed.hash !== hexHash(actual))
        mismatches.push(`${name}: hash ${hexHash(actual)} does not match sealed ${sealed.hash}`);
      const size = byName.get(name)?.length;
      if (size !== sealed.sizeBytes) mismatches.push(`${name}: ${size} bytes, sealed as ${sealed.sizeBytes}`);
    });
    // The seal against itself: its chain must follow from the hashes it lists.
    const sealedLinks = chainLinks(
      seal.files.map((f) => Buffer.from(f.hash.slice(CONTENT_HASH_PREFIX.length), "hex")),
    ).map(hexHash);
    sealedLinks.forEach((link, i) => {
      if (seal.chain[i] !== link)
        mismatches.push(`chain_seal.json: chain link ${i} is ${seal.chain[i]}, the listed file hashes give ${link}`);
    });
    if (seal.rootHash !== sealedLinks[2])
      mismatches.push(`chain_seal.json: rootHash ${seal.rootHash} is not the last chain link`);
    checkSignatures(seal, mismatches);
    if (expected.publicKey !== undefined && !sameKey(expected.publicKey, seal)) {
      mismatches.push(`chain_seal.json: signed by ${seal.publicKeyId}, not by the expected key`);
    }
    if (expected.jobId !== undefined && expected.jobId !== seal.jobId) {
      mismatches.push(`chain_seal.json: sealed for job ${seal.jobId}, not for job ${expected.jobId}`);
    }
    if (expected.rootHash !== undefined && expected.rootHash !== seal.rootHash) {
      mismatches.push(`chain_seal.json: rootHash ${seal.rootHash}, expected ${expected.rootHash}`);
    }
  }
  if (expected.artefacts) checkArtefacts(byName.get("artefacts.ndjson"), expected.artefacts, mismatches);
  return { verified: mismatches.length === 0, mismatches, rootHash };
}

function readSeal(bytes: Buffer | undefined, mismatches: string[]): Seal | null {
  if (bytes === undefined) return null;
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString("utf8"));
  } catch {
    mismatches.push("chain_seal.json: not valid JSON");
    return null;
  }
  const parsed = SealSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues)
      mismatches.push(`chain_seal.json: ${issue.path.join(".") || "(root)"}: ${issue.message}`);
    return null;
  }
  // Byte-exact canonical form: no edit can hide in whitespace, key order or number spelling.
  if (!Buffer.from(canonicalJson(raw) + "\n", "utf8").equals(bytes)) {
    mismatches.push("chain_seal.json: not in canonical form");
  }
  return parsed.data;
}

function checkSignatures(seal: Seal, mismatches: string[]): void {
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey(seal.publicKey);
  } catch {
    mismatches.push("chain_seal.json: publicKey is not a readable public key");
    return;
  }
  if (publicKey.asymmetricKeyType !== "ed25519") {
    mismatches.push(`chain_seal.json: publicKey is ${publicKey.asymmetricKeyType ?? "unknown"}, not Ed25519`);
    return;
  }
  if (publicKeyId(publicKey) !== seal.publicKeyId)
    mismatches.push("chain_seal.json: publicKeyId does not match publicKey");
  if (!verifySignature(publicKey, seal.rootHash, seal.signature)) {
    mismatches.push("chain_seal.json: signature does not verify rootHash with publicKey");
  }
  const { sealSignature, ...unsigned } = seal;
  if (!verifySignature(publicKey, canonicalJson(unsigned), sealSignature)) {
    mismatches.push("chain_seal.json: sealSignature does not verify the seal with publicKey");
  }
}

function verifySignature(publicKey: KeyObject, message: string, signatureBase64: string): boolean {
  // Buffer.from(…, "base64") skips bad characters; a strict round trip makes any edit count.
  const signature = Buffer.from(signatureBase64, "base64");
  if (signature.toString("base64") !== signatureBase64) return false;
  try {
    return verify(null, Buffer.from(message, "utf8"), publicKey, signature);
  } catch {
    return false;
  }
}

function sameKey(expected: string, seal: Seal): boolean {
  if (isContentHash(expected)) return expected === seal.publicKeyId;
  try {
    return publicKeyId(createPublicKey(expected)) === seal.publicKeyId;
  } catch {
    return false;
  }
}

function checkArtefacts(
  bytes: Buffer | undefined,
  expected: { name: string; contentHash: string }[],
  mismatches: string[],
): void {
  if (bytes === undefined) return; // already reported missing
  const listed = new Map<string, string[]>();
  const lines = bytes.toString("utf8").split("\n");
  for (const [i, line] of lines.entries()) {
    if (line === "") continue;
    try {
      const entry = JSON.parse(line) as { name?: unknown; contentHash?: unknown };
      if (typeof entry.name !== "string" || typeof entry.contentHash !== "string")
        throw new Error("no name or contentHash");
      listed.set(entry.name, [...(listed.get(entry.name) ?? []), entry.contentHash]);
    } catch {
      mismatches.push(`artefacts.ndjson: line ${i + 1} is not an artefact entry`);
    }
  }
  for (const want of expected) {
    const hashes = listed.get(want.name);
    if (!hashes) mismatches.push(`artefacts.ndjson: no entry for ${want.name}`);
    else if (!hashes.includes(want.contentHash)) {
      mismatches.push(`artefacts.ndjson: ${want.name} is listed as ${hashes.join(", ")}, expected ${want.contentHash}`);
    }
  }
}

/** h0 = H(f0); hN = H(hN-1 || H(fN)), over raw digests. */
function chainLinks(fileHashes: readonly Buffer[]): Buffer[] {
  const links: Buffer[] = [];
  for (const [i, h] of fileHashes.entries()) {
    links.push(i === 0 ? h : sha256(Buffer.concat([links[i - 1] as Buffer, h])));
  }
  return links;
}

function hexHash(digest: Buffer): string {
  return CONTENT_HASH_PREFIX + digest.toString("hex");
}

function ndjson(entries: readonly object[]): Buffer {
  return Buffer.from(entries.map((e) => canonicalJson(e) + "\n").join(""), "utf8");
}
