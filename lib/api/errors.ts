import { AppError } from "@/lib/errors";

/** Every route's one way to answer an error: AppErrors as the catalogue says, anything else as a logged 500 without details. */
export function handleApiError(error: unknown, headers: Record<string, string> = {}): Response {
  if (error instanceof AppError) {
    return Response.json(
      { error: { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) } },
      { status: error.status, headers: { ...headers, ...error.headers } },
    );
  }
  console.error(`Unexpected error in a route handler: ${describeUnexpectedError(error)}`);
  const internal = new AppError("internal_error");
  return Response.json({ error: { code: internal.code, message: internal.message } }, { status: internal.status, headers });
}

const SAFE_NAME = /^[A-Za-z_$][\w$.]{0,63}$/;
// SQLSTATEs (22021), Node's and undici's codes (ECONNRESET, UND_ERR_SOCKET): identifiers, never data.
const SAFE_CODE = /^[A-Z0-9_]{1,64}$/;

/**
 * What may be logged about an unexpected error: its class and, for a database or system
 * error, its code (the PostgreSQL SQLSTATE, from the error or its causes). Never a message,
 * stack or field beyond that: drizzle's "Failed query: … params: …", PostgreSQL's
 * `invalid input syntax for type uuid: "…"` and JSON.parse's excerpts all quote request data.
 */
export function describeUnexpectedError(error: unknown): string {
  if (!(error instanceof Error)) return `a thrown ${error === null ? "null" : typeof error}`;
  // drizzle's DrizzleQueryError keeps the name "Error": its class says more.
  const className = error.constructor?.name;
  const name = error.name !== "Error" && SAFE_NAME.test(error.name) ? error.name : className && SAFE_NAME.test(className) ? className : "Error";
  let code: string | undefined;
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === "object" && !code; depth++) {
    const value = (current as { code?: unknown }).code;
    if (typeof value === "string" && SAFE_CODE.test(value)) code = value;
    current = (current as { cause?: unknown }).cause;
  }
  return code ? `${name} (code ${code})` : name;
}
