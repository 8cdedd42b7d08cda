// `gateways`: where each family's jobs live (this server's database or an upstream jobs service),
// and whether each answers, with its last error.
import type { JobGateway } from "../jobs/gateway.ts";
import type { ReasonerType } from "../jobs/model.ts";
import { builder } from "./builder.ts";
import { ReasonerTypeEnum } from "./enums.ts";

interface GatewayView {
  gateway: JobGateway;
  reasonerTypes: ReasonerType[];
}

const GatewayRef = builder.objectRef<GatewayView>("Gateway").implement({
  fields: (t) => ({
    name: t.string({ resolve: (g) => g.gateway.name }),
    kind: t.string({
      description: "local: this server's database; remote: an upstream jobs service.",
      resolve: (g) => g.gateway.kind,
    }),
    url: t.string({ nullable: true, resolve: (g) => g.gateway.url ?? null }),
    reasonerTypes: t.field({ type: [ReasonerTypeEnum], resolve: (g) => g.reasonerTypes }),
    healthy: t.boolean({ resolve: (g) => g.gateway.health?.healthy ?? true }),
    lastError: t.string({ nullable: true, resolve: (g) => g.gateway.health?.lastError ?? null }),
  }),
});

builder.queryField("gateways", (t) =>
  t.field({
    type: [GatewayRef],
    description: "Where each family's jobs live: this server's database, or an upstream jobs service.",
    resolve: (_root, _args, ctx) =>
      [...ctx.services.registry.group()].map(([gateway, reasonerTypes]) => ({ gateway, reasonerTypes })),
  }),
);
