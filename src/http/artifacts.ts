// Artifact bytes over HTTP, beside GraphQL: workers PUT uploads under their lease; clients GET
// attached artifacts and agent-file revisions with the same bearer credentials as /graphql.
import express, { type Request, type Response } from "express";
import { jobsError } from "../errors.ts";
import type { Download } from "../artifacts/service.ts";
import { type Attributes, SpanKind } from "@opentelemetry/api";
import { accessRecordOf } from "../observability/access-log.ts";
import { contextOfTraceParent, inSpan, type SpanSpec } from "../observability/tracing.ts";
import type { Services } from "../schema/context.ts";
import { authenticateRequest } from "../security/authenticate.ts";
import { sendHttpError } from "./send-error.ts";

const LEASE_HEADER = "x-lease-token";

function sendError(res: Response, services: Services, err: unknown): void {
  sendHttpError(res, services.logger, err, { what: "artifact request failed" });
}

async function viewerOf(services: Services, req: Request) {
  const viewer = await authenticateRequest(services, req.headers.authorization);
  const access = req.res && accessRecordOf(req.res);
  if (access) access.keyId = viewer.apiKeyId;
  return viewer;
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

function sendDownload(req: Request, res: Response, d: Download): void {
  res.setHeader("etag", `"${d.contentHash}"`);
  res.setHeader("x-content-hash", d.contentHash);
  res.setHeader("cache-control", "private, max-age=31536000, immutable");
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

export function artifactsRouter(services: Services): express.Router {
  const router = express.Router();

  router.put("/artifacts", async (req, res) => {
    try {
      const viewer = await viewerOf(services, req);
      const leaseToken = req.headers[LEASE_HEADER];
      if (typeof leaseToken !== "string" || !leaseToken) {
        throw jobsError("BAD_USER_INPUT", `the ${LEASE_HEADER} header names the lease the upload belongs to`, { field: LEASE_HEADER });
      }
      const declared = Number(req.headers["content-length"] ?? NaN);
      if (Number.isFinite(declared) && declared > services.artifacts.maxBytes) {
        throw jobsError("BAD_USER_INPUT", `artifact larger than ${services.artifacts.maxBytes} bytes`, { field: "body", maxBytes: services.artifacts.maxBytes });
      }
      const name = typeof req.query.name === "string" ? req.query.name : "";
      const type = typeof req.query.type === "string" ? req.query.type : null;
      const mime = req.headers["content-type"];
      const stored = await inSpan("artifact.upload", transferSpan(req, { "jobs.artifact.name": name }), async (span) => {
        const uploaded = await services.artifacts.upload({
          leaseToken,
          caller: viewer,
          name,
          artifactType: type,
          mimeType: typeof mime === "string" && mime !== "application/octet-stream" ? mime : null,
          body: req,
        });
        span?.setAttributes({ "jobs.artifact.id": uploaded.id, "jobs.artifact.size_bytes": uploaded.sizeBytes });
        return uploaded;
      });
      res.status(201).json(stored);
    } catch (err) {
      // The client went away mid-upload: nobody to answer (the blob store already dropped the part).
      if (req.destroyed && !req.complete) return;
      // A refused upload is not read further; the client sees the answer and the socket closes.
      res.setHeader("connection", "close");
      sendError(res, services, err);
    }
  });

  router.get("/artifacts/:id", async (req, res) => {
    try {
      await tracedDownload(req, res, req.params.id, async () => services.artifacts.artifactDownload(req.params.id, await viewerOf(services, req)));
    } catch (err) {
      sendError(res, services, err);
    }
  });

  router.get("/files/:revisionId", async (req, res) => {
    try {
      await tracedDownload(req, res, req.params.revisionId, async () => services.artifacts.fileRevisionDownload(req.params.revisionId, await viewerOf(services, req)));
    } catch (err) {
      sendError(res, services, err);
    }
  });

  return router;
}
