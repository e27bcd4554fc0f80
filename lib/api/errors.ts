import { isDatabaseUnavailable } from "@/db/queries/errors";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { currentRequest } from "./request-context";

/** How long a caller is asked to wait when the database does not answer (Retry-After, seconds). */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

/**
 * An unexpected error as the AppError it is answered with: the database not answering (down,
 * restarting, unreachable) is a 503 database_unavailable with Retry-After, anything else a 500.
 */
export function unexpectedAppError(error: unknown): AppError {
  if (isDatabaseUnavailable(error))
    return new AppError("database_unavailable", { headers: { "Retry-After": String(DATABASE_RETRY_AFTER_SECONDS) } });
  return new AppError("internal_error");
}

/**
 * Every route's one way to answer an error: AppErrors as the catalogue says, the database not
 * answering as a 503, anything else as a 500 without details (both logged). The body names the
 * request's id (`requestId`) when answered within a route request (`observeRoute`).
 */
export function handleApiError(error: unknown, headers: Record<string, string> = {}): Response {
  const request = currentRequest();
  const known = error instanceof AppError ? error : unexpectedAppError(error);
  if (known !== error) {
    // The logger describes it (describeError): class, code and message, never the data it quotes.
    if (known.code === "database_unavailable") log.warn({ error }, "The database did not answer a route handler");
    else log.error({ error }, "Unexpected error in a route handler");
  }
  if (request) request.errorCode = known.code;
  const body = {
    code: known.code,
    message: known.message,
    ...(known.fields ? { fields: known.fields } : {}),
    ...(request ? { requestId: request.requestId } : {}),
  };
  return Response.json({ error: body }, { status: known.status, headers: { ...headers, ...known.headers } });
}
