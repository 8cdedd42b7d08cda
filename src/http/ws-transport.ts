// graphql-ws's protocol server wired onto `ws` sockets (what graphql-ws/use/ws does, leaner for many
// idle connections): each connection keeps only its socket and the two upgrade headers it needs,
// not the whole upgrade request, and one shared timer pings every socket instead of one per socket.
//
// Slow consumers. graphql-ws awaits each send before the subscription pulls its next item, and a
// send here lasts until the frame has left this process (handed to the kernel), so a subscription
// whose client reads slowly is paced by it and holds at most one frame here: a slow reader costs a
// cursor, not a queue. A client that stops reading therefore never makes its queue grow by itself,
// and a size check made before each send (as this used to be) never fires: its subscriptions just
// stall. So a client is dropped with 1013 (try again later; it resumes from its last cursor) when
//  - right after a write made while earlier data still waited, more than `maxBufferedBytes` wait
//    here for its socket (several subscriptions of the connection each stalled with a frame; one
//    frame alone, however large, is a big answer, not a slow reader), or
//  - it has not answered a ping within the keepalive interval (behind the frames it does not read).
// Its subscriptions end at once; the close frame follows what is queued, so a client that reads
// again gets all of it, then 1013. A socket still closing one to two intervals later is destroyed,
// so what waits for a dropped client stays bounded by the limit plus one frame, for a bounded time.
import type { IncomingMessage } from "node:http";
import { CloseCode } from "@jobs-api/client";
import { handleProtocols, makeServer, type ServerOptions } from "graphql-ws";
import type { WebSocket, WebSocketServer } from "ws";
import type { Logger } from "../logger.ts";

const SLOW_CONSUMER_REASONS = {
  buffer: "slow consumer: too much unsent data; reconnect and resume from your last cursor",
  ping: "slow consumer: no answer to ping; reconnect and resume from your last cursor",
} as const;
export type SlowConsumerCause = keyof typeof SLOW_CONSUMER_REASONS;

export interface TransportOptions {
  /** Ping interval; a client that has not answered the previous ping is dropped. */
  keepAliveMs: number;
  /** Bytes that may wait in this process for one socket; beyond them its client is dropped. */
  maxBufferedBytes: number;
  logger: Logger;
  /** Called once per client dropped as a slow consumer, with the bytes waiting for it and why. */
  onSlowConsumer?(bufferedBytes: number, cause: SlowConsumerCause): void;
}

/** What an operation may read of its connection. */
export interface ConnectionExtra {
  socket: WebSocket;
  /** The upgrade request's Host and Authorization headers. */
  host: string | undefined;
  authorization: string | undefined;
}

export type ConnectionParams = Record<string, unknown> | undefined;

/**
 * One socket as graphql-ws sees it (its `WebSocket`). graphql-ws calls send, close and onMessage as
 * methods, so they live on the prototype; with the socket listeners below, shared by every socket,
 * an idle connection costs this object and no closures of its own. (Closures matter here: run
 * through tsx, every named closure also gets its own property dictionary, 256 bytes more.)
 */
class Connection {
  /** Set once graphql-ws has been told the connection ended (its subscriptions are returned). */
  ended = false;
  /** graphql-ws's handler of incoming messages. */
  receive: ((data: string) => Promise<void>) | null = null;
  /** graphql-ws's handler of the end of the connection. */
  closed: ((code: number, reason: string) => Promise<void>) | null = null;
  /** Frames handed to `ws`, and of those, frames that have left this process (`ws` reports them in order). */
  private frames = 0;
  private framesLeft = 0;
  /** Sends waiting for their frame to leave this process (none while the kernel keeps up), oldest first. */
  private waiting: { frame: number; resume: () => void }[] | null = null;
  /** The write callback of every frame of this socket (made at the first send). */
  private frameLeft: (() => void) | null = null;

  constructor(
    readonly socket: WebSocket,
    readonly transport: Transport,
  ) {}

  get protocol(): string {
    return this.socket.protocol;
  }

  send(data: string): Promise<void> | undefined {
    const { socket } = this;
    if (this.ended || socket.readyState !== socket.OPEN) return;
    const frame = ++this.frames;
    const waitingBefore = socket.bufferedAmount;
    socket.send(data, this.frameLeft ?? this.makeFrameLeft());
    // The kernel took it all (the common case): nothing to wait for.
    if (socket.bufferedAmount === 0) return;
    // One frame alone may be larger than the limit (a big answer, to a client reading it): only
    // data piling up behind data the client has not taken marks it slow.
    if (waitingBefore > 0 && socket.bufferedAmount > this.transport.maxBufferedBytes) {
      this.drop("buffer");
      return;
    }
    return new Promise<void>((resume) => (this.waiting ??= []).push({ frame, resume }));
  }

  close(code?: number, reason?: string): void {
    this.socket.close(code, reason);
  }

