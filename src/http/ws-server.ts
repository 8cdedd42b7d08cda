// graphql-ws on the HTTP server's own port and path (/graphql, subprotocol graphql-transport-ws).
// The same rules as HTTP: the API key from connectionParams.authorization, the same tenant scoping
// (each operation is authenticated and rate-limited by authenticateRequest, as for HTTP), the same
// query limits and introspection policy, the same error masking. A key may keep at most
// maxConnectionsPerKey sockets open on this process (4403 past it), each with at most
// maxOperationsPerConnection operations at once (GATEWAY keys excepted from both, see
// LiveServerOptions). Messages in are size-bounded
// (maxPayloadBytes: a larger one closes the socket with 1009); a client that does not read what it
// is sent is dropped with 1013 instead of being buffered for without bound (ws-transport.ts); shutdown lets
// queries and mutations in flight finish, then closes every socket with 1001 so clients reconnect
// (elsewhere) and resume from their cursors.
import type { Server } from "node:http";
import { CloseCode } from "@jobs-api/client";
import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  getOperationAST,
  GraphQLError,
  type GraphQLFormattedError,
  Kind,
  type GraphQLSchema,
  parse,
  specifiedRules,
  validate,
  type ValidationRule,
} from "graphql";
import type { Context as WsContext } from "graphql-ws";
import { WebSocketServer } from "ws";
import { bearerSecret } from "../auth/secrets.ts";
import { DEFAULT_WS_CONNECTIONS_PER_KEY, DEFAULT_WS_KEEPALIVE_MS, DEFAULT_WS_MAX_BUFFERED_BYTES } from "../config.ts";
import { isJobsError, jobsError } from "../errors.ts";
import { contextFor } from "./app.ts";
import { checkOperation } from "./plugins/operation-policy.ts";
import { newRequestId } from "./request-id.ts";
import { createJobLoaders, type JobLoaders } from "../jobs/loaders.ts";
import type { Viewer } from "../jobs/model.ts";
import type { Context, Services } from "../schema/context.ts";
import { compiledExecute } from "../schema/compiled-execution.ts";
import { createErrorFormatting } from "../schema/format-error.ts";
import { actAsOf } from "../jobs/remote/act-as.ts";
import { authenticateRequest } from "../security/authenticate.ts";
import { limitRules } from "../security/limits.ts";
import { mutationAuditEntries } from "../security/audit.ts";
import { RevocationWatch } from "./revocation-watch.ts";
import { subscribeSharing } from "./shared-execution.ts";
import { type ConnectionExtra, type ConnectionParams, serveGraphQLWs, type SlowConsumerCause } from "./ws-transport.ts";

const LIVE_PATH = "/graphql";
/** How long shutdown waits for clients to answer the close handshake before cutting them off. */
const CLOSE_HANDSHAKE_MS = 1000;

export interface LiveServerOptions {
  /** Largest message a client may send. */
  maxPayloadBytes: number;
  /** Bytes queued for a socket beyond which its client counts as too slow and is disconnected. */
  maxBufferedBytes: number;
  /**
   * Operations one connection may have open at once; one more is refused with RATE_LIMITED. Not for
   * a GATEWAY key's connections: a front relays every subscription of all its users to this server
   * over one connection per front process (src/jobs/remote/live.ts), each operation authenticated
   * and rate-limited as the user it names, and each of those users held to this same cap on their
   * own connections to the front; capped here, the front's 101st subscriber would be refused.
   */
  maxOperationsPerConnection: number;
  /**
   * Open connections one API key may have in this process (0: no limit); one more is refused at
   * connection_init with 4403. GATEWAY keys are not counted: a front opens one connection per
   * upstream per front process (src/jobs/remote/live.ts) and relays its users' operations over it,
   * each rate-limited per user; its count grows with the front's processes, not with any one
   * client, and a front refused would retry without end, leaving its users' streams dead. A GATEWAY
   * key is made only from the deployment's own configuration (JOBS_GATEWAY_API_KEY).
   */
  maxConnectionsPerKey: number;
  /** Ping interval; a client that does not answer within it is dropped. */
  keepAliveMs: number;
  /** How long shutdown waits for operations in flight, then for clients to close. */
  shutdownGraceMs: number;
}

