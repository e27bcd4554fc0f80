import pino, { type DestinationStream, type Logger } from "pino";
import { currentRequest } from "@/lib/api/request-context";
import { logLevel } from "@/lib/config/env";

// The one logger: JSON lines on stdout (pino). Log what identifies an event — route pattern,
// method, status, duration, request id, error code, an error's class (describeUnexpectedError)
// — never a secret, token, query string, header value or body. The redaction below is a second
// guard for keys that would hold one, at any of the first three levels.

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

const REDACT_PATHS = SECRET_KEYS.flatMap((key) => {
  const plain = /^[A-Za-z_$][\w$]*$/.test(key);
  const member = plain ? `.${key}` : `["${key}"]`;
  return [plain ? key : member, `*${member}`, `*.*${member}`];
});

let sink: DestinationStream = pino.destination({ dest: 1, sync: true });

export const log: Logger = pino(
  {
    level: logLevel(),
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: { paths: REDACT_PATHS, censor: "[redacted]" },
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
