// The access log says what happened to a request that was never answered: one whose client left
// mid-upload is logged 499 with `aborted: true` (nginx's word for it), one Node cut off for taking
// longer than JOBS_REQUEST_TIMEOUT_S is logged with the 408 Node sent, one whose body Node's parser
// refused with the 400, 413 or 431 it sent; none as the 200 an unanswered response reads. Raw
// sockets send headers and part of a body.
import { connect, type Socket } from "node:net";
import { Writable } from "node:stream";
import pino from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends } from "../helpers/backends.ts";
import { createKey } from "../helpers/fixtures.ts";
import { startTestServer, type TestServer } from "../helpers/server.ts";
import { pollUntil } from "../helpers/poll.ts";

interface AccessLine {
  msg?: string;
  requestId?: string;
  method?: string;
  path?: string;
  status?: number;
  aborted?: boolean;
}

/**
 * A socket that has sent an upload's headers and its first bytes, once the server took the request
 * (100 Continue): of 1000 declared, or as the first chunk of a chunked body.
 */
async function startedUpload(
  url: string,
  key: string,
  requestId: string,
  framing: "length" | "chunked" = "length",
): Promise<{ socket: Socket; read: () => string }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let received = "";
  socket.on("data", (chunk: Buffer) => {
    received += chunk.toString();
  });
  socket.on("error", () => undefined);
  await new Promise<void>((resolve) => socket.once("connect", resolve));
  socket.write(
    [
      "PUT /uploads?name=rows.csv HTTP/1.1",
      `Host: ${hostname}:${port}`,
      `Authorization: Bearer ${key}`,
      `x-request-id: ${requestId}`,
      "Content-Type: text/csv",
      framing === "length" ? "Content-Length: 1000" : "Transfer-Encoding: chunked",
      "Expect: 100-continue",
      "",
      "",
    ].join("\r\n"),
  );
  // Node answers 100 Continue as it hands the request to the server's handler.
  await pollUntil(() => received.includes("100 Continue"), "100 Continue", { timeoutMs: 10_000 });
  socket.write(framing === "length" ? "a,b\n1,2\n" : "8\r\na,b\n1,2\n\r\n");
  return { socket, read: () => received };
}

describe.each(backends.map((b) => [b.name, b] as const))(
  "access log of unanswered requests on %s",
  (_name, backend) => {
    let t: TestServer;
    let key: string;
    const lines: AccessLine[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split("\n")) if (line.trim()) lines.push(JSON.parse(line) as AccessLine);
        done();
      },
    });
    const accessLine = (requestId: string) =>
      pollUntil(
        () => lines.find((l) => l.msg === "request" && l.requestId === requestId),
        (line) => line !== undefined,
        `the access-log line of request ${requestId}`,
        { timeoutMs: 10_000 },
      );

    beforeAll(async () => {
      t = await startTestServer(
        backend,
        { JOBS_REQUEST_TIMEOUT_S: "1", JOBS_RATE_LIMIT: "0" },
        pino({ level: "info" }, sink),
      );
      key = await createKey(t.admin, "uploader");
    });
    afterAll(async () => t?.stop());

    it("logs an upload its client abandoned mid-body as 499, aborted", async () => {
      const { socket } = await startedUpload(t.url, key, "abandoned-upload");
      socket.destroy();
      const line = await accessLine("abandoned-upload");
      expect(line).toMatchObject({ method: "PUT", path: "/uploads", status: 499, aborted: true });
    });

    /**
     * An upload that sent `rest` after its first bytes and that Node then answered itself and closed:
     * the status Node sent (after its 100 Continue), and the request's access line.
     */
    const refusedUpload = async (requestId: string, framing: "length" | "chunked", rest = "") => {
      const { socket, read } = await startedUpload(t.url, key, requestId, framing);
      socket.write(rest);
      await new Promise<void>((resolve) => socket.once("close", () => resolve()));
      const statuses = [...read().matchAll(/^HTTP\/1\.1 (\d{3}) /gm)].map((m) => Number(m[1]));
      expect(statuses[0]).toBe(100);
      return { sent: statuses[1], line: await accessLine(requestId) };
    };

    it("logs a request Node cut off for its slow body as the 408 Node sent", async () => {
      const { sent, line } = await refusedUpload("slow-upload", "length");
      expect(sent).toBe(408);
      expect(line).toMatchObject({ method: "PUT", path: "/uploads", status: 408 });
      expect(line.aborted).toBeUndefined();
    });

    it("logs a request whose body Node's parser refused (an invalid chunk) as the 400 Node sent", async () => {
      const { sent, line } = await refusedUpload("bad-chunk", "chunked", "zz\r\n");
      expect(sent).toBe(400);
      expect(line).toMatchObject({ method: "PUT", path: "/uploads", status: 400 });
      expect(line.aborted).toBeUndefined();
    });

    it("logs a request with a chunk extension or trailers too long for Node as the 413 or 431 Node sent", async () => {
      const tooLong = "x".repeat(20_000);
      const extension = await refusedUpload("long-chunk-extension", "chunked", `1;note=${tooLong}\r\n`);
      expect(extension.sent).toBe(413);
      expect(extension.line).toMatchObject({ method: "PUT", path: "/uploads", status: 413 });
      const trailer = await refusedUpload("long-trailer", "chunked", `0\r\nx-note: ${tooLong}\r\n\r\n`);
      expect(trailer.sent).toBe(431);
      expect(trailer.line).toMatchObject({ method: "PUT", path: "/uploads", status: 431 });
    });

    it("logs an answered request with the status it was answered", async () => {
      const res = await fetch(`${t.url}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", "x-request-id": "answered-query" },
        body: JSON.stringify({ query: "{ viewer { userId } }" }),
      });
      expect(res.status).toBe(401);
      await res.text();
      const line = await accessLine("answered-query");
      expect(line).toMatchObject({ method: "POST", path: "/graphql", status: 401 });
      expect(line.aborted).toBeUndefined();
    });
  },
);
