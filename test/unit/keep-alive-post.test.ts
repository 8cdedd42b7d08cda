// The keep-alive JSON POST the Node Worker and a front's gateways send GraphQL with: connections
// reused, an abort rejects with the signal's reason, and a failure says whether the answer had begun
// (a front retries idempotent calls only when it had not).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeepAlivePost, PostError } from "@jobs-api/client/node";

describe("KeepAlivePost", () => {
  let server: Server;
  let url: string;
  let connections = 0;
  /** Requests received, with their bodies, in order. */
  const received: { path: string; body: string; headers: Record<string, unknown> }[] = [];
  let arrived: () => void = () => undefined;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        received.push({ path: req.url ?? "", body: Buffer.concat(chunks).toString(), headers: req.headers });
        arrived();
        if (req.url === "/hang") return; // never answers: the caller aborts
        if (req.url === "/cut") {
          res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
          // Cut once the start of the answer has left (destroying at once would drop it unsent).
          return void res.write('{"data":', () => res.socket?.destroy());
        }
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ data: { echo: JSON.parse(Buffer.concat(chunks).toString()) } }));
      });
    });
    server.on("connection", () => connections++);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it("posts JSON and answers status and bytes, over one connection for calls in turn", async () => {
    const poster = new KeepAlivePost(`${url}/graphql`);
    const before = connections;
    for (const n of [1, 2, 3]) {
      const answer = await poster.post(JSON.stringify({ n }), { authorization: "Bearer k" });
      expect(answer.status).toBe(200);
      expect(JSON.parse(answer.body.toString())).toEqual({ data: { echo: { n } } });
    }
    expect(connections - before).toBe(1);
    expect(received.at(-1)!.headers).toMatchObject({
      authorization: "Bearer k",
      "content-type": "application/json",
      "content-length": String(JSON.stringify({ n: 3 }).length),
    });
    poster.close();
  });

  it("rejects an aborted call with the signal's reason, as fetch does", async () => {
    const poster = new KeepAlivePost(`${url}/hang`);
    const stop = new AbortController();
    const reached = new Promise<void>((resolve) => (arrived = resolve));
    const call = poster.post("{}", {}, stop.signal);
    await reached;
    const reason = new Error("caller gave up");
    stop.abort(reason);
    await expect(call).rejects.toBe(reason);
    poster.close();
  });

  it("says whether the answer had begun: refused is unreachable, a cut-off answer is not", async () => {
    const nowhere = await new KeepAlivePost("http://127.0.0.1:9/graphql").post("{}", {}).catch((e: unknown) => e);
    expect(nowhere).toBeInstanceOf(PostError);
    expect(nowhere).toMatchObject({ answered: false, reason: "ECONNREFUSED" });
    expect((nowhere as Error).message).toBe("unreachable: ECONNREFUSED");

    const poster = new KeepAlivePost(`${url}/cut`);
    const cut = await poster.post("{}", {}).catch((e: unknown) => e);
    expect(cut).toBeInstanceOf(PostError);
    expect((cut as PostError).answered).toBe(true);
    expect((cut as Error).message).toMatch(/^answer cut off: /);
    poster.close();
  });
});
