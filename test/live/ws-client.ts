// A graphql-ws client for the tests: subscriptions collected into streams that tests wait on.
import { type Client, createClient } from "graphql-ws";
import type { Socket } from "node:net";
import WebSocket from "ws";

export interface ClosedBy {
  code: number;
  reason: string;
}

export interface Received<T> {
  data?: T;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

/** One subscription's messages, in arrival order, with ways to wait for them. */
export class Stream<T> {
  readonly messages: Received<T>[] = [];
  error: unknown = null;
  completed = false;
  private wake: (() => void)[] = [];
  dispose: () => void = () => undefined;

  push(message: Received<T>): void {
    this.messages.push(message);
    this.notify();
  }
  fail(error: unknown): void {
    this.error = error;
    this.notify();
  }
  complete(): void {
    this.completed = true;
    this.notify();
  }
  private notify(): void {
    for (const w of this.wake.splice(0)) w();
  }

  get items(): T[] {
    return this.messages.filter((m) => m.data !== undefined && m.data !== null).map((m) => m.data as T);
  }

  /** Waits until `ready()` holds (checked on every message); fails after the deadline with what arrived. */
  async until(ready: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ready()) {
      if (this.error || this.completed) {
        if (ready()) return;
        throw new Error(
          `stream ended before ${what}: ${describe(this.error)}; got ${JSON.stringify(this.messages).slice(0, 2000)}`,
        );
      }
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages).slice(0, 2000)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The first n items, once they have arrived. */
  async take(n: number, timeoutMs?: number): Promise<T[]> {
    await this.until(() => this.items.length >= n, `${n} items`, timeoutMs);
    return this.items.slice(0, n);
  }

  /** Waits for the stream to end with an error or a message with errors; returns the first error code. */
  async errorCode(timeoutMs?: number): Promise<unknown> {
    await this.until(
      () => this.error !== null || this.messages.some((m) => m.errors?.length),
      "an error",
      timeoutMs,
    ).catch((e) => {
      if (!this.completed) throw e;
    });
    const fromMessage = this.messages.find((m) => m.errors?.length)?.errors?.[0]?.extensions?.code;
    if (fromMessage) return fromMessage;
    const err = this.error as { code?: number; extensions?: { code?: string } }[] | { code?: number } | null;
    if (Array.isArray(err)) return err[0]?.extensions?.code;
    return err?.code;
  }
}

function describe(error: unknown): string {
  if (!error) return "no error";
  if (Array.isArray(error)) return JSON.stringify(error);
  const e = error as { code?: number; reason?: string; message?: string };
  return e.code !== undefined ? `close ${e.code} ${e.reason ?? ""}` : String(e.message ?? error);
}

export interface LiveClient {
  client: Client;
  subscribe<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Stream<T>;
  /** One query or mutation over the socket. */
  request<T = Record<string, any>>(query: string, variables?: Record<string, unknown>): Promise<Received<T>>;
  closed: Promise<ClosedBy>;
  dispose(): Promise<void>;
}

/** Connects to `<httpUrl>/graphql` over WebSocket with the key in connectionParams (or none); `actAs`: the user a GATEWAY key acts as. */
export function liveClient(
  httpUrl: string,
  key: string | null,
  options: { retryAttempts?: number; actAs?: string } = {},
): LiveClient {
  let closedBy: (c: ClosedBy) => void = () => undefined;
  const closed = new Promise<ClosedBy>((resolve) => (closedBy = resolve));
  const client = createClient({
    url: `${httpUrl.replace(/^http/, "ws")}/graphql`,
    webSocketImpl: WebSocket,
    connectionParams: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(options.actAs ? { "jobs-act-as": options.actAs } : {}),
    },
    retryAttempts: options.retryAttempts ?? 0,
    lazy: true,
    on: {
      closed: (event) => {
        const e = event as { code: number; reason: string };
        closedBy({ code: e.code, reason: String(e.reason) });
      },
    },
  });
  return {
    client,
    closed,
    subscribe<T>(query: string, variables?: Record<string, unknown>) {
      const stream = new Stream<T>();
      stream.dispose = client.subscribe<T>(
        { query, variables },
        {
          next: (message) => stream.push(message as Received<T>),
          error: (error) => stream.fail(error),
          complete: () => stream.complete(),
        },
      );
      return stream;
    },
    async request<T>(query: string, variables?: Record<string, unknown>) {
      const stream = this.subscribe<T>(query, variables);
      await stream.until(() => stream.completed || stream.error !== null, "the answer", 30_000);
      if (stream.error) throw stream.error;
      return stream.messages[0] ?? {};
    },
    async dispose() {
      await client.dispose();
    },
  };
}

interface RawMessage {
  id?: string;
  type: string;
  payload?: any;
}

/** A graphql-transport-ws client on a bare `ws` socket, so the test can stop it from reading. */
export class RawClient {
  readonly messages: RawMessage[] = [];
  readonly closed: Promise<{ code: number; reason: string }>;
  private waiters = new Set<() => void>();

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) =>
      ws.once("close", (code, reason) => resolve({ code, reason: String(reason) })),
    );
    ws.on("message", (data) => {
      this.messages.push(JSON.parse(String(data)) as RawMessage);
      for (const wake of [...this.waiters]) wake();
    });
    ws.once("close", () => {
      for (const wake of [...this.waiters]) wake();
    });
  }

  static async open(httpUrl: string, key: string): Promise<RawClient> {
    const ws = new WebSocket(`${httpUrl.replace(/^http/, "ws")}/graphql`, "graphql-transport-ws");
    await new Promise<void>((resolve, reject) => {
      ws.once("open", () => resolve());
      ws.once("error", reject);
    });
    const client = new RawClient(ws);
    client.send({ type: "connection_init", payload: { authorization: `Bearer ${key}` } });
    await client.until(() => client.messages.some((m) => m.type === "connection_ack"), "connection_ack");
    return client;
  }

  send(message: RawMessage): void {
    this.ws.send(JSON.stringify(message));
  }

  /** The underlying TCP socket: pausing it stops this process from reading what the server sends. */
  get tcp(): Socket {
    return (this.ws as unknown as { _socket: Socket })._socket;
  }

  next(id: string): RawMessage[] {
    return this.messages.filter((m) => m.id === id && m.type === "next");
  }

  /** Waits until `ready()` holds, re-checked on every message; fails at the deadline or when the socket closes first. */
  async until(ready: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!ready()) {
      if (this.ws.readyState === WebSocket.CLOSED) throw new Error(`socket closed before ${what}`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.messages).slice(0, 1000)}`);
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.waiters.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, left);
        this.waiters.add(wake);
      });
    }
  }
}
