// postgres.js and PGlite both report PostgreSQL's SQLSTATE as `code` and the violated
// constraint as `constraint`/`constraint_name`; drizzle may wrap them in `cause`.
export function isUniqueViolation(error: unknown, constraint: string): boolean {
  for (let current = error; current instanceof Error || isObject(current); current = (current as { cause?: unknown }).cause) {
    const { code, constraint: name, constraint_name: nameAlt } = current as Record<string, unknown>;
    if (code === "23505") return name === constraint || nameAlt === constraint;
  }
  return false;
}

function isObject(value: unknown): value is object {
  return typeof value === "object" && value !== null;
}

// What postgres.js (and Node's socket under it) reports when the server does not answer or went
// away: it refused or dropped the connection, did not answer in time, or was shut down.
const UNAVAILABLE_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EPIPE",
  "EAI_AGAIN",
  "CONNECT_TIMEOUT",
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
]);
// SQLSTATE classes 08 (connection exception) and 57P (operator intervention: admin_shutdown,
// crash_shutdown, cannot_connect_now while it starts or stops).
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[1-3])$/;

/** Whether `error` (or one of its causes, or the first of an AggregateError's) says the database did not answer. */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current = error;
  for (let depth = 0; depth < 5 && isObject(current); depth++) {
    const { code, cause, errors } = current as { code?: unknown; cause?: unknown; errors?: unknown };
    if (typeof code === "string" && (UNAVAILABLE_CODES.has(code) || UNAVAILABLE_SQLSTATE.test(code))) return true;
    current = cause ?? (Array.isArray(errors) ? errors[0] : undefined);
  }
  return false;
}
