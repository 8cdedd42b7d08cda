// Who may still see what over open WebSockets. A revoked key's sockets close (4401) as its
// revocation's notification reaches this process, whichever process revoked it; after a lost LISTEN
// connection every open socket's key is checked again. Users acting through a front (a GATEWAY key)
// have the role of their own keys, which a key revoked or created may change: their subscriptions
// end with FORBIDDEN when it does.
import { CloseCode } from "@jobs-api/client";
import type { ExecutionResult } from "graphql";
import type { WebSocket } from "ws";
import { REVOKED_KEYS_CHANNEL, revokedKeyOf } from "../auth/service.ts";
import type { Unlisten } from "../db/database.ts";
import { jobsError } from "../errors.ts";
import type { Viewer } from "../jobs/model.ts";
import type { Services } from "../schema/context.ts";

/** A subscription of a user acting through a front, as far as the watch reads it. */
export interface Acting {
  readonly viewer: Viewer;
}

/**
 * The API keys of open sockets; a revoked key's sockets are closed when its notification arrives.
 * And the subscriptions of users acting through a GATEWAY key: their role is their own keys' (see
 * AuthService.actingAs), so after any key is revoked or created each is checked again, and one whose
 * user's role changed, down or up, ends with FORBIDDEN (the front's socket, serving other users,
 * stays open): what it was authorized for and filtered by was the old role's.
 */
export class RevocationWatch {
  private readonly sockets = new Map<string, Set<WebSocket>>();
  private readonly acting = new Map<Acting, EndableStream<ExecutionResult>>();
  private readonly unlisten: Promise<Unlisten | null>;
  private stopped = false;
  /**
   * Key changes heard so far (revocations, creations, a resync). An acting subscription reads it
   * before it authenticates: one that changed meanwhile may have been missed by the recheck it set
   * off (the subscription was not followed yet), so following it checks again.
   */
  #changes = 0;

  constructor(private readonly services: Pick<Services, "auth" | "db" | "logger">) {
    this.unlisten = services.db
      .listen(
        REVOKED_KEYS_CHANNEL,
        (payload) => {
          this.#changes++;
          const revoked = revokedKeyOf(payload);
          if (revoked !== null) this.close(revoked);
          void this.recheckActing();
        },
        () => {
          this.#changes++;
          void this.recheck();
        },
      )
      .catch((err: unknown) => {
        services.logger.error({ err }, "could not listen for API key revocations");
        return null;
      });
  }

  watch(socket: WebSocket, keyId: string): void {
    const set = this.sockets.get(keyId) ?? new Set<WebSocket>();
    this.sockets.set(keyId, set);
    set.add(socket);
    socket.once("close", () => {
      set.delete(socket);
      if (set.size === 0 && this.sockets.get(keyId) === set) this.sockets.delete(keyId);
    });
  }

  /** Open sockets of the key (closing ones count until closed). */
  openFor(keyId: string): number {
    return this.sockets.get(keyId)?.size ?? 0;
  }

  /** The count to pass to follow(): read it before authenticating the acting user. */
  get changes(): number {
    return this.#changes;
  }

  /**
   * Ends `stream` when its acting user's role changes. `changesSeen`: `changes` as read before the
   * user's role was; if keys changed since, the role may already be stale, and is checked now.
   */
  follow(
    ctx: Acting,
    stream: AsyncIterableIterator<ExecutionResult>,
    changesSeen: number,
  ): AsyncIterableIterator<ExecutionResult> {
    const endable = new EndableStream(stream);
    this.acting.set(ctx, endable);
    if (changesSeen !== this.#changes) void this.recheckActing();
    return endable;
  }

  unfollow(ctx: Acting): void {
    this.acting.delete(ctx);
  }

  private close(keyId: string): void {
    for (const socket of this.sockets.get(keyId) ?? [])
      socket.close(CloseCode.Unauthorized, "Unauthorized: this API key was revoked");
  }

  /** Notifications may have been lost: every open socket's key is checked again. */
  private async recheck(): Promise<void> {
    if (this.stopped || this.sockets.size === 0) return;
    try {
      for (const keyId of await this.services.auth.revokedAmong([...this.sockets.keys()])) this.close(keyId);
    } catch (err) {
      this.services.logger.warn({ err }, "re-checking the API keys of open WebSocket connections failed");
    }
    await this.recheckActing();
  }

  /** Ends the subscriptions of acting users whose role is not what it was when they subscribed. */
  private async recheckActing(): Promise<void> {
    if (this.stopped || this.acting.size === 0) return;
    const usersByTenant = new Map<string, Set<string>>();
    for (const { viewer } of this.acting.keys()) {
      const users = usersByTenant.get(viewer.tenantId) ?? new Set<string>();
      usersByTenant.set(viewer.tenantId, users);
      users.add(viewer.userId);
    }
    try {
      for (const [tenantId, users] of usersByTenant) {
        const roles = await this.services.auth.rolesActedAs(tenantId, [...users]);
        for (const [ctx, stream] of this.acting) {
          const { viewer } = ctx;
          // Subscriptions that came meanwhile, of users not asked about, wait for the next check.
          const role = viewer.tenantId === tenantId ? roles.get(viewer.userId) : undefined;
          if (role === undefined || role === viewer.role) continue;
          this.acting.delete(ctx);
          stream.end(
            jobsError(
              "FORBIDDEN",
              `the role of user ${viewer.userId} changed from ${viewer.role} to ${role} (an API key of theirs was revoked or created): subscribe again`,
            ),
          );
        }
      }
    } catch (err) {
      this.services.logger.warn({ err }, "re-checking the roles of users acting through a gateway failed");
    }
  }

  /** Resolves once notifications are heard (or listening failed, which was logged). */
  get listening(): Promise<void> {
    return this.unlisten.then(() => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await (await this.unlisten)?.();
  }
}

/** A subscription's stream that can be ended from outside with an error, which its client receives. */
class EndableStream<T> implements AsyncIterableIterator<T> {
  private error: Error | null = null;
  /** Rejects the pending next() (graphql-ws waits for one at a time). */
  private rejectPending: ((error: Error) => void) | null = null;

  constructor(private readonly source: AsyncIterableIterator<T>) {}

  next(): Promise<IteratorResult<T>> {
    if (this.error) return Promise.reject(this.error);
    return new Promise<IteratorResult<T>>((resolve, reject) => {
      this.rejectPending = reject;
      this.source.next().then(resolve, reject);
    }).finally(() => (this.rejectPending = null));
  }

  return(): Promise<IteratorResult<T>> {
    return this.source.return?.() ?? Promise.resolve({ done: true, value: undefined });
  }

  throw(error?: unknown): Promise<IteratorResult<T>> {
    return this.source.throw?.(error) ?? Promise.reject(error);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  end(error: Error): void {
    this.error = error;
    this.rejectPending?.(error);
    this.source.return?.().catch(() => undefined);
  }
}
