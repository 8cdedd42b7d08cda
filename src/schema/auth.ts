// Who is calling, tenants and API keys.
import type { ApiKeyRecord } from "../auth/service.ts";
import type { Viewer } from "../jobs/model.ts";
import { builder } from "./builder.ts";
import { RoleEnum } from "./enums.ts";

/** API keys listed when `first` is not given. */
const API_KEYS_PAGE = 100;

const TenantRef = builder.objectRef<{ id: string; name: string }>("Tenant").implement({
  fields: (t) => ({ id: t.exposeID("id"), name: t.exposeString("name") }),
});

const ViewerRef = builder.objectRef<Viewer>("Viewer").implement({
  fields: (t) => ({
    userId: t.exposeString("userId"),
    email: t.exposeString("email", { nullable: true }),
    tenantId: t.exposeID("tenantId"),
    role: t.field({ type: RoleEnum, resolve: (v) => v.role }),
  }),
});

const ApiKeyRef = builder.objectRef<ApiKeyRecord>("ApiKey").implement({
  fields: (t) => ({
    id: t.exposeID("id"),
    prefix: t.exposeString("prefix", { description: "The first characters of the secret, to recognise it by." }),
    userId: t.exposeString("userId"),
    tenantId: t.exposeID("tenantId"),
    role: t.field({ type: RoleEnum, resolve: (k) => k.role }),
    createdOn: t.expose("createdOn", { type: "DateTime" }),
    revokedOn: t.expose("revokedOn", { type: "DateTime", nullable: true }),
    lastUsedOn: t.expose("lastUsedOn", { type: "DateTime", nullable: true }),
  }),
});

const CreateApiKeyPayloadRef = builder
  .objectRef<{ apiKey: ApiKeyRecord; secret: string }>("CreateApiKeyPayload")
  .implement({
    fields: (t) => ({
      apiKey: t.field({ type: ApiKeyRef, resolve: (p) => p.apiKey }),
      secret: t.exposeString("secret", { description: "The secret itself, shown this once; only its hash is stored." }),
    }),
  });

builder.queryField("viewer", (t) => t.field({ type: ViewerRef, resolve: (_root, _args, ctx) => ctx.viewer }));

builder.queryField("apiKeys", (t) =>
  t.field({
    type: [ApiKeyRef],
    description: "Admins: the tenant's API keys, newest first; never their secrets.",
    args: {
      includeRevoked: t.arg.boolean({ required: false, defaultValue: false }),
      first: t.arg.int({ required: false, defaultValue: API_KEYS_PAGE }),
    },
    resolve: (_root, args, ctx) =>
      ctx.services.auth.listApiKeys(
        { includeRevoked: args.includeRevoked ?? false, first: args.first ?? API_KEYS_PAGE },
        ctx.viewer,
      ),
  }),
);

builder.mutationFields((t) => ({
  createTenant: t.field({
    type: TenantRef,
    args: { name: t.arg.string({ required: true }) },
    auditTarget: (tenant) => tenant.id,
    resolve: (_root, args, ctx) => ctx.services.auth.createTenant(args.name, ctx.viewer),
  }),
  createApiKey: t.field({
    type: CreateApiKeyPayloadRef,
    description: "Without tenantId: in the caller's tenant.",
    args: {
      userId: t.arg.string({ required: true }),
      email: t.arg.string({ required: false }),
      role: t.arg({ type: RoleEnum, required: false, defaultValue: "MEMBER" }),
      tenantId: t.arg.id({ required: false }),
    },
    // Made in another tenant (by a first-tenant admin), also in that tenant's log.
    auditTarget: ({ apiKey }) => ({ id: apiKey.id, tenantId: apiKey.tenantId }),
    resolve: (_root, args, ctx) =>
      ctx.services.auth.createApiKey(
        {
          userId: args.userId,
          email: args.email,
          role: args.role,
          tenantId: args.tenantId == null ? null : String(args.tenantId),
        },
        ctx.viewer,
      ),
  }),
  revokeApiKey: t.field({
    type: ApiKeyRef,
    args: { id: t.arg.id({ required: true }) },
    auditTarget: (key) => ({ id: key.id, tenantId: key.tenantId }),
    resolve: (_root, args, ctx) => ctx.services.auth.revokeApiKey(String(args.id), ctx.viewer),
  }),
}));
