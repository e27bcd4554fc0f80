import pino, { type DestinationStream, type Logger } from "pino";
import { currentRequest } from "@/lib/api/request-context";
import { logLevel } from "@/lib/config/env";
import { describeError } from "@/lib/errors";

// The one logger: JSON lines on stdout (pino). Log what identifies an event — route pattern,
// method, status, duration, request id, and whatever was thrown as `error` (described by
// describeError: class, code, message with quoted data cut out, causes) — never a secret, token,
// query string, header value or body. The censoring below is a second guard for keys that would
// hold one, at any of the first three levels.

const SECRET_KEYS = [
  "authorization",
  "cookie",
  "set-cookie",
  "x-api-key",
  "token",
  "secret",
  "password",
  "client_secret",
  "refresh_token",
  "access_token",
  "api_key",
  "apiKey",
  "secretKey",
];

const SECRET_KEY_SET = new Set(SECRET_KEYS);
const CENSOR = "[redacted]";
const CENSORED_LEVELS = 3;

/**
 * The logged object with every secret-named key's value replaced, down to three levels; objects
 * without one are kept as they are. (Not pino's `redact`: its paths cost ~90 KB of garbage per
 * line with wildcards, measured with pino 10 by 2026-12-01, and every API request writes a line.)
 */
function censorSecrets(value: Record<string, unknown>, level = 1): Record<string, unknown> {
  let copy: Record<string, unknown> | undefined;
  for (const key in value) {
    const item = value[key];
    let next = item;
    if (SECRET_KEY_SET.has(key)) next = CENSOR;
    else if (level < CENSORED_LEVELS && item !== null && typeof item === "object" && !Array.isArray(item) && !(item instanceof Error)) {
      next = censorSecrets(item as Record<string, unknown>, level + 1);
    }
    if (next !== item) (copy ??= { ...value })[key] = next;
  }
  return copy ?? value;
}

let sink: DestinationStream = pino.destination({ dest: 1, sync: true });

export const log: Logger = pino(
  {
    level: logLevel(),
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { log: (object) => censorSecrets(object) },
    // `log.error({ error }, …)` with anything thrown: an Error, a plain object (pg-boss's), a string.
    serializers: { error: describeError },
    // Every line written while an API request is answered names that request.
    mixin: () => {
      const request = currentRequest();
      return request ? { requestId: request.requestId } : {};
    },
  },
  { write: (line: string) => sink.write(line) },
);

/** Sends the log lines to `destination` instead of stdout (tests read them); answers a function that puts stdout back. */
export function setLogDestination(destination: DestinationStream): () => void {
  const previous = sink;
  sink = destination;
  return () => {
    sink = previous;
  };
}
