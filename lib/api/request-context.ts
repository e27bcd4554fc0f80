import { AsyncLocalStorage } from "node:async_hooks";
import { randomUUID } from "node:crypto";

// The API route request being answered, for what runs inside it: the error adapter puts its id
// in error bodies and notes the error code, and every log line written meanwhile carries the id.

export interface RequestContext {
  readonly requestId: string;
  /** The catalogue code the request was answered with, when it failed (set by handleApiError). */
  errorCode?: string;
  /** What the request's one log line carries besides the route's own fields (e.g. `tool`: the tool call it ran). */
  logFields?: Record<string, unknown>;
}

const storage = new AsyncLocalStorage<RequestContext>();

export function runInRequest<T>(context: RequestContext, body: () => T): T {
  return storage.run(context, body);
}

/** The route request this code runs for, if any. */
export function currentRequest(): RequestContext | undefined {
  return storage.getStore();
}

/** An incoming X-Request-Id is kept only when it is short and plain, so it can go into headers, bodies and logs as it is. */
export const MAX_REQUEST_ID_LENGTH = 64;
const SAFE_REQUEST_ID = new RegExp(`^[A-Za-z0-9._-]{1,${MAX_REQUEST_ID_LENGTH}}$`);

/** The caller's X-Request-Id when it is safe to repeat, else a new one. */
export function requestIdFrom(header: string | null): string {
  return header !== null && SAFE_REQUEST_ID.test(header) ? header : randomUUID();
}
