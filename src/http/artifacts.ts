// Artifact bytes over HTTP, beside GraphQL: workers PUT uploads under their lease; clients GET
// attached artifacts and agent-file revisions with the same bearer credentials as /graphql.
import express, { type Request, type Response } from "express";
import { isJobsError, jobsError } from "../errors.ts";
import type { Viewer } from "../jobs/model.ts";
import { AUDIT_OK, auditActor } from "../security/audit.ts";
import type { Download } from "../artifacts/service.ts";
import type { Services } from "../schema/context.ts";
import { authenticateRequest } from "../security/authenticate.ts";
import { sendHttpError } from "./send-error.ts";

const LEASE_HEADER = "x-lease-token";

function sendError(res: Response, services: Services, err: unknown): void {
  sendHttpError(res, services.logger, err, { what: "artifact request failed" });
}

async function viewerOf(services: Services, req: Request) {
  return authenticateRequest(services, req.headers.authorization);
}

/**
 * Transfers are in the audit log as GraphQL mutations are ("who downloaded what"), once the caller is
 * known: operation is the route, target what it named, outcome OK or the error's code.
 */
function audit(services: Services, res: Response, viewer: Viewer | null, operation: string, target: string, err?: unknown): void {
  if (!viewer) return;
  const outcome = err === undefined ? AUDIT_OK : isJobsError(err) ? String(err.extensions.code) : "INTERNAL_SERVER_ERROR";
  void services.audit.record([{ ...auditActor(viewer), operation, target, outcome, requestId: String(res.locals.requestId ?? "") || null }]);
}

/** If-None-Match against our strong ETag: lists, weak tags and `*` (not req.fresh, which fetch's no-cache defeats). */
function matchesEtag(header: string | undefined, contentHash: string): boolean {
  if (!header) return false;
  return header.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || t.replace(/^W\//, "") === `"${contentHash}"`;
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
    let viewer: Viewer | null = null;
    const name = typeof req.query.name === "string" ? req.query.name : "";
    try {
      viewer = await viewerOf(services, req);
      const leaseToken = req.headers[LEASE_HEADER];
      if (typeof leaseToken !== "string" || !leaseToken) {
        throw jobsError("BAD_USER_INPUT", `the ${LEASE_HEADER} header names the lease the upload belongs to`, { field: LEASE_HEADER });
      }
      const declared = Number(req.headers["content-length"] ?? NaN);
      if (Number.isFinite(declared) && declared > services.artifacts.maxBytes) {
        throw jobsError("BAD_USER_INPUT", `artifact larger than ${services.artifacts.maxBytes} bytes`, { field: "body", maxBytes: services.artifacts.maxBytes });
      }
      const type = typeof req.query.type === "string" ? req.query.type : null;
      const mime = req.headers["content-type"];
      const stored = await services.artifacts.upload({
        leaseToken,
        caller: viewer,
        name,
        artifactType: type,
        mimeType: typeof mime === "string" && mime !== "application/octet-stream" ? mime : null,
        body: req,
      });
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

  router.get("/artifacts/:id", async (req, res) => {
    let viewer: Viewer | null = null;
    try {
      viewer = await viewerOf(services, req);
      sendDownload(req, res, await services.artifacts.artifactDownload(req.params.id, viewer));
      audit(services, res, viewer, "GET /artifacts/:id", req.params.id);
    } catch (err) {
      audit(services, res, viewer, "GET /artifacts/:id", req.params.id, err);
      sendError(res, services, err);
    }
  });

  router.get("/files/:revisionId", async (req, res) => {
    let viewer: Viewer | null = null;
    try {
      viewer = await viewerOf(services, req);
      sendDownload(req, res, await services.artifacts.fileRevisionDownload(req.params.revisionId, viewer));
      audit(services, res, viewer, "GET /files/:revisionId", req.params.revisionId);
    } catch (err) {
      audit(services, res, viewer, "GET /files/:revisionId", req.params.revisionId, err);
      sendError(res, services, err);
    }
  });

  return router;
}
