// JobsClient for Node: the browser-safe client plus what needs the file system or node:crypto
// (downloads to disk with a hash check, uploads from a path, evidence verified on this side).
import type { Artifact, JobLike } from "./job-types.ts";
import { downloadToFile, type DownloadedFile, type DownloadOptions } from "./download.ts";
import { JobsApiError } from "./errors.ts";
import type { EvidenceCheck, EvidenceCheckOptions } from "./evidence-check.ts";
import type { UploadBody } from "./http.ts";
import { JobsClient as BrowserJobsClient } from "./jobs-client.ts";
import type { StoredArtifact } from "./types.ts";
import { uploadRequest, type UploadOptions } from "./upload.ts";

export class JobsClient extends BrowserJobsClient {
  /**
   * Streams an artifact to `path`, checking its sha256 against `contentHash` (or
   * `options.expectedHash`): on a mismatch the file is removed and ContentHashMismatchError thrown.
   */
  async download(
    artifact: Pick<Artifact, "downloadUrl" | "contentHash"> & { sizeBytes?: number },
    path: string,
    options: DownloadOptions = {},
  ): Promise<DownloadedFile> {
    const url = new URL(artifact.downloadUrl, this.transport.baseUrl);
    return downloadToFile(
      this.fetchImpl,
      {
        url: url.toString(),
        headers: this.authFor(url),
        expectedHash: options.expectedHash ?? artifact.contentHash,
        sizeBytes: artifact.sizeBytes ?? null,
        path,
      },
      options,
    );
  }

  /**
   * Uploads a dataset (a file path, bytes or a stream) with PUT /uploads; the answer's `id` is what
   * a generation job's `spec.input` names. Visible to the uploader and the tenant's admins.
   */
  async upload(source: string | UploadBody, options: UploadOptions = {}): Promise<StoredArtifact> {
    return this.transport.uploadDataset(await uploadRequest(source, options));
  }

  /** Downloads the job's evidence bundle and verifies hashes, chain and signatures here. */
  async verifyEvidence(job: JobLike, options: EvidenceCheckOptions = {}): Promise<EvidenceCheck> {
    const full = await this.get(job);
    if (full.__typename !== "GenerationJob")
      throw new JobsApiError(
        "BAD_USER_INPUT",
        `job ${full.jobId} is a ${full.reasonerType} job; only generation jobs have evidence`,
      );
    // The verifier (and its schema library) is loaded only by those who verify.
    const { checkEvidence } = await import("./evidence-check.ts");
    return checkEvidence(full, (file) => this.fetchBytes(file.downloadUrl), options);
  }

  private async fetchBytes(downloadUrl: string): Promise<Buffer> {
    const url = new URL(downloadUrl, this.transport.baseUrl);
    let res: Response;
    try {
      res = await this.fetchImpl(url, { headers: this.authFor(url) });
    } catch (err) {
      throw new JobsApiError("NETWORK_ERROR", `cannot reach ${url}: ${(err as Error).message}`, { cause: err });
    }
    if (!res.ok)
      throw new JobsApiError(
        res.status === 404 ? "NOT_FOUND" : "BAD_RESPONSE",
        `GET ${url} answered HTTP ${res.status}`,
        { status: res.status },
      );
    return Buffer.from(await res.arrayBuffer());
  }
}
