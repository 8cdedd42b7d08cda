// Artifact bytes over HTTP, beside GraphQL: workers PUT uploads under their lease; clients GET
// attached artifacts and agent-file revisions with the same bearer credentials as /graphql.
import { Readable } from "node:stream";
import type { ReadableStream } from "node:stream/web";
import express, { type Request, type Response } from "express";
import { isJobsError, jobsError } from "../errors.ts";
import type { JobGateway, StoredArtifact } from "../jobs/gateway.ts";
import type { Viewer } from "../jobs/model.ts";
import { AUDIT_OK, auditActor } from "../security/audit.ts";
import { artifactTooLarge, type Download } from "../artifacts/service.ts";
import { type Attributes, SpanKind } from "@opentelemetry/api";
import { accessRecordOf } from "../observability/access-log.ts";
import { LEASE_HEADER } from "../workers/protocol/lease.ts";
import { relayedGatewayOf } from "../workers/relay.ts";
import { contextOfTraceParent, inSpan, type SpanSpec } from "../observability/tracing.ts";
import type { Services } from "../schema/context.ts";
import { actAsOf } from "../jobs/remote/act-as.ts";
import { authenticateLinkRequest, authenticateRequest } from "../security/authenticate.ts";
import { otherMethods } from "./options.ts";
import { sendHttpError } from "./send-error.ts";
import { slotOf } from "../auth/session-cookie.ts";

/** The lease a request names (x-lease-token): ours (relayed false), or an upstream's with its own handle. */
type PresentedLease = { token: string; relayed: false | NonNullable<ReturnType<typeof relayedGatewayOf>> };

function leaseOf(services: Services, req: Request): PresentedLease | null {
  const token = req.headers[LEASE_HEADER];
  if (typeof token !== "string" || !token) return null;
  return { token, relayed: relayedGatewayOf(services.registry, token) ?? false };
}

function sendError(res: Response, services: Services, err: unknown): void {
  sendHttpError(res, services.logger, err, { what: "artifact request failed" });
}

async function viewerOf(services: Services, req: Request) {
  return withAccessKey(req, await authenticateRequest(services, req.headers.authorization, actAsOf(req.headers)));
}

/** Downloads also accept the dashboard's session cookie, so a plain <a href> works in a browser:
 * the session of the tab the link names (`?tab=`). */
async function downloaderOf(services: Services, req: Request) {
  return withAccessKey(req, await authenticateLinkRequest(services, req.headers, slotOf(req.query)));
}

/** The access log names the key a request authenticated with. */
function withAccessKey(req: Request, viewer: Viewer): Viewer {
  const access = req.res && accessRecordOf(req.res);
  if (access) access.keyId = viewer.apiKeyId;
  return viewer;
}

/**
 * Transfers are in the audit log as GraphQL mutations are ("who downloaded what"), once the caller is
 * known: operation is the route, target what it named, outcome OK or the error's code.
 */
function audit(
  services: Services,
  res: Response,
  viewer: Viewer | null,
  operation: string,
  target: string,
  err?: unknown,
): void {
  if (!viewer) return;
  const outcome =
    err === undefined ? AUDIT_OK : isJobsError(err) ? String(err.extensions.code) : "INTERNAL_SERVER_ERROR";
  void services.audit.record([
    { ...auditActor(viewer), operation, target, outcome, requestId: String(res.locals.requestId ?? "") || null },
  ]);
}

/** If-None-Match against our strong ETag: lists, weak tags and `*` (not req.fresh, which fetch's no-cache defeats). */
function matchesEtag(header: string | undefined, contentHash: string): boolean {
  if (!header) return false;
  return header.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || t.replace(/^W\//, "") === `"${contentHash}"`;
  });
}

/** A transfer's span: a server span continuing the caller's traceparent. */
function transferSpan(req: Request, attributes: Attributes): SpanSpec {
  return { kind: SpanKind.SERVER, parent: contextOfTraceParent(req.headers.traceparent), attributes };
}

