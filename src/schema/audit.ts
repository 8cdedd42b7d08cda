// Query.auditLog: an admin reads who did what in their tenant, newest first.
import { connection, decodeCursor, encodeCursor, pageSize } from "../jobs/cursor.ts";
import { jobsError } from "../errors.ts";
import type { AuditRecord } from "../security/audit.ts";
import { builder } from "./builder.ts";
import { RoleEnum } from "./enums.ts";

const AuditEntryRef = builder.objectRef<AuditRecord>("AuditEntry").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    createdOn: t.expose("createdOn", { type: "DateTime" }),
    actor: t.exposeString("actor", {
      nullable: true,
      description:
        "Who acted, as recorded: `<user> (key <api key id>)` for a request, `<user> (key <api key id>, tenant <their tenant id>)` for a first-tenant admin's API key change in this tenant, `scheduler (schedule <schedule id>, for <user>)` for a schedule's tick.",
    }),
    actorId: t.exposeString("actorId", {
      nullable: true,
      description: "The acting user's id (as in createApiKey's userId).",
    }),
    role: t.field({ type: RoleEnum, nullable: true, resolve: (e) => e.role }),
    operation: t.exposeString("operation", {
      description: "The GraphQL operation or HTTP route, e.g. cancelJob or PUT /uploads.",
    }),
    target: t.exposeString("target", {
      nullable: true,
      description:
        "What it acted on, when anything: the id of what a create (or a schedule's tick) made or a claim took (ids joined by commas for a bulk call, `+N more` past 255 characters), the job a lease token stands for (never the token), else the id (or name) the call was given.",
    }),
    outcome: t.exposeString("outcome", { description: "OK, or the error code it ended with." }),
    requestId: t.exposeString("requestId", { nullable: true }),
  }),
});

const AuditEntryConnection = builder.connectionObject(
  { type: AuditEntryRef, name: "AuditEntryConnection" },
  { name: "AuditEntryEdge" },
);

const AuditFilterInput = builder.inputType("AuditFilter", {
  fields: (t) => ({
    actorId: t.string({ required: false, description: "The acting user's id (as in createApiKey's userId)." }),
    operation: t.string({ required: false }),
  }),
});

const MAX_BIGINT = 2n ** 63n - 1n;

/** An audit cursor: the entry's id (a positive bigint, as a decimal string). */
const isAuditPosition = (v: unknown): v is { audit: string } => {
  const audit = typeof v === "object" && v !== null ? (v as { audit?: unknown }).audit : undefined;
  return typeof audit === "string" && /^[1-9]\d{0,18}$/.test(audit) && BigInt(audit) <= MAX_BIGINT;
};

builder.queryField("auditLog", (t) =>
  t.field({
    type: AuditEntryConnection,
    description: "Admins: who did what in their tenant, newest first.",
    args: {
      filter: t.arg({ type: AuditFilterInput, required: false }),
      first: t.arg.int({ required: false, defaultValue: 50 }),
      after: t.arg.string({ required: false }),
    },
    resolve: async (_root, args, ctx) => {
      if (ctx.viewer.role !== "ADMIN") throw jobsError("FORBIDDEN", "the audit log is for ADMIN keys");
      const first = pageSize(args.first, 50);
      const before = args.after != null ? BigInt(decodeCursor(args.after, isAuditPosition).audit) : null;
      const rows = await ctx.services.audit.list(ctx.viewer.tenantId, args.filter ?? {}, first + 1, before);
      const page = rows.slice(0, first);
      return connection(
        page.map((row) => ({ cursor: encodeCursor({ audit: row.id }), node: row })),
        rows.length > first,
        before !== null,
      );
    },
  }),
);
