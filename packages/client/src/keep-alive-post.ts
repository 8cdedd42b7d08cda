// A small JSON POST to one URL over node:http keep-alive connections. fetch's web streams cost a
// call about twice the CPU of the rest of a GraphQL round trip (measured for a front's upstream
// calls and for the Worker's turns), so the Node Worker and a front's gateways post through this.
import http from "node:http";
import https from "node:https";
import type { GraphQLPost } from "./http.ts";

/** The answer as it came: its status and its bytes (one chunk is kept as it is, not copied). */
export interface PostedAnswer {
  status: number;
  body: Buffer;
}

/**
 * A POST that failed without a whole answer. `answered` says whether the answer had started: before
 * it (unreachable, refused, reset while sending) the caller may retry an idempotent call; after it
 * the server may have acted.
 */
export class PostError extends Error {
  constructor(
    readonly reason: string,
    readonly answered: boolean,
    options?: ErrorOptions,
  ) {
    super(`${answered ? "answer cut off" : "unreachable"}: ${reason}`, options);
    this.name = "PostError";
  }
}

export class KeepAlivePost {
  readonly url: URL;
  private readonly client: typeof http | typeof https;
  private readonly agent: http.Agent;

  /**
   * `idleMs`: an idle connection is dropped after this long. Keep it below the server's keep-alive
   * timeout (Node's default is 5 s), or a request may be written to a socket the server is closing.
   */
  constructor(url: string | URL, idleMs = 4000) {
    this.url = new URL(url);
    this.client = this.url.protocol === "https:" ? https : http;
    this.agent = new this.client.Agent({ keepAlive: true, timeout: idleMs });
  }

  /** POSTs `body` (JSON) with `headers`; an abort rejects with the signal's reason, as fetch does. */
  post(body: string, headers: Record<string, string>, signal?: AbortSignal): Promise<PostedAnswer> {
    return new Promise((resolve, reject) => {
      let answered = false;
      const request = this.client.request(
        this.url,
        {
          method: "POST",
          agent: this.agent,
          signal,
          headers: { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body) },
        },
        (response) => {
          answered = true;
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () =>
            resolve({
              status: response.statusCode ?? 0,
              body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks),
            }),
          );
          response.on("error", (error) =>
            reject(signal?.aborted ? signal.reason : new PostError(error.message, true, { cause: error })),
          );
        },
      );
      request.on("error", (error: Error & { code?: string }) =>
        reject(
          signal?.aborted ? signal.reason : new PostError(error.code ?? error.message, answered, { cause: error }),
        ),
      );
      request.end(body);
    });
  }

  /** Closes the idle connections (the owner is done with this URL). */
  close(): void {
    this.agent.destroy();
  }
}

/** A GraphQLPost (see http.ts) over keep-alive connections, one set per URL it is given. */
export function keepAliveGraphQLPost(): GraphQLPost {
  const posters = new Map<string, KeepAlivePost>();
  return async (url, body, headers, signal) => {
    let poster = posters.get(url);
    if (!poster) posters.set(url, (poster = new KeepAlivePost(url)));
    const answer = await poster.post(body, headers, signal);
    return { status: answer.status, text: answer.body.toString("utf8") };
  };
}
