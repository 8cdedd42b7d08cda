// Stops an HTTP server for shutdown: no new connections at once, idle keep-alive connections closed,
// requests in flight answered until `cutAfterMs`, then every HTTP connection cut. Upgraded
// (WebSocket) sockets are left to the live server, which closes them with a close code; Apollo's
// drain plugin would end them as idle connections, without one.
import type { Server } from "node:http";

export async function drainHttpServer(httpServer: Server, cutAfterMs: number): Promise<void> {
  if (!httpServer.listening) return;
  const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
  httpServer.closeIdleConnections();
  const cut = setTimeout(() => httpServer.closeAllConnections(), cutAfterMs);
  try {
    await closed;
  } finally {
    clearTimeout(cut);
  }
}