/** Sends a download inside an artifact.download span that lasts until the bytes are sent (or the client left). */
function tracedDownload(req: Request, res: Response, id: string, find: () => Promise<Download>): Promise<void> {
  return inSpan("artifact.download", transferSpan(req, { "jobs.artifact.id": id }), async (span) => {
    const download = await find();
    span?.setAttributes({ "jobs.artifact.size_bytes": download.sizeBytes, "jobs.artifact.name": download.name });
    const sent = span ? new Promise<void>((resolve) => res.once("close", resolve)) : undefined;
    sendDownload(req, res, download);
    await sent;
  });
}

/**
 * Every download is a file to save, never a page of this origin: no type sniffing, and should a
 * browser render one anyway (an HTML or SVG artifact opened by its link), no script runs in it.
 */
function setDownloadSafety(res: Response): void {
  res.setHeader("x-content-type-options", "nosniff");
  res.setHeader("content-security-policy", "sandbox; default-src 'none'");
}

function sendDownload(req: Request, res: Response, d: Download): void {
  setDownloadSafety(res);
  res.setHeader("etag", `"${d.contentHash}"`);
  res.setHeader("x-content-hash", d.contentHash);
  // Kept, but asked for again on every use (answered 304 from the ETag once the caller may read it):
  // a browser serving a download from its cache would hand it to whoever uses the profile next,
  // signed in as someone else or not at all.
  res.setHeader("cache-control", "private, no-cache");
  if (matchesEtag(req.headers["if-none-match"], d.contentHash)) {
    res.status(304).end();
    return;
  }
  // Opened before the headers are written, so a missing blob is still answered as an error.
  const stream = d.open();
  res.attachment(d.name); // a Content-Disposition that survives any file name (RFC 6266)
  res.setHeader("content-type", d.mimeType ?? "application/octet-stream");
  res.setHeader("content-length", String(d.sizeBytes));
  stream.on("error", (err) => res.destroy(err));
  stream.pipe(res);
}

/** Headers of an upstream download that the front passes on to its client. */
const RELAYED_HEADERS = [
  "content-type",
  "content-length",
  "content-disposition",
  "etag",
  "x-content-hash",
  "cache-control",
];

/**
 * Serves a download the local store does not have from the remote gateways, streamed through as
 * the upstream sends it (never buffered). Answers false when no upstream has it either.
 */
async function relayDownload(
  services: Services,
  req: Request,
  res: Response,
  path: string,
  lease?: PresentedLease,
): Promise<boolean> {
  if (!services.registry.gateways().some((g) => g.download)) return false;
  const viewer = await downloaderOf(services, req);
  // Only gateways relaying the viewer's tenant are asked: to another tenant's user the file is not
  // there. A read under an upstream's lease asks that upstream alone, under its own token.
  const remotes = services.registry
    .gateways()
    .filter((g) => g.download && g.serves(viewer) && (!lease?.relayed || g === lease.relayed.gateway));
  const abort = new AbortController();
  res.once("close", () => abort.abort());
  const conditional: Record<string, string> = {
    ...(typeof req.headers["if-none-match"] === "string" ? { "if-none-match": req.headers["if-none-match"] } : {}),
    ...(lease?.relayed ? { [LEASE_HEADER]: lease.relayed.handle } : {}),
  };
  // A down upstream must not hide a healthy one's artifact: its error answers only when no
  // gateway has the file (then the caller learns the file may be on the one that is down).
  let unreachable: unknown;
  for (const gateway of remotes) {
    let upstream: Awaited<ReturnType<NonNullable<JobGateway["download"]>>>;
    try {
      upstream = await gateway.download!(path, viewer, conditional, abort.signal);
    } catch (err) {
      unreachable ??= err;
      continue;
    }
    if (!upstream) continue;
    res.status(upstream.status);
    setDownloadSafety(res);
    for (const h of RELAYED_HEADERS) {
      const v = upstream.headers.get(h);
      if (v !== null) res.setHeader(h, v);
    }
    if (!upstream.body) {
      res.end();
      return true;
    }
    const body = Readable.fromWeb(upstream.body as ReadableStream<Uint8Array>);
    body.on("error", (err: Error) => res.destroy(err));
    body.pipe(res);
    return true;
  }
  if (unreachable !== undefined) throw unreachable;
  return false;
}

