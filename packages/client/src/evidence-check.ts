// Checking a generation job's evidence on the client: the bundle's files are downloaded and every
// hash, chain link and signature recomputed here, so the answer does not rest on the server's
// own `verified` flag. The check itself is the engine's pure verifier (no server state involved).
import { createHash } from "node:crypto";
import { verifyEvidenceBundle } from "./evidence-format.ts";
import type { Artifact, GenerationJob } from "./job-types.ts";

export interface EvidenceCheck {
  /** True when the bundle verifies here and lists the job's artifacts with their hashes. */
  verified: boolean;
  /** What the server says (EvidenceBundle.verified). */
  serverVerified: boolean | null;
  /** The root hash recomputed from the downloaded files ("" when there are none). */
  rootHash: string;
  /** One line per problem; empty when verified. */
  mismatches: string[];
}

export interface EvidenceCheckOptions {
  /** Pin the signer: its PEM public key or its "sha256:" key id. Without it any self-consistent key passes. */
  publicKey?: string;
}

const hashOf = (bytes: Buffer) => `sha256:${createHash("sha256").update(bytes).digest("hex")}`;

export async function checkEvidence(
  job: GenerationJob,
  fetchBytes: (file: Artifact) => Promise<Buffer>,
  options: EvidenceCheckOptions = {},
): Promise<EvidenceCheck> {
  const evidence = job.evidence;
  if (!evidence)
    return {
      verified: false,
      serverVerified: null,
      rootHash: "",
      mismatches: [`job ${job.jobId} has no evidence (state ${job.state})`],
    };
  const files = await Promise.all(evidence.files.map(async (f) => ({ file: f, bytes: await fetchBytes(f) })));
  const transfer = files
    .filter(({ file, bytes }) => hashOf(bytes) !== file.contentHash)
    .map(({ file }) => `${file.name}: downloaded bytes do not match its contentHash ${file.contentHash}`);
  // The bundle vouches for the outputs' recorded hashes; the outputs' own bytes are re-hashed too,
  // one at a time (they may be large), so a changed file is caught even when its record is not.
  for (const artifact of job.artifacts) {
    const actual = hashOf(await fetchBytes(artifact));
    if (actual !== artifact.contentHash)
      transfer.push(`${artifact.name}: its bytes hash to ${actual}, not its contentHash ${artifact.contentHash}`);
  }
  const result = verifyEvidenceBundle(
    files.map(({ file, bytes }) => ({ name: file.name, bytes })),
    {
      jobId: job.jobId,
      artefacts: job.artifacts.map((a) => ({ name: a.name, contentHash: a.contentHash })),
      rootHash: evidence.rootHash,
      ...(options.publicKey ? { publicKey: options.publicKey } : {}),
    },
  );
  const mismatches = [...transfer, ...result.mismatches];
  return {
    verified: mismatches.length === 0,
    serverVerified: evidence.verified,
    rootHash: result.rootHash,
    mismatches,
  };
}
