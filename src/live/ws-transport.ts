// graphql-ws's protocol server wired onto `ws` sockets (what graphql-ws/use/ws does, leaner for many
// idle connections): each connection keeps only its socket and the two upgrade headers it needs,
// not the whole upgrade request, and one shared timer pings every socket instead of one per socket.
import type { IncomingMessage } from "node:http";
import { CloseCode, handleProtocols, makeServer, type ServerOptions } from "graphql-ws";
import type { WebSocket, WebSocketServer } from "ws";
import type { Logger } from "../logger.ts";

/** What an operation may read of its connection. */
export interface ConnectionExtra {
  socket: WebSocket;
  /** The upgrade request's Host and Authorization headers. */
  host: string | undefined;
  authorization: string | undefined;
}

export type ConnectionParams = Record<string, unknown> | undefined;

/** Serves the graphql-transport-ws protocol on every connection of `wss`; returns a stop function for the pings. */
export function serveGraphQLWs(options: ServerOptions<ConnectionParams, ConnectionExtra>, wss: WebSocketServer, keepAliveMs: number, logger: Logger): () => void {
  const server = makeServer<ConnectionParams, ConnectionExtra>(options);
  wss.options.handleProtocols = handleProtocols;
  const awaitingPong = new WeakSet<WebSocket>();

  const heartbeat = setInterval(() => {
    for (const socket of wss.clients) {
      if (awaitingPong.has(socket)) {
        // No pong since the last ping: the peer is gone or does not read.
        socket.terminate();
        continue;
      }
      awaitingPong.add(socket);
      socket.ping();
    }
  }, keepAliveMs);
  heartbeat.unref();

  wss.on("connection", (socket: WebSocket, request: IncomingMessage) => {
    socket.on("pong", () => awaitingPong.delete(socket));
    socket.once("error", (err) => {
      logger.warn({ err }, "WebSocket error");
      socket.close(CloseCode.InternalServerError, "Internal server error");
    });
    const closed = server.opened(
      {
        protocol: socket.protocol,
        send: (data) =>
          new Promise<void>((resolve, reject) => {
            if (socket.readyState !== socket.OPEN) return resolve();
            socket.send(data, (err) => (err ? reject(err) : resolve()));
          }),
        close: (code, reason) => socket.close(code, reason),
        onMessage: (cb) =>
          socket.on("message", async (data) => {
            try {
              await cb(String(data));
            } catch (err) {
              logger.error({ err }, "WebSocket message handling failed");
              socket.close(CloseCode.InternalServerError, "Internal server error");
            }
          }),
      },
      { socket, host: request.headers.host, authorization: request.headers.authorization },
    );
    socket.once("close", (code, reason) => void closed(code, String(reason)));
  });

  return () => clearInterval(heartbeat);
}
