// Evidence and seals for succeeded generation jobs. Built after the SUCCEEDED commit (the worker
// protocol's afterSuccess hook, whoever completed the job: an in-process executor or a worker over
// HTTP), and re-derivable from the job's rows alone, so a crash in between loses nothing: a repair
// pass at start-up, and any read of a job's evidence, builds what is missing. Every step is
// idempotent: the bundle is deterministic (Ed25519 signatures are), blobs are content-addressed,
// and the rows are written once under a row lock.
import { createHash } from "node:crypto";
import type { Database } from "../db/database.ts";
import { newId } from "../ids.ts";
import { statusHistoryOf } from "../jobs/local/expansions.ts";
import type { JobRecord } from "../jobs/model.ts";
import {
  buildEvidenceBundle,
  type EvidenceFileName,
  type SigningKey,
  verifyEvidenceBundle,
} from "@jobs-api/client/evidence";
import { computeSealHash } from "../families/generation/engine/seal.ts";
import type { BlobStore } from "../storage/blob-store.ts";
import type { SucceededJob } from "../workers/protocol/service.ts";
import { engineContract } from "./generation.ts";
import type { GenerationContract } from "./port.ts";
import { loadSharedSigningKey } from "./signing-key.ts";
import { appendSeal } from "./sql/appendSeal.ts";
import { touchJob } from "../jobs/sql/transitionJob.ts";
import { saveEvidence, type StoredEvidence } from "./sql/saveEvidence.ts";

export type { StoredEvidence };

const MIME: Record<EvidenceFileName, string> = {
  "contract.json": "application/json",
  "run_log.ndjson": "application/x-ndjson",
  "artefacts.ndjson": "application/x-ndjson",
  "chain_seal.json": "application/json",
};

const UNIQUE_VIOLATION = "23505";
const isUniqueViolation = (err: unknown) =>
  typeof err === "object" && err !== null && (err as { code?: unknown }).code === UNIQUE_VIOLATION;