/** A download this server does not have locally: relayed from an upstream, or the original error. */
async function relayOrFail(
  services: Services,
  req: Request,
  res: Response,
  err: unknown,
  path: string,
  lease?: PresentedLease,
): Promise<void> {
  try {
    if (isJobsError(err, "NOT_FOUND") && (await relayDownload(services, req, res, path, lease))) return;
    sendError(res, services, err);
  } catch (relayError) {
    sendError(res, services, relayError);
  }
}

/** Request headers of an upload that the front passes on to the upstream. */
const RELAYED_UPLOAD_HEADERS = ["content-type", "content-length", "traceparent"];

/**
 * Streams an upload on to an upstream (the body piped as it arrives, never buffered) at `route`
 * (`uploads`, `artifacts`) with the request's own query, and returns what it stored; its refusal is
 * thrown as its error.
 */
async function relayUpload(
  upload: NonNullable<JobGateway["upload"]>,
  route: string,
  req: Request,
  viewer: Viewer,
  extraHeaders: Record<string, string> = {},
): Promise<StoredArtifact> {
  const abort = new AbortController();
  req.once("close", () => {
    if (!req.complete) abort.abort();
  });
  const headers: Record<string, string> = { ...extraHeaders };
  for (const h of RELAYED_UPLOAD_HEADERS) {
    const v = req.headers[h];
    if (typeof v === "string") headers[h] = v;
  }
  const query = req.originalUrl.indexOf("?");
  return upload(
    `${route}${query < 0 ? "" : req.originalUrl.slice(query)}`,
    viewer,
    headers,
    Readable.toWeb(req) as globalThis.ReadableStream<Uint8Array>,
    abort.signal,
  );
}