export const DEFAULT_LIVE_SERVER_OPTIONS: LiveServerOptions = {
  maxPayloadBytes: 256 * 1024,
  maxBufferedBytes: DEFAULT_WS_MAX_BUFFERED_BYTES,
  maxOperationsPerConnection: 100,
  maxConnectionsPerKey: DEFAULT_WS_CONNECTIONS_PER_KEY,
  keepAliveMs: DEFAULT_WS_KEEPALIVE_MS,
  shutdownGraceMs: 10_000,
};

export interface LiveServer {
  connections(): number;
  /** Bytes queued in this process for every socket and not yet handed to the kernel. */
  bufferedBytes(): number;
  /** Clients dropped so far (close 1013) for not reading what they were sent, by cause: too much unsent data, or no pong. */
  slowConsumersDropped(): Record<SlowConsumerCause, number>;
  /** Queries and mutations running over WebSocket now (shutdown waits for them). */
  oneShotsInFlight(): number;
  /** Resolves once at least `n` of them run (tests wait on it). */
  untilOneShotsInFlight(n: number): Promise<void>;
  close(): Promise<void>;
}

type Connection = WsContext<ConnectionParams, ConnectionExtra>;

/** One operation of a connection, from its accepted subscribe message to its completion. */
interface Operation {
  requestId: string;
  abort: AbortController | null;
  /** Queries and mutations are waited for at shutdown; subscriptions are not (clients resume them). */
  oneShot: boolean;
  /** The subscription's root field, counted in jobs_subscriptions_open while it is open. */
  field: string | null;
}

/**
 * A subscription's context, which lives as long as the subscription: its own record as an
 * operation, and loaders made only when an execution asks for them and forgotten once that
 * execution's result is out (see `delivered`). An idle subscription so holds no DataLoaders, and
 * none of the rows a delivery's loaders cached. Built as contextFor (src/http/app.ts) builds a
 * request's context, from the same authenticateRequest.
 */
class SubscriptionContext implements Context, Operation {
  readonly abort = null;
  readonly oneShot = false;
  private current: JobLoaders | null = null;

  constructor(
    readonly services: Services,
    readonly viewer: Viewer,
    readonly requestId: string,
    readonly baseUrl: string,
    readonly field: string,
    /** RevocationWatch.changes as read before the viewer was authenticated. */
    readonly keyChangesSeen: number,
  ) {}

  get loaders(): JobLoaders {
    return (this.current ??= createJobLoaders(this.services.registry, this.viewer));
  }

  /** Set by the subscription fields for one delivery (loaders shared with the delivery's other subscribers). */
  set loaders(loaders: JobLoaders) {
    this.current = loaders;
  }

  /** One delivery's execution is done: what its loaders hold is not needed again. */
  delivered(): void {
    this.current = null;
  }
}

/** The `authorization` connection param ("Bearer <key>" or the bare key), else the upgrade request's header. */
export function authorizationOf(
  params: ConnectionParams,
  extra: Pick<ConnectionExtra, "authorization">,
): string | undefined {
  const given = params?.authorization ?? params?.Authorization ?? extra.authorization;
  if (typeof given !== "string" || given.trim() === "") return undefined;
  return /^\s*Bearer\s/i.test(given) ? given : `Bearer ${given.trim()}`;
}