interface EvidenceLogger {
  info(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/** A generation job's contract and what evidence and seal it has so far. */
interface JobFacts extends GenerationContract {
  tenantId: string;
  state: string;
  evidence: StoredEvidence | null;
  sealed: boolean;
}

export class EvidenceService {
  private key: Promise<SigningKey> | undefined;

  constructor(
    private readonly db: Database,
    private readonly blobs: BlobStore,
    private readonly dataDir: string,
    private readonly logger: EvidenceLogger,
  ) {}

  signingKey(): Promise<SigningKey> {
    this.key ??= loadSharedSigningKey(this.db, this.dataDir).catch((err: unknown) => {
      this.key = undefined;
      throw err;
    });
    return this.key;
  }

  /** The worker protocol's afterSuccess hook. */
  async afterSuccess(job: SucceededJob): Promise<void> {
    if (job.reasonerType === "GENERATION") await this.ensure(job.jobId);
  }

  /**
   * The job's evidence, built (with its seal) when missing. Null for a job that is not a
   * SUCCEEDED generation job.
   */
  async ensure(jobId: string): Promise<StoredEvidence | null> {
    for (let attempt = 1; ; attempt++) {
      const facts = await this.facts(jobId);
      if (!facts || facts.state !== "SUCCEEDED") return null;
      if (facts.evidence && facts.sealed) return facts.evidence;
      try {
        return await this.build(jobId, facts);
      } catch (err) {
        // A concurrent append won the chain tip or the job's seal; the next pass sees it.
        if (isUniqueViolation(err) && attempt < 5) continue;
        throw err;
      }
    }
  }

  /** Builds whatever evidence and seals succeeded generation jobs lack (after a crash); returns how many. */
  async repair(limit = 10_000): Promise<number> {
    let repaired = 0;
    for (;;) {
      const rows = await this.db.query<{ id: string }>(
        `select j."id" from "jobs" j
         join "generation_details" g on g."jobId" = j."id"
         left join "provenance_seals" s on s."jobId" = j."id"
         where j."reasonerType" = 'GENERATION' and j."state" = 'SUCCEEDED' and (g."evidence" is null or s."id" is null)
         order by j."finishedOn", j."id" limit 100`,
      );
      if (rows.length === 0 || repaired >= limit) return repaired;
      for (const { id } of rows) {
        try {
          await this.ensure(id);
          repaired++;
        } catch (err) {
          this.logger.error({ err, jobId: id }, "could not build the job's evidence");
          return repaired;
        }
      }
    }
  }

  /**
   * Recomputes the job's evidence from the stored bytes: every evidence file re-hashed and the
   * chain and both signatures checked against the server's pinned key, the recorded root hash and
   * the job's outputs (each output's bytes re-hashed too), and the job's seal recomputed.
   */
  async verify(job: JobRecord, evidence: StoredEvidence): Promise<boolean> {
    try {
      const key = await this.signingKey();
      const [files, outputs, seals] = await Promise.all([
        this.db.prisma.artifact.findMany({
          where: { id: { in: evidence.fileIds }, jobId: job.id, purpose: "evidence" },
        }),
        this.db.prisma.artifact.findMany({ where: { jobId: job.id, purpose: "output" } }),
        this.db.prisma.provenanceSeal.findMany({ where: { jobId: job.id } }),
      ]);
      if (files.length !== evidence.fileIds.length) return false;
      const read = await Promise.all(
        files.map(async (f) => ({ name: f.name, bytes: await this.blobs.read(f.contentHash) })),
      );
      const check = verifyEvidenceBundle(read, {
        jobId: job.id,
        rootHash: evidence.rootHash,
        publicKey: key.publicKeyId,
        artefacts: outputs.map((o) => ({ name: o.name, contentHash: o.contentHash })),
      });
      if (!check.verified) return false;
      const seal = JSON.parse(read.find((f) => f.name === "chain_seal.json")!.bytes.toString("utf8")) as {
        signature: string;
        publicKey: string;
      };
      if (seal.signature !== evidence.signature || seal.publicKey !== evidence.publicKey) return false;
      for (const o of outputs) if ((await this.hashOf(o.contentHash)) !== o.contentHash) return false;
      const s = seals[0];
      if (!s) return false;
      return (
        computeSealHash({
          previousSealHash: s.previousSealHash,
          jobId: job.id,
          rootHash: evidence.rootHash,
          createdOn: s.createdOn.toISOString(),
        }) === s.sealHash
      );
    } catch (err) {
      // A missing or unreadable blob is a failed verification, not an error of the query.
      this.logger.info({ err, jobId: job.id }, "evidence verification could not read the job's files");
      return false;
    }
  }

  private async build(jobId: string, facts: JobFacts): Promise<StoredEvidence> {
    let evidence = facts.evidence;
    let files: { name: EvidenceFileName; bytes: Buffer }[] = [];
    let bundle: { rootHash: string; signature: string; publicKey: string } | null = null;
    if (!evidence) {
      const built = buildEvidenceBundle(
        {
          jobId,
          contract: engineContract(facts),
          seed: facts.seed,
          runLog: await this.runLog(jobId),
          artefacts: await this.outputs(jobId),
        },
        await this.signingKey(),
      );
      files = built.files;
      bundle = built;
      // Blobs first (idempotent); the rows that name them commit together below.
      for (const f of files) await this.blobs.putBytes(f.bytes);
    }
    const saved = await this.db.transaction(async (tx) => {
      if (!evidence && bundle) {
        const rows = files.map((f) => ({
          name: f.name,
          mimeType: MIME[f.name],
          sizeBytes: f.bytes.length,
          contentHash: `sha256:${createHash("sha256").update(f.bytes).digest("hex")}`,
        }));
        evidence = await saveEvidence(tx, { jobId, tenantId: facts.tenantId }, bundle, rows);
      }
      const stored = evidence!;
      const seal = await appendSeal(tx, { id: newId(), jobId, rootHash: stored.rootHash });
      // Builders racing for one job (the completion's hook, a reader, a repair pass) all end here;
      // only the one whose seal went in changed the job, and says so once.
      if (seal) await touchJob(tx, jobId);
      return { stored, recorded: seal !== null };
    });
    if (saved.recorded) this.logger.info({ jobId, rootHash: saved.stored.rootHash }, "evidence and seal recorded");
    return saved.stored;
  }

  private async facts(jobId: string): Promise<JobFacts | null> {
    const rows = await this.db.query<JobFacts>(
      `select j."tenantId", j."state", g."kind", g."rows", g."description", g."seed", g."spec", g."planTier", g."evidence",
              exists (select 1 from "provenance_seals" s where s."jobId" = j."id") as "sealed"
       from "jobs" j join "generation_details" g on g."jobId" = j."id" where j."id" = $1::uuid`,
      [jobId],
    );
    return rows[0] ?? null;
  }

  /** The job's history as recorded: every state it passed through, then every log line, in order. */
  private async runLog(jobId: string): Promise<object[]> {
    const [statuses, lines] = await Promise.all([
      statusHistoryOf(this.db, [jobId]).then(([history]) => history!),
      this.db.prisma.jobLogLine.findMany({ where: { jobId }, orderBy: { seq: "asc" } }),
    ]);
    return [
      ...statuses.map((s) => ({
        type: "status",
        seq: s.seq,
        state: s.state,
        nativeState: s.nativeState,
        message: s.message,
        at: s.createdOn.toISOString(),
      })),
      ...lines.map((l) => ({
        type: "log",
        seq: l.seq,
        timestampMs: l.timestampMs,
        level: l.level,
        message: l.message,
        step: l.step,
      })),
    ];
  }

  private async outputs(jobId: string) {
    const rows = await this.db.prisma.artifact.findMany({
      where: { jobId, purpose: "output" },
      orderBy: [{ createdOn: "asc" }, { id: "asc" }],
    });
    return rows.map((r) => ({ name: r.name, contentHash: r.contentHash, sizeBytes: Number(r.sizeBytes) }));
  }

  private async hashOf(contentHash: string): Promise<string> {
    const hash = createHash("sha256");
    for await (const chunk of this.blobs.open(contentHash)) hash.update(chunk as Buffer);
    return `sha256:${hash.digest("hex")}`;
  }
}
