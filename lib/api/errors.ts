/** A client error from a route handler, answered as `{ error: { code, message, fields? } }`. */
export class ApiError extends Error {
  override name = "ApiError";
  readonly status: number;
  readonly code: string;
  readonly fields?: Record<string, string>;
  readonly headers?: Record<string, string>;

  constructor({
    status,
    code,
    message,
    fields,
    headers,
  }: {
    status: number;
    code: string;
    message: string;
    fields?: Record<string, string>;
    headers?: Record<string, string>;
  }) {
    super(message);
    this.status = status;
    this.code = code;
    this.fields = fields;
    this.headers = headers;
  }
}

/** Every route's one way to answer an error: ApiErrors as they say, anything else as a logged 500 without details. */
export function handleApiError(error: unknown, headers: Record<string, string> = {}): Response {
  if (error instanceof ApiError) {
    return Response.json(
      { error: { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}) } },
      { status: error.status, headers: { ...headers, ...error.headers } },
    );
  }
  // Log the error's name and message only: a stack or a cause may carry request data.
  console.error(`Unexpected error in a route handler: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  return Response.json({ error: { code: "internal_error", message: "Something went wrong on our side." } }, { status: 500, headers });
}