export function artifactsRouter(services: Services): express.Router {
  const router = express.Router();

  router.put("/artifacts", async (req, res) => {
    let viewer: Viewer | null = null;
    const name = typeof req.query.name === "string" ? req.query.name : "";
    try {
      const caller = (viewer = await viewerOf(services, req));
      const leaseToken = req.headers[LEASE_HEADER];
      if (typeof leaseToken !== "string" || !leaseToken) {
        throw jobsError("BAD_USER_INPUT", `the ${LEASE_HEADER} header names the lease the upload belongs to`, {
          field: LEASE_HEADER,
        });
      }
      const declared = Number(req.headers["content-length"] ?? NaN);
      if (Number.isFinite(declared) && declared > services.artifacts.maxBytes) {
        throw artifactTooLarge(services.artifacts.maxBytes);
      }
      // A lease an upstream handed out (through the front's worker protocol): the artifact is
      // stored there, beside its job, under the upstream's own token.
      const relayed = relayedGatewayOf(services.registry, leaseToken);
      if (relayed) {
        const stored = await relayUpload(relayed.gateway.upload.bind(relayed.gateway), "artifacts", req, caller, {
          [LEASE_HEADER]: relayed.handle,
        });
        res.status(201).json(stored);
        audit(services, res, viewer, "PUT /artifacts", stored.id);
        return;
      }
      const type = typeof req.query.type === "string" ? req.query.type : null;
      const mime = req.headers["content-type"];
      const stored = await inSpan(
        "artifact.upload",
        transferSpan(req, { "jobs.artifact.name": name }),
        async (span) => {
          const uploaded = await services.artifacts.upload({
            leaseToken,
            caller,
            name,
            artifactType: type,
            mimeType: typeof mime === "string" && mime !== "application/octet-stream" ? mime : null,
            body: req,
          });
          span?.setAttributes({ "jobs.artifact.id": uploaded.id, "jobs.artifact.size_bytes": uploaded.sizeBytes });
          return uploaded;
        },
      );
      res.status(201).json(stored);
      audit(services, res, viewer, "PUT /artifacts", stored.id);
    } catch (err) {
      audit(services, res, viewer, "PUT /artifacts", name, err);
      // The client went away mid-upload: nobody to answer (the blob store already dropped the part).
      if (req.destroyed && !req.complete) return;
      // A refused upload is not read further; the client sees the answer and the socket closes.
      res.setHeader("connection", "close");
      sendError(res, services, err);
    }
  });

  // A user's dataset for generation jobs to read (spec.input): an artifact of no job, audited.
  router.put("/uploads", async (req, res) => {
    let viewer: Viewer | null = null;
    const name = typeof req.query.name === "string" ? req.query.name : "";
    try {
      viewer = await viewerOf(services, req);
      const declared = Number(req.headers["content-length"] ?? NaN);
      if (Number.isFinite(declared) && declared > services.artifacts.maxBytes) {
        throw artifactTooLarge(services.artifacts.maxBytes);
      }
      // Datasets are read by generation jobs: stored where those run, so an upstream's jobs can read them.
      const generation = services.registry.for("GENERATION");
      if (generation.upload) {
        services.artifacts.checkDatasetUploader(viewer);
        const relayed = await relayUpload(generation.upload.bind(generation), "uploads", req, viewer);
        res.status(201).json(relayed);
        audit(services, res, viewer, "PUT /uploads", relayed.id);
        return;
      }
      const mime = req.headers["content-type"];
      const stored = await services.artifacts.uploadDataset({
        viewer,
        name,
        artifactType: typeof req.query.type === "string" ? req.query.type : null,
        mimeType: typeof mime === "string" && mime !== "application/octet-stream" ? mime : null,
        body: req,
      });
      res.status(201).json(stored);
      audit(services, res, viewer, "PUT /uploads", stored.id);
    } catch (err) {
      audit(services, res, viewer, "PUT /uploads", name, err);
      if (req.destroyed && !req.complete) return;
      res.setHeader("connection", "close");
      sendError(res, services, err);
    }
  });

  router.get("/artifacts/:id", async (req, res) => {
    let viewer: Viewer | null = null;
    const lease = leaseOf(services, req);
    try {
      const who = (viewer = await downloaderOf(services, req));
      // A worker reading an input of the job it runs reads as that job's creator; an upstream's
      // lease is the upstream's to check (relayed below).
      const reader = !lease ? who : lease.relayed ? null : await services.artifacts.leaseReader(lease.token, who);
      if (!reader) throw jobsError("NOT_FOUND", `artifact ${req.params.id} not found`);
      await tracedDownload(req, res, req.params.id, async () =>
        services.artifacts.artifactDownload(req.params.id, reader),
      );
      audit(services, res, viewer, "GET /artifacts/:id", req.params.id);
    } catch (err) {
      audit(services, res, viewer, "GET /artifacts/:id", req.params.id, err);
      // Not ours: maybe an upstream job's (its downloadUrl on this server names only its id). A read
      // under one of our leases is not: no upstream may answer it with the worker's wider sight.
      if (lease?.relayed === false) sendError(res, services, err);
      else
        await relayOrFail(
          services,
          req,
          res,
          err,
          `artifacts/${encodeURIComponent(req.params.id)}`,
          lease ?? undefined,
        );
    }
  });

  router.get("/files/:revisionId", async (req, res) => {
    let viewer: Viewer | null = null;
    try {
      const who = (viewer = await downloaderOf(services, req));
      await tracedDownload(req, res, req.params.revisionId, async () =>
        services.artifacts.fileRevisionDownload(req.params.revisionId, who),
      );
      audit(services, res, viewer, "GET /files/:revisionId", req.params.revisionId);
    } catch (err) {
      audit(services, res, viewer, "GET /files/:revisionId", req.params.revisionId, err);
      // Not ours: maybe an upstream job's (its downloadUrl on this server names only its id).
      await relayOrFail(services, req, res, err, `files/${encodeURIComponent(req.params.revisionId)}`);
    }
  });

  // Any other method on these paths is one they do not take.
  router.all(["/artifacts", "/uploads"], otherMethods(["PUT"]));
  router.all(["/artifacts/:id", "/files/:revisionId"], otherMethods(["GET", "HEAD"]));
  return router;
}
