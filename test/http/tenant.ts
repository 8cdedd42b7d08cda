// A fresh tenant per test, with keys of every role, so no test sees another's jobs or workers.
import type { GraphQLClient, TestServer } from "../helpers/server.ts";

export interface TestTenant {
  tenantId: string;
  admin: GraphQLClient;
  /** m1: creates the jobs. */
  member: GraphQLClient;
  /** m2: same tenant, sees only what is shared with it. */
  otherMember: GraphQLClient;
  worker: GraphQLClient;
  /** A new key of this tenant. */
  key(userId: string, role: "ADMIN" | "MEMBER" | "WORKER"): Promise<string>;
}

let made = 0;

export async function newTenant(t: TestServer): Promise<TestTenant> {
  const created = await t.admin.request<{ createTenant: { id: string } }>(
    `mutation($n: String!) { createTenant(name: $n) { id } }`,
    {
      n: `tenant-${process.pid}-${++made}`,
    },
  );
  const tenantId = created.createTenant.id;
  const key = async (userId: string, role: "ADMIN" | "MEMBER" | "WORKER") =>
    (
      await t.admin.request<{ createApiKey: { secret: string } }>(
        `mutation($u: String!, $r: Role!, $t: ID!) { createApiKey(userId: $u, role: $r, tenantId: $t) { secret } }`,
        { u: userId, r: role, t: tenantId },
      )
    ).createApiKey.secret;
  const [admin, member, otherMember, worker] = await Promise.all([
    key("boss", "ADMIN"),
    key("m1", "MEMBER"),
    key("m2", "MEMBER"),
    key("w1", "WORKER"),
  ]);
  return {
    tenantId,
    admin: t.client(admin),
    member: t.client(member),
    otherMember: t.client(otherMember),
    worker: t.client(worker),
    key,
  };
}