export function startLiveServer(
  services: Services,
  schema: GraphQLSchema,
  httpServer: Server,
  options: Partial<LiveServerOptions> = {},
): LiveServer {
  const { config, logger } = services;
  const opts = {
    ...DEFAULT_LIVE_SERVER_OPTIONS,
    keepAliveMs: config.wsKeepAliveMs,
    maxConnectionsPerKey: config.wsMaxConnectionsPerKey,
    ...options,
  };
  const errorFormatting = createErrorFormatting(logger, { suggestions: config.fieldSuggestions });
  const documents = new DocumentCache(
    schema,
    [...specifiedRules, ...limitRules(config.limits)],
    config.limits.maxTokens,
  );
  const policy = { limits: config.limits, introspection: config.introspection };
  const operations = new WeakMap<Connection, Map<string, Operation>>();
  /** Connections authenticated with a GATEWAY key: not held to maxOperationsPerConnection. */
  const gatewayConnections = new WeakSet<Connection>();
  const oneShotsInFlight = new Set<Operation>();
  /** Request ids of errors refused before an operation started, for their answer and the logs. */
  const errorRequestIds = new WeakMap<GraphQLError, string>();
  let drained: (() => void) | undefined;
  const inFlightListeners = new Set<() => void>();
  let closing = false;
  const slowConsumersDropped: Record<SlowConsumerCause, number> = { buffer: 0, ping: 0 };

  // No per-message compression (also ws's default, stated here so it stays off): its zlib state
  // costs each socket hundreds of kilobytes, against 5,000 idle connections in a few hundred MB.
  const wss = new WebSocketServer({
    server: httpServer,
    path: LIVE_PATH,
    maxPayload: opts.maxPayloadBytes,
    perMessageDeflate: false,
  });
  // The HTTP server's own errors (its port taken, say) are re-emitted here; the server's listen
  // reports them to whoever starts it, so this listener only keeps them from crashing the process.
  wss.on("error", () => undefined);
  const baseUrlOf = (extra: ConnectionExtra) =>
    config.publicUrl?.replace(/\/$/, "") ?? `http://${extra.host ?? "localhost"}`;
  const format = (requestId: string, errors: readonly GraphQLError[]): GraphQLFormattedError[] =>
    errors.map((e) => {
      errorFormatting.log(e, requestId);
      return errorFormatting.format(e.toJSON(), e, requestId);
    });
  const asGraphQLError = (error: unknown) =>
    error instanceof GraphQLError
      ? error
      : new GraphQLError(error instanceof Error ? error.message : String(error), {
          originalError: error instanceof Error ? error : undefined,
        });

  /** Mutations over WebSocket are audited as over HTTP (auditPlugin): one entry per root field. */
  const auditMutation = (args: ExecutionArgs, errors: readonly GraphQLError[]) => {
    const operation = getOperationAST(args.document, args.operationName);
    if (operation?.operation !== "mutation") return;
    const ctx = args.contextValue as Context;
    void services.audit.record(
      mutationAuditEntries(operation, (args.variableValues ?? {}) as Record<string, unknown>, ctx, errors),
    );
  };

  const finish = (ctx: Connection, id: string) => {
    const op = operations.get(ctx)?.get(id);
    if (!op) return;
    operations.get(ctx)!.delete(id);
    op.abort?.abort();
    if (op.field) services.metrics.subscriptionsOpen.dec({ field: op.field });
    if (op instanceof SubscriptionContext) revocations.unfollow(op);
    oneShotsInFlight.delete(op);
    if (oneShotsInFlight.size === 0) drained?.();
  };

  // A revoked key's sockets close (4401), ending all their streams, as its revocation's notification
  // reaches this process (whichever process revoked it); after a lost LISTEN connection every open
  // socket's key is re-checked, so a missed notification cannot leave a stream open.
  const revocations = new RevocationWatch(services);
  // Queries, mutations and every subscription event run on the executor HTTP runs them on.
  const execute = compiledExecute(schema);
  const stopPinging = serveGraphQLWs(
    {
      schema,
      execute,
      subscribe: async (args) => {
        const stream = await subscribeSharing(args, execute);
        const ctx = args.contextValue;
        // A user acting through a front has the role of their own keys: a revocation may lower it.
        return ctx instanceof SubscriptionContext && ctx.viewer.viaGateway && Symbol.asyncIterator in stream
          ? revocations.follow(ctx, stream as AsyncIterableIterator<ExecutionResult>, ctx.keyChangesSeen)
          : stream;
      },
      onConnect: async (ctx) => {
        const { socket } = ctx.extra;
        if (closing) {
          socket.close(CloseCode.ShuttingDown, "server shutting down");
          return false;
        }
        try {
          // Authentication only: each operation is then authenticated (and rate-limited) as on HTTP.
          const key = await services.auth.validKey(bearerSecret(authorizationOf(ctx.connectionParams, ctx.extra)));
          // Checked and counted with no await in between: connections arriving together cannot all pass.
          const limit = opts.maxConnectionsPerKey;
          if (limit > 0 && key.role !== "GATEWAY" && revocations.openFor(key.id) >= limit) {
            logger.debug({ keyId: key.id, limit }, "WebSocket connection refused: too many open for its API key");
            socket.close(
              CloseCode.Forbidden,
              `Forbidden: this API key already has ${limit} WebSocket connections open, the most allowed; close one first`,
            );
            return false;
          }
          revocations.watch(socket, key.id);
          if (key.role === "GATEWAY") gatewayConnections.add(ctx);
          return true;
        } catch (error) {
          if (isJobsError(error, "UNAUTHENTICATED"))
            socket.close(CloseCode.Unauthorized, `Unauthorized: ${error.message}`.slice(0, 120));
          else {
            logger.error({ err: error }, "WebSocket authentication failed");
            socket.close(CloseCode.InternalServerError, "Internal server error");
          }
          return false;
        }
      },
      onSubscribe: async (ctx, id, payload) => {
        const requestId = newRequestId();
        const fail = (...errors: GraphQLError[]) => {
          for (const e of errors) errorRequestIds.set(e, requestId);
          return errors;
        };
        if (!gatewayConnections.has(ctx) && Object.keys(ctx.subscriptions).length > opts.maxOperationsPerConnection) {
          return fail(
            jobsError("RATE_LIMITED", `at most ${opts.maxOperationsPerConnection} operations at once per connection`),
          );
        }
        const checked = documents.check(payload.query);
        // Cached errors are shared; each answer gets its own copies (they carry its request id).
        if ("errors" in checked)
          return fail(
            ...checked.errors.map(
              (e) =>
                new GraphQLError(e.message, {
                  nodes: e.nodes,
                  source: e.source,
                  positions: e.positions,
                  extensions: e.extensions,
                }),
            ),
          );
        const { document } = checked;
        const operation = getOperationAST(document, payload.operationName);
        if (!operation)
          return fail(withCode(new GraphQLError("Unable to identify operation"), "OPERATION_RESOLUTION_FAILURE"));
        // graphql-ws keeps the subscribe message as long as the operation runs: let it hold the
        // cached copy of the document's text instead of its own.
        (payload as { query: string }).query = checked.query;
        const oneShot = operation.operation !== "subscription";
        const root = operation.selectionSet.selections[0];
        const field = oneShot ? null : root?.kind === Kind.FIELD ? root.name.value : "unknown";
        // Only queries and mutations get a signal (e.g. to stop a wait when the client goes); a
        // subscription ends through its iterator instead, and 5,000 idle ones need no more objects.
        const abort = oneShot ? new AbortController() : null;
        let contextValue: Context;
        let op: Operation;
        try {
          const authorization = authorizationOf(ctx.connectionParams, ctx.extra);
          // A front's one connection carries many users' operations: each names its own (extensions).
          const actAs = actAsOf(payload.extensions) ?? actAsOf(ctx.connectionParams);
          if (field === null) {
            contextValue = await contextFor(services, authorization, baseUrlOf(ctx.extra), requestId, {
              ...(abort ? { signal: abort.signal } : {}),
              actAs,
            });
            op = { requestId, abort, oneShot, field };
          } else {
            // Read before the role is: a key change while it is read is then caught (RevocationWatch.follow).
            const keyChangesSeen = revocations.changes;
            op = contextValue = new SubscriptionContext(
              services,
              await authenticateRequest(services, authorization, actAs),
              requestId,
              baseUrlOf(ctx.extra),
              field,
              keyChangesSeen,
            );
          }
          checkOperation(schema, policy, contextValue, document, payload.variables ?? undefined, payload.operationName);
        } catch (error) {
          return fail(asGraphQLError(error));
        }
        if (field) services.metrics.subscriptionsOpen.inc({ field });
        const ops = operations.get(ctx) ?? new Map<string, Operation>();
        operations.set(ctx, ops);
        ops.set(id, op);
        if (op.oneShot) {
          oneShotsInFlight.add(op);
          for (const listener of [...inFlightListeners]) listener();
        }
        const args: ExecutionArgs = {
          schema,
          document,
          operationName: payload.operationName,
          variableValues: payload.variables,
          contextValue,
        };
        return args;
      },
      onNext: (ctx, id, _payload, args, result) => {
        if (args.contextValue instanceof SubscriptionContext) args.contextValue.delivered();
        else auditMutation(args, result.errors ?? []);
        if (!result.errors?.length) return;
        const requestId =
          (args.contextValue as Context | undefined)?.requestId ??
          operations.get(ctx)?.get(id)?.requestId ??
          newRequestId();
        return { ...result, errors: format(requestId, result.errors) };
      },
      onError: (ctx, id, _payload, errors) => {
        const requestId =
          operations.get(ctx)?.get(id)?.requestId ?? (errors[0] && errorRequestIds.get(errors[0])) ?? newRequestId();
        return format(requestId, errors);
      },
      onComplete: (ctx, id) => finish(ctx, id),
      onClose: (ctx) => {
        for (const id of [...(operations.get(ctx)?.keys() ?? [])]) finish(ctx, id);
      },
    },
    wss,
    {
      keepAliveMs: opts.keepAliveMs,
      maxBufferedBytes: opts.maxBufferedBytes,
      logger,
      onSlowConsumer: (bufferedBytes, cause) => {
        slowConsumersDropped[cause]++;
        logger.warn(
          { bufferedBytes, maxBufferedBytes: opts.maxBufferedBytes, cause },
          cause === "buffer"
            ? "dropping a WebSocket client with too much unsent data (close 1013)"
            : "dropping a WebSocket client that did not answer a ping (close 1013)",
        );
      },
    },
  );

  return {
    connections: () => wss.clients.size,
    bufferedBytes: () => {
      let total = 0;
      for (const socket of wss.clients) total += socket.bufferedAmount;
      return total;
    },
    slowConsumersDropped: () => ({ ...slowConsumersDropped }),
    oneShotsInFlight: () => oneShotsInFlight.size,
    untilOneShotsInFlight: (n) =>
      new Promise<void>((resolve) => {
        const check = () => {
          if (oneShotsInFlight.size < n) return;
          inFlightListeners.delete(check);
          resolve();
        };
        inFlightListeners.add(check);
        check();
      }),
    async close() {
      if (closing) return;
      closing = true;
      const allClosed = new Promise<void>((resolve) => wss.close(() => resolve()));
      if (oneShotsInFlight.size)
        await within(opts.shutdownGraceMs, new Promise<void>((resolve) => (drained = resolve)));
      for (const socket of wss.clients) socket.close(CloseCode.ShuttingDown, "server shutting down");
      // A client that does not answer the close handshake soon is cut off.
      await within(Math.min(opts.shutdownGraceMs, CLOSE_HANDSHAKE_MS), allClosed);
      for (const socket of wss.clients) socket.terminate();
      stopPinging();
      await revocations.stop();
    },
  };
}

