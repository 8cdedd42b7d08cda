// Subscriptions for JobsClient: one lazy graphql-ws connection to ws(s)://<host>/graphql with the
// API key in connectionParams, opened on the first subscription and closed when the last one ends.
import type { Client } from "graphql-ws";
import { CloseCode } from "./close-codes.ts";
import { JobsApiError, type ApiErrorDetail } from "./errors.ts";
import type { TypedDocumentString } from "./generated/graphql.ts";

export interface LiveOptions {
  /** The server's base URL, http(s)://host:port. */
  baseUrl: string;
  apiKey: string;
  /** A WebSocket class; default: the global one (Node 22+, browsers), else the `ws` package. */
  webSocketImpl?: unknown;
}

export interface LiveSink<T> {
  next(data: T): void;
  error(error: JobsApiError): void;
  complete(): void;
}

export class LiveConnection {
  private client: Promise<Client> | null = null;

  constructor(private readonly options: LiveOptions) {}

  /** Starts one subscription; returns the function that stops it. */
  async subscribe<R, V>(document: TypedDocumentString<R, V>, variables: V, sink: LiveSink<R>): Promise<() => void> {
    const client = await this.connect();
    return client.subscribe<R>(
      { query: document.toString(), variables: variables as Record<string, unknown> },
      {
        next: (message) => {
          if (message.errors?.length)
            sink.error(JobsApiError.fromErrors(message.errors as readonly ApiErrorDetail[], null));
          else if (message.data != null) sink.next(message.data as R);
        },
        error: (error) => sink.error(toApiError(error)),
        complete: () => sink.complete(),
      },
    );
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = null;
    if (client) await disposeQuietly(await client);
  }

  private connect(): Promise<Client> {
    this.client ??= (async () => {
      // Loaded on first use: most calls never subscribe, and a CLI start-up should not pay for it.
      const { createClient } = await import("graphql-ws");
      const webSocketImpl =
        this.options.webSocketImpl ?? (globalThis as { WebSocket?: unknown }).WebSocket ?? (await import("ws")).default;
      return createClient({
        url: `${this.options.baseUrl.replace(/^http/, "ws")}/graphql`,
        webSocketImpl,
        connectionParams: { authorization: `Bearer ${this.options.apiKey}` },
        lazy: true,
        // A resubscription would replay from the original arguments; callers resume from cursors instead.
        retryAttempts: 0,
      });
    })();
    return this.client;
  }
}

/**
 * Disposes a graphql-ws client. One that never connected rejects its disposal with the connect
 * error: nothing was open, and that must not replace the error the caller is reporting.
 */
export async function disposeQuietly(client: Client): Promise<void> {
  try {
    await client.dispose();
  } catch {
    // nothing was open
  }
}

/** graphql-ws reports errors as GraphQL error lists, close events or plain errors. */
function toApiError(error: unknown): JobsApiError {
  if (Array.isArray(error)) return JobsApiError.fromErrors(error as ApiErrorDetail[], null);
  const closed = error as { code?: unknown; reason?: unknown };
  if (typeof closed?.code === "number") {
    const reason = String(closed.reason ?? "") || "connection closed";
    const code =
      closed.code === CloseCode.Unauthorized
        ? "UNAUTHENTICATED"
        : // The key's connections are all in use: a limit, as HTTP's 429 is.
          closed.code === CloseCode.Forbidden
          ? "RATE_LIMITED"
          : "NETWORK_ERROR";
    return new JobsApiError(code, `WebSocket closed (${closed.code}): ${reason}`);
  }
  return new JobsApiError("NETWORK_ERROR", `WebSocket failed: ${socketErrorMessage(error)}`, { cause: error });
}

/** What went wrong, readably: an Error's message, or an ErrorEvent's (`ws` and browsers dispatch events, not Errors). */
export function socketErrorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  const event = error as { message?: unknown; error?: unknown; type?: unknown } | null;
  if (typeof event?.message === "string" && event.message) return event.message;
  if (event?.error instanceof Error && event.error.message) return event.error.message;
  if (typeof event?.type === "string") return `${event.type} event (no details)`;
  return String(error);
}