  onMessage(receive: (data: string) => Promise<void>): void {
    this.receive = receive;
  }

  /** Tells graphql-ws (once) that the connection ended: its subscriptions end now. */
  end(code: number, reason: string): void {
    if (this.ended) return;
    this.ended = true;
    const stalled = this.waiting;
    this.waiting = null;
    for (const { resume } of stalled ?? []) resume();
    void this.closed?.(code, reason);
  }

  /** Drops the client as a slow consumer: 1013 after what is queued, and its subscriptions end at once. */
  drop(cause: SlowConsumerCause): void {
    if (this.ended) return;
    this.transport.options.onSlowConsumer?.(this.socket.bufferedAmount, cause);
    this.socket.close(CloseCode.SlowConsumer, SLOW_CONSUMER_REASONS[cause]);
    this.end(CloseCode.SlowConsumer, SLOW_CONSUMER_REASONS[cause]);
  }

  private makeFrameLeft(): () => void {
    return (this.frameLeft = () => {
      const left = ++this.framesLeft;
      const waiting = this.waiting;
      while (waiting?.length && waiting[0]!.frame <= left) waiting.shift()!.resume();
    });
  }
}

interface Transport {
  options: TransportOptions;
  maxBufferedBytes: number;
  logger: Logger;
}

const connections = new WeakMap<WebSocket, Connection>();
const awaitingPong = new WeakSet<WebSocket>();
/** Sockets seen closing at a heartbeat: still closing at the next one, they are destroyed. */
const closingSeen = new WeakSet<WebSocket>();

// Listeners shared by every socket (`this` is the socket).
function onPong(this: WebSocket): void {
  awaitingPong.delete(this);
}
function onMessage(this: WebSocket, data: unknown): void {
  const connection = connections.get(this);
  if (!connection?.receive || connection.ended) return;
  connection.receive(String(data)).catch((err: unknown) => {
    // graphql-ws throws on a well-formed message only a server may send (next, connection_ack): the
    // client broke the protocol, as with a malformed message (4400), and the server did not fail.
    if (err instanceof Error && err.message.startsWith("Unexpected message of type")) {
      connection.transport.logger.debug({ reason: err.message }, "WebSocket client broke the protocol");
      this.close(CloseCode.BadRequest, err.message);
      return;
    }
    connection.transport.logger.error({ err }, "WebSocket message handling failed");
    this.close(CloseCode.InternalServerError, "Internal server error");
  });
}
function onError(this: WebSocket, err: Error): void {
  const logger = connections.get(this)?.transport.logger;
  // A frame that breaks the WebSocket protocol (unmasked, bad UTF-8, too large, ...): `ws` has closed
  // the socket with the code the RFC names (1002, 1007, 1009). The client's fault, as with 4400.
  if (String((err as { code?: unknown }).code).startsWith("WS_ERR_")) {
    logger?.debug({ reason: err.message }, "WebSocket client broke the protocol");
    return;
  }
  logger?.warn({ err }, "WebSocket error");
  this.close(CloseCode.InternalServerError, "Internal server error");
}
function onClose(this: WebSocket, code: number, reason: Buffer): void {
  connections.get(this)?.end(code, String(reason));
}

/** Serves the graphql-transport-ws protocol on every connection of `wss`; returns a stop function for the pings. */
export function serveGraphQLWs(
  options: ServerOptions<ConnectionParams, ConnectionExtra>,
  wss: WebSocketServer,
  transportOptions: TransportOptions,
): () => void {
  const transport: Transport = {
    options: transportOptions,
    maxBufferedBytes: transportOptions.maxBufferedBytes,
    logger: transportOptions.logger,
  };
  const server = makeServer<ConnectionParams, ConnectionExtra>(options);
  wss.options.handleProtocols = handleProtocols;

  const heartbeat = setInterval(() => {
    for (const socket of wss.clients) {
      if (socket.readyState === socket.CLOSING) {
        if (closingSeen.has(socket)) socket.terminate();
        else closingSeen.add(socket);
        continue;
      }
      if (awaitingPong.has(socket)) {
        // No pong since the last ping: the client does not read (or is gone).
        const connection = connections.get(socket);
        if (connection) connection.drop("ping");
        else socket.terminate();
        continue;
      }
      awaitingPong.add(socket);
      socket.ping();
    }
  }, transportOptions.keepAliveMs);
  heartbeat.unref();

  wss.on("connection", (socket: WebSocket, request: IncomingMessage) => {
    const connection = new Connection(socket, transport);
    connections.set(socket, connection);
    // `on`, not `once`, even for close (emitted once): `once` wraps each listener in a bound function of its own.
    socket.on("pong", onPong);
    socket.on("error", onError);
    socket.on("message", onMessage);
    socket.on("close", onClose);
    connection.closed = server.opened(connection, {
      socket,
      host: request.headers.host,
      authorization: request.headers.authorization,
    });
  });

  return () => clearInterval(heartbeat);
}
