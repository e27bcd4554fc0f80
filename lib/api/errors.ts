import { AppError, describeUnexpectedError } from "@/lib/errors";
import { log } from "@/lib/log";
import { currentRequest } from "./request-context";

/**
 * Every route's one way to answer an error: AppErrors as the catalogue says, anything else as a
 * logged 500 without details. The body names the request's id (`requestId`) when answered
 * within a route request (`observeRoute`).
 */
export function handleApiError(error: unknown, headers: Record<string, string> = {}): Response {
  const request = currentRequest();
  const known = error instanceof AppError ? error : new AppError("internal_error");
  if (known !== error) {
    // Never the error itself: its message or fields may quote request data (describeUnexpectedError).
    log.error({ error: describeUnexpectedError(error) }, "Unexpected error in a route handler");
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