/**
 * Parsed and validated documents by their text. Clients send the same few subscription documents
 * over and over (every agent the same jobsChanged); one parse and one validation serve them all, and
 * every operation using a document shares one syntax tree instead of holding its own.
 */
class DocumentCache {
  private readonly entries = new Map<string, { document: DocumentNode; query: string } | { errors: GraphQLError[] }>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly rules: readonly ValidationRule[],
    private readonly maxTokens: number,
    private readonly capacity = 1000,
  ) {}

  /** The document, with the cache's own copy of its text; or why it is refused. */
  check(query: string): { document: DocumentNode; query: string } | { errors: GraphQLError[] } {
    const hit = this.entries.get(query);
    if (hit) {
      this.entries.delete(query);
      this.entries.set(query, hit);
      return hit;
    }
    let entry: { document: DocumentNode; query: string } | { errors: GraphQLError[] };
    try {
      const document = parse(query, { maxTokens: this.maxTokens });
      const invalid = validate(this.schema, document, this.rules);
      entry = invalid.length
        ? { errors: invalid.map((e) => withCode(e, "GRAPHQL_VALIDATION_FAILED")) }
        : { document, query };
    } catch (error) {
      entry = {
        errors: [
          withCode(error instanceof GraphQLError ? error : new GraphQLError(String(error)), "GRAPHQL_PARSE_FAILED"),
        ],
      };
    }
    this.entries.set(query, entry);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }
}

/** graphql-js's own errors carry no code; Apollo gives them these on HTTP, and so do we. */
function withCode(error: GraphQLError, code: string): GraphQLError {
  if (error.extensions?.code) return error;
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, code },
  });
}

function within(ms: number, promise: Promise<void>): Promise<void> {
  return new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
    void promise.then(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
