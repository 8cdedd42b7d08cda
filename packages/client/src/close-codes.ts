// WebSocket close codes of the jobs API, the one list the server (src/live/) and this client use.
// graphql-ws's own keep graphql-ws's names and values (checked against its CloseCode at compile time,
// without loading graphql-ws, which the client imports lazily); the others are RFC 6455's.
import type { CloseCode as GraphqlWsCloseCode } from "graphql-ws";

export const CloseCode = {
  /** graphql-ws: no key, a bad key, or a key revoked while its socket was open. */
  Unauthorized: 4401 satisfies GraphqlWsCloseCode.Unauthorized,
  /**
   * graphql-ws: the connection is refused: its API key already has as many open on this server
   * process as it allows (JOBS_MAX_WS_CONNECTIONS_PER_KEY). Close one, or retry later (graphql-ws's
   * client retries this code with its backoff).
   */
  Forbidden: 4403 satisfies GraphqlWsCloseCode.Forbidden,
  /** graphql-ws: a message the protocol does not allow here (malformed, or of a type only a server sends). */
  BadRequest: 4400 satisfies GraphqlWsCloseCode.BadRequest,
  /** graphql-ws: the server failed to handle a message. */
  InternalServerError: 4500 satisfies GraphqlWsCloseCode.InternalServerError,
  /** 1001 going away: the server is shutting down; reconnect (elsewhere) and resume from your cursors. */
  ShuttingDown: 1001,
  /** 1009 message too big: a message larger than the server accepts. */
  MessageTooBig: 1009,
  /** 1013 try again later: the client did not read what it was sent (too much unsent, or no pong); resume from your cursors. */
  SlowConsumer: 1013,
} as const;

export type CloseCode = (typeof CloseCode)[keyof typeof CloseCode];
