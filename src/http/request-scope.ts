// The request id travels with the request's async work, so errors can be logged and answered with it.
import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

const scope = new AsyncLocalStorage<{ requestId: string }>();

export function newRequestId(incoming?: string | string[]): string {
  const given = Array.isArray(incoming) ? incoming[0] : incoming;
  return given && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
}

export function runInRequestScope<T>(requestId: string, fn: () => T): T {
  return scope.run({ requestId }, fn);
}

export function currentRequestId(): string | undefined {
  return scope.getStore()?.requestId;
}
