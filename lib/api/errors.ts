import { AppError, describeUnexpectedError } from "@/lib/errors";

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
