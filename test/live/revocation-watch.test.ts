// The watch over acting users' subscriptions (src/http/revocation-watch.ts), with the server's real
// database and auth: a subscription whose user's keys changed while it was being authenticated is
// checked again as soon as it is followed. The recheck that change set off ran before the
// subscription was followed, so without that it kept the old role until the next key change.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RevocationWatch } from "../../src/http/revocation-watch.ts";
import type { Viewer } from "../../src/jobs/model.ts";
import { backends } from "../helpers/backends.ts";
import { createKey } from "../helpers/fixtures.ts";
import { pollUntil } from "../helpers/poll.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";

/** A subscription's stream that never yields: only the watch can end it. */
function openStream(): AsyncIterableIterator<never> {
  return {
    next: () => new Promise<never>(() => undefined),
    return: () => Promise.resolve({ done: true, value: undefined }),
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

describe.each(backends)("the revocation watch on $name", (backend) => {
  let t: TestServer;
  let watch: RevocationWatch;
  let tenantId: string;
  beforeAll(async () => {
    t = await startTestServer(backend);
    watch = new RevocationWatch(t.server.services);
    await watch.listening;
    tenantId = (await t.server.services.auth.firstTenant())!.id;
  });
  afterAll(async () => {
    await watch?.stop();
    await t?.stop();
  });

  const acting = (userId: string, role: Viewer["role"]): { viewer: Viewer } => ({
    viewer: { tenantId, userId, email: null, role, apiKeyId: null, viaGateway: true },
  });

  it("ends a subscription whose user's role changed while it was authenticated, once it is followed", async () => {
    await createKey(t.admin, "wanda", "WORKER");
    await pollUntil(
      async () => (await t.server.services.auth.rolesActedAs(tenantId, ["wanda"])).get("wanda") === "WORKER",
      "wanda to act as WORKER",
    );
    // Authenticated as WORKER; then, before it is followed, a MEMBER key is made and heard.
    const seen = watch.changes;
    await createKey(t.admin, "wanda", "MEMBER");
    await pollUntil(() => watch.changes > seen, "the new key's notification");
    const stream = watch.follow(acting("wanda", "WORKER"), openStream(), seen);
    await expect(stream.next()).rejects.toThrow(/changed from WORKER to MEMBER/);
  });

  it("ends a followed subscription when its user's role changes later", async () => {
    await createKey(t.admin, "xavier", "WORKER");
    const stream = watch.follow(acting("xavier", "WORKER"), openStream(), watch.changes);
    const ended = expect(stream.next()).rejects.toThrow(/changed from WORKER to ADMIN/);
    await createKey(t.admin, "xavier", "ADMIN");
    await ended;
  });
});
