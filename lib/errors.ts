import type { z } from "zod";

/**
 * Every error Switchboard answers with, by code: its HTTP status and the message it says
 * when the throw site has nothing more precise. Throw sites, the HTTP and action adapters
 * and the OpenAPI document all read this table, so a code cannot drift from its status or
 * its documentation.
 */
export const ERROR_CATALOGUE = {
  invalid_input: { status: 400, message: "The input is not valid." },
  invalid_request: { status: 400, message: "The request body is not a valid request." },
  invalid_json: { status: 400, message: "The body is not valid JSON." },
  invalid_body: { status: 400, message: "The body must be a JSON object of the resource's required keys." },
  invalid_event: { status: 400, message: 'The body is not a valid event: send { "name", "payload" }.' },
  invalid_credentials_payload: { status: 400, message: "Some keys of the body are missing, unknown or not strings." },
  missing_user: { status: 400, message: "Name the Connected User in the X-Switchboard-User header." },
  invalid_user: { status: 400, message: "X-Switchboard-User is at most 255 characters, with no control characters." },
  not_a_preflight: { status: 400, message: "A preflight request names its Origin." },
  resource_not_ready: { status: 400, message: "Finish the Request Details step first." },
  invalid_openapi_document: { status: 400, message: "This is not an OpenAPI 3.0 or 3.1 document that can be imported." },
  workflow_not_deployable: { status: 400, message: "This workflow cannot be deployed yet." },
  invalid_webhook: {
    status: 400,
    message: "The webhook body cannot be read by this resource's Event type, User matching or Event ID templates.",
  },
  invalid_signature: { status: 401, message: "The webhook's signature does not verify." },
  missing_user_token: { status: 401, message: "Send the User Token as Authorization: Bearer <token>." },
  invalid_user_token: { status: 401, message: "The User Token is not valid." },
  missing_secret_key: { status: 401, message: "Send a Secret Key as Authorization: Bearer sk_…" },
  invalid_secret_key: { status: 401, message: "The Secret Key is unknown or revoked." },
  not_signed_in: { status: 401, message: "Your session has ended. Sign in again." },
  invalid_metrics_token: { status: 401, message: "Send the metrics token (SWITCHBOARD_METRICS_TOKEN) as Authorization: Bearer <token>." },
  origin_not_allowed: { status: 403, message: "This origin is not an Allowed Origin of this project." },
  owner_only: { status: 403, message: "Only the project owner can do this." },
  resource_editor_only: { status: 403, message: "Only an Owner or Admin can change resources." },
  secret_key_required: {
    status: 403,
    message: "This is an App-Level resource: only your backend, with a Secret Key, may send requests with the app's credentials.",
  },
  project_not_found: { status: 404, message: "No project has this ID." },
  resource_not_found: { status: 404, message: "No published resource with this ID in this project." },
  connection_not_found: { status: 404, message: "This user has no connection to this resource." },
  tool_not_found: { status: 404, message: "This user has no tool with this name." },
  workflow_not_found: { status: 404, message: "No workflow with this ID in this project." },
  run_not_found: { status: 404, message: "No run with this ID in this project." },
  webhook_event_not_found: { status: 404, message: "No event with this ID was received by this resource." },
  metrics_disabled: { status: 404, message: "Metrics are off: set SWITCHBOARD_METRICS_TOKEN to serve them." },
  notification_endpoint_not_found: { status: 404, message: "No notification endpoint with this ID in this project." },
  notification_delivery_not_found: { status: 404, message: "No delivery with this ID in this project." },
  test_connection_missing: { status: 409, message: "Save test credentials first." },
  app_level_resource: {
    status: 409,
    message: "This is an App-Level resource: it uses the app's credentials, so users do not connect to it.",
  },
  resource_in_use: { status: 409, message: "This resource is used by deployed workflows." },
  workflow_not_deployed: { status: 409, message: "This workflow has no deployed version: deploy it first." },
  workflow_disabled: { status: 409, message: "This workflow is disabled for this user." },
  wrong_trigger: { status: 409, message: "This workflow is not started this way: its trigger is another kind." },
  run_not_failed: { status: 409, message: "Only a failed run can be retried from its failed step." },
  run_already_finished: { status: 409, message: "This run has already finished." },
  notification_endpoint_disabled: { status: 409, message: "This endpoint is disabled: enable it first." },
  too_many_notification_endpoints: { status: 409, message: "This project has as many notification endpoints as it may: delete one first." },
  name_taken: { status: 409, message: "A resource with this name already exists in this project." },
  email_taken: { status: 409, message: "An account with this email already exists. Sign in instead." },
  profile_value_taken: {
    status: 409,
    message: "Another user's connection to this resource already holds this User Profile value, and its webhooks match users on it.",
  },
  connect_portal_unsupported: {
    status: 409,
    message:
      "The Connect Portal runs User-Level OAuth 2.0 Authorization Code and API Keys resources; this resource's users connect with tokens your app obtains (connectAction).",
  },
  connect_session_not_found: { status: 404, message: "This connect link is not valid. Go back to the app and start again." },
  connect_session_expired: { status: 410, message: "This connect link has expired. Go back to the app and start again." },
  connect_session_used: { status: 410, message: "This connect link has already been used. Go back to the app and start again." },
  oauth_state_invalid: {
    status: 400,
    message: "This sign-in answer does not match a sign-in started here, or it was already used. Go back to the app and start again.",
  },
  oauth_browser_mismatch: {
    status: 400,
    message: "This sign-in was started in another browser (or its cookie is gone). Start again from the app in this browser.",
  },
  authorization_denied: { status: 400, message: "The sign-in was not completed: the API did not authorize access." },
  validation_failed: { status: 422, message: "The API did not accept these credentials: nothing was stored." },
  method_not_allowed: { status: 405, message: "This endpoint does not answer this method." },
  payload_too_large: { status: 413, message: "The body is too large." },
  unsupported_media_type: { status: 415, message: "Send the body as JSON, with Content-Type: application/json." },
  credentials_rejected: { status: 422, message: "The API refused these credentials." },
  missing_variable: { status: 422, message: "A variable of the request has no value, so it was not sent." },
  profile_unverified: {
    status: 422,
    message: "The access token's User Profile cannot be trusted: neither the API nor the resource's JWKS URL vouched for it.",
  },
  invalid_profile: { status: 422, message: "The access token's User Profile claim cannot be kept." },
  reconnect_needed: { status: 424, message: "This connection is no longer valid: the user must connect again." },
  rate_limited: { status: 429, message: "Too many requests." },
  too_many_waits: {
    status: 429,
    message:
      "This user already waits for as many runs as they may with ?wait=true: wait for one to finish, or start the run without waiting.",
  },
  internal_error: { status: 500, message: "Something went wrong on our side." },
  upstream_unreachable: { status: 502, message: "The API could not be reached." },
  token_refresh_failed: { status: 502, message: "The access token could not be refreshed. The connection is kept as it was." },
  token_exchange_failed: { status: 502, message: "The API's token endpoint did not exchange the authorization code for tokens." },
  profile_request_failed: { status: 502, message: "The User Profile could not be fetched." },
  refresh_in_progress: { status: 503, message: "The access token is being refreshed; try again shortly." },
  database_unavailable: { status: 503, message: "Switchboard's database is not answering; try again in a few seconds." },
} as const satisfies Record<string, { status: number; message: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** What went wrong with a call to the team's API, for a person to act on (Test and Publish shows it). */
export interface CallFailure {
  kind: "configuration" | "token_endpoint" | "network" | "api";
  /** The token endpoint's status and body, or the API's, masked. */
  status?: number;
  body?: string;
  oauthError?: string;
  /** The request as sent, secrets masked, when it got that far. */
  request?: { method: string; url: string; headers: [string, string][]; body: string | undefined };
}

/** The one error type domain code throws; adapters turn it into an HTTP body or an action result. */
export class AppError extends Error {
  override name = "AppError";
  readonly code: ErrorCode;
  /** Per field (a dotted path): what is wrong with it. */
  readonly fields?: Record<string, string>;
  /** Response headers the error needs (Retry-After). */
  readonly headers?: Record<string, string>;
  readonly failure?: CallFailure;

  constructor(
    code: ErrorCode,
    options: { message?: string; fields?: Record<string, string>; headers?: Record<string, string>; failure?: CallFailure } = {},
  ) {
    super(options.message ?? ERROR_CATALOGUE[code].message);
    this.code = code;
    this.fields = options.fields;
    this.headers = options.headers;
    this.failure = options.failure;
  }

  get status(): number {
    return ERROR_CATALOGUE[this.code].status;
  }
}

/** What one zod issue says about fields: each key a strict object does not know is a field of its own ("Unknown field."). */
export function issueProblems(issue: z.core.$ZodIssue): { path: PropertyKey[]; message: string }[] {
  return issue.code === "unrecognized_keys"
    ? issue.keys.map((key) => ({ path: [...issue.path, key], message: "Unknown field." }))
    : [{ path: issue.path, message: issue.message }];
}

/**
 * A zod failure as an AppError: the first message of each field, each key a strict object does
 * not know as a field of its own, and issues without a path as the message.
 */
export function invalidInputError(error: z.ZodError, code: ErrorCode = "invalid_input", message?: string): AppError {
  // A Map, then Object.fromEntries: a `__proto__` key is named, not swallowed by a plain object's setter.
  const fields = new Map<string, string>();
  let formMessage: string | undefined;
  for (const issue of error.issues) {
    for (const problem of issueProblems(issue)) {
      const field = problem.path.map(String).join(".");
      if (!field && issue.code !== "unrecognized_keys") formMessage ??= problem.message;
      else if (!fields.has(field)) fields.set(field, problem.message);
    }
  }
  return new AppError(code, {
    message: message ?? formMessage ?? ERROR_CATALOGUE[code].message,
    ...(fields.size ? { fields: Object.fromEntries(fields) } : {}),
  });
}

/** What every server action answers; forms map fieldErrors to fields and formError to the form. */
export type ActionResult<T = undefined> = { ok: true; data: T } | { ok: false; fieldErrors?: Record<string, string[]>; formError?: string };

/** The action adapter: an AppError as an action result, its fields per field and its message unless the fields say it all. */
export function actionErrorResult(error: AppError): ActionResult<never> {
  if (!error.fields) return { ok: false, formError: error.message };
  const fieldErrors = Object.fromEntries(Object.entries(error.fields).map(([field, message]) => [field, [message]]));
  const saysMore = error.message !== ERROR_CATALOGUE[error.code].message;
  return { ok: false, fieldErrors, ...(saysMore ? { formError: error.message } : {}) };
}

const SAFE_NAME = /^[A-Za-z_$][\w$.]{0,63}$/;
// SQLSTATEs (22021), Node's and undici's codes (ECONNRESET, UND_ERR_SOCKET), postgres.js's
// (CONNECTION_CLOSED): identifiers, never data.
const SAFE_CODE = /^[A-Z0-9_]{1,64}$/;
const MAX_MESSAGE = 300;
const MAX_CAUSES = 4;

/** What may be logged or kept about an unexpected error (describeError). */
export interface ErrorDescription {
  /** The error's class or name ("object" for a thrown plain object, "string", "undefined"…). */
  type: string;
  /** A system, driver or SQLSTATE code. */
  code?: string;
  message?: string;
  /** A plain object without a message: the names of its fields. */
  fields?: string[];
  cause?: ErrorDescription;
}

// An opening quote: " or `, or ' not inside a word (an apostrophe is); a closing one likewise.
const OPENING_QUOTE = /["`\u201c\u2018]|(?<![\p{L}\p{N}])'/u;
const CLOSING_QUOTE = /["`\u201d\u2019]|'(?![\p{L}\p{N}])/gu;

/**
 * A message as it may be logged: its first line (drizzle's second says `params: …`), with
 * everything from the first opening quote to the last closing one cut out — PostgreSQL
 * (`invalid input syntax for type uuid: "…"`), JSON.parse (an excerpt of the body) and fetch
 * (`"…" is an invalid header value`) quote the data they refuse — URLs without their user info
 * and query, and at most 300 characters. A drizzle query's line (`ourQuery`) keeps its quotes:
 * they are identifiers, every value being a parameter.
 */
function loggableMessage(message: string, ourQuery = false): string | undefined {
  let line = message.split("\n", 1)[0]!;
  const open = ourQuery ? null : OPENING_QUOTE.exec(line);
  if (open) {
    let close = -1;
    for (const match of line.slice(open.index + 1).matchAll(CLOSING_QUOTE)) close = open.index + 1 + match.index;
    line = close < 0 ? `${line.slice(0, open.index)}"…` : `${line.slice(0, open.index)}"…"${line.slice(close + 1)}`;
  }
  line = line.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@]*@/gi, "$1…@").replace(/(\b[a-z][a-z0-9+.-]*:\/\/[^\s?#]*)[?#]\S*/gi, "$1?…");
  line = line.trim();
  if (!line) return undefined;
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE)}…` : line;
}

/** drizzle's "Failed query: <sql>\nparams: …": its first line is our SQL (every value a parameter), its quotes identifiers. */
function isDrizzleQueryError(fields: { message?: unknown; params?: unknown }): boolean {
  return Array.isArray(fields.params) && typeof fields.message === "string" && fields.message.startsWith("Failed query: ");
}

function safeCode(value: unknown): string | undefined {
  return typeof value === "string" && SAFE_CODE.test(value)
    ? value
    : typeof value === "number" && Number.isInteger(value)
      ? String(value)
      : undefined;
}

/**
 * What may be logged about anything thrown: its class (an Error's name, else its class's name
 * unless a bundler shortened it), its code, its message (loggableMessage) and its causes; for a
 * plain object (pg-boss emits errors spread into one) its `name`, `code` and `message` fields,
 * or the names of its fields. Never a stack, a thrown string's text, or a field's value beyond
 * those: drizzle's params, PostgreSQL's DETAIL and a request's body stay out.
 */
export function describeError(error: unknown, depth = 0): ErrorDescription {
  if (error === null || typeof error !== "object") return { type: error === null ? "null" : typeof error };
  const fields = error as { name?: unknown; code?: unknown; message?: unknown; params?: unknown; cause?: unknown; errors?: unknown };
  const className = error.constructor?.name;
  const type =
    typeof fields.name === "string" && fields.name !== "Error" && SAFE_NAME.test(fields.name)
      ? fields.name
      : error instanceof Error
        ? // Minified class names (Next's server bundle) say nothing: "e".
          className && className.length > 2 && SAFE_NAME.test(className)
          ? className
          : "Error"
        : "object";
  const description: ErrorDescription = { type };
  const code = safeCode(fields.code);
  if (code) description.code = code;
  const message = typeof fields.message === "string" ? loggableMessage(fields.message, isDrizzleQueryError(fields)) : undefined;
  if (message) description.message = message;
  if (!(error instanceof Error) && !message && !code) {
    description.fields = Object.keys(error)
      .filter((key) => SAFE_NAME.test(key))
      .slice(0, 10);
  }
  // Node's connect() to a name with several addresses throws an AggregateError of each address's error, with no message.
  const cause = fields.cause ?? (Array.isArray(fields.errors) ? fields.errors[0] : undefined);
  if (cause !== undefined && depth < MAX_CAUSES) description.cause = describeError(cause, depth + 1);
  return description;
}

/** describeError on one line, for what is kept beside a failed job: "DrizzleQueryError: Failed query: … ← Error (ECONNREFUSED): connect ECONNREFUSED 127.0.0.1:5432". */
export function describeUnexpectedError(error: unknown): string {
  const parts: string[] = [];
  for (let description: ErrorDescription | undefined = describeError(error); description; description = description.cause) {
    const head = description.code ? `${description.type} (${description.code})` : description.type;
    parts.push(description.message ? `${head}: ${description.message}` : head);
  }
  return parts.join(" ← ");
}
