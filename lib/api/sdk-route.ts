import type { z } from "zod";
import { isUuid } from "@/lib/uuid";
import type { Connection } from "@/db/schema";
import { countSdkCall } from "@/db/queries/sdk-state";
import { hashSecretKey, isSecretKey } from "@/lib/auth/secret-keys";
import { bearerToken, userIdProblem, UserTokenError, verifyUserToken } from "@/lib/auth/user-token";
import type { AuditActor } from "@/lib/audit/audit-log";
import type { RequestCaller } from "@/lib/connections/request";
import { AppError, type ErrorCode, invalidInputError } from "@/lib/errors";
import { currentProjectState, lastKnownProjectState, type ProjectSdkState, projectStateAt } from "@/lib/projects/sdk-state";
import { handleApiError } from "./errors";
import { observeRoute, type RouteContext } from "./observe";
import { readJsonObject } from "./request-body";

/** Connect API calls one Connected User may make by User Token per project and minute. */
export const SDK_RATE_LIMIT = { requests: 120, windowSeconds: 60 } as const;

export interface SdkContext {
  request: Request;
  /** The project as of the configuration revision this call read (caches keyed by it are current). */
  project: ProjectSdkState["project"];
  /** The User Token's sub, or with a Secret Key the X-Switchboard-User header (absent when not sent). */
  userId: string | undefined;
  /** Which kind of credential authenticated the call: a User Token may act only for its own user. */
  caller: RequestCaller;
  /** Who the Audit Log names for a change this call makes: the Secret Key, or the User Token's Connected User. */
  actor: AuditActor;
  /**
   * The user's connection to the path's resource, read in the call's one statement (null: none);
   * undefined when the call names no resource or no user. Read before the handler runs: what
   * writes it must still match the row (see upsertConnection).
   */
  connection: Connection | null | undefined;
}

/** A Connect API route: its pattern (the folder under app/, e.g. `/projects/[projectId]/sdk/me`: the metrics' route label) and the methods it answers. */
export interface SdkEndpoint {
  route: string;
  methods: string;
  /** Request headers a browser may send besides the Connect API's (CORS), e.g. MCP's `mcp-protocol-version`. */
  allowHeaders?: string;
}

/** A handler's answer with a status (and headers) of its own choosing (see `withStatus`); any other answer is sent with 200. */
export class SdkAnswer {
  constructor(
    readonly status: number,
    /** Sent as JSON; undefined sends no body. */
    readonly body: unknown,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {}
}

/**
 * Answers `body` with `status` instead of 200, e.g. `return withStatus(202, { runIds })`, and
 * `headers` besides the route's own (a Response step's answer; undefined `body` sends none). A
 * class, not a `{ status, body }` object, so that no body a handler answers (the request API's
 * `{ status, headers, body }`) is ever mistaken for one.
 */
export function withStatus(status: number, body: unknown, headers?: Readonly<Record<string, string>>): SdkAnswer {
  return new SdkAnswer(status, body, headers);
}

/**
 * An SdkAnswer as sent. The CORS headers are the route's and set last, so no header a handler
 * answers replaces them; a browser caller may read the answer's own headers (they are exposed).
 */
function answerResponse(answer: SdkAnswer, cors: Record<string, string>): Response {
  const headers = new Headers(answer.headers);
  for (const [name, value] of Object.entries(cors)) headers.set(name, value);
  const own = Object.keys(answer.headers);
  if (own.length && cors["access-control-expose-headers"])
    headers.set("access-control-expose-headers", [cors["access-control-expose-headers"], ...own].join(", "));
  return answer.body === undefined
    ? new Response(null, { status: answer.status, headers })
    : Response.json(answer.body, { status: answer.status, headers });
}

const projectNotFound = () => new AppError("project_not_found");

/** What a browser call from an origin that is not an Allowed Origin hears (403 origin_not_allowed). */
export const originNotAllowedMessage = (origin: string) =>
  `${origin} is not an Allowed Origin of this project. Add it in Settings → Signing Keys → Allowed Origins.`;

/** What a User Token hears on the configuration API, which takes a Secret Key only (403 secret_key_required). */
export const SECRET_KEY_ONLY_MESSAGE =
  "This API takes a Secret Key (Settings → Secret Keys): a User Token cannot read or change a project's configuration.";

/** What a Secret Key call naming an unacceptable user hears (400 invalid_user); `problem` is userIdProblem's. */
export const invalidSwitchboardUserMessage = (problem: string) => `X-Switchboard-User ${problem}.`;

/** What a call over its rate limit hears (429 rate_limited): a Secret Key call counts in the project's window, a User Token's in its user's. */
export const rateLimitedMessage = (caller: RequestCaller["kind"], limit: number) =>
  caller === "backend"
    ? `Too many requests with this project's Secret Keys: at most ${limit} a minute.`
    : `Too many requests for this user: at most ${limit} a minute.`;

/** CORS for browser calls: only the project's Allowed Origins get an answer they may read. */
function corsHeaders(
  origin: string | null,
  allowedOrigins: readonly string[],
  { methods, allowHeaders }: Pick<SdkEndpoint, "methods" | "allowHeaders">,
): Record<string, string> {
  if (!origin) return {};
  if (!allowedOrigins.includes(origin)) {
    throw new AppError("origin_not_allowed", { message: originNotAllowedMessage(origin) });
  }
  return {
    "access-control-allow-origin": origin,
    "access-control-allow-methods": methods,
    "access-control-allow-headers": `authorization, content-type, x-switchboard-user, x-request-id${allowHeaders ? `, ${allowHeaders}` : ""}`,
    "access-control-max-age": "600",
    "access-control-expose-headers": "retry-after, x-request-id",
    vary: "Origin",
  };
}

function projectIdOf(params: Record<string, string>): string {
  const projectId = params.projectId ?? "";
  if (!isUuid(projectId)) throw projectNotFound();
  return projectId;
}

interface Authenticated {
  caller: RequestCaller;
  /** The rate-limit window the call counts in, and its limit. */
  /** Who the audit log names for what the call changes. */
  actor: AuditActor;
  rateKey: string;
  limit: number;
  secretKeyId: string | null;
}

/** Which credentials a route takes: a User Token, also a Secret Key, or a Secret Key alone. */
type Accepts = "user_token" | "user_token_or_secret_key" | "secret_key";

/**
 * Who is calling: a Connected User by User Token (limited per user), or (where `accepts`
 * allows) the team's backend by Secret Key, naming the user in X-Switchboard-User — or, on the
 * configuration routes, acting for no user (Secret Key calls share the project's limit).
 */
async function authenticate(request: Request, state: ProjectSdkState, accepts: Accepts): Promise<Authenticated> {
  const token = bearerToken(request.headers.get("authorization"));
  if (!token) throw new AppError(accepts === "secret_key" ? "missing_secret_key" : "missing_user_token");
  if (accepts === "secret_key" && !isSecretKey(token)) {
    throw new AppError("secret_key_required", { message: SECRET_KEY_ONLY_MESSAGE });
  }
  const projectId = state.project.id;
  if (accepts !== "user_token" && isSecretKey(token)) {
    const key = state.secretKeys.get(hashSecretKey(token));
    if (!key) throw new AppError("invalid_secret_key");
    const backend = {
      actor: { kind: "api", secretKeyId: key.id, secretKeyName: key.name },
      rateKey: `sdk:${projectId}:secret-keys`,
      limit: state.secretKeyRateLimit,
      secretKeyId: key.id,
    } satisfies Partial<Authenticated>;
    if (accepts === "secret_key") return { caller: { kind: "backend", userId: undefined }, ...backend };
    const userId = request.headers.get("x-switchboard-user")?.trim() || undefined;
    // The same rules as a User Token's sub: the ID is stored and looked up as text.
    const problem = userId === undefined ? undefined : userIdProblem(userId);
    if (problem) throw new AppError("invalid_user", { message: invalidSwitchboardUserMessage(problem) });
    return { caller: { kind: "backend", userId }, ...backend };
  }
  try {
    const { userId } = await verifyUserToken(token, { projectId, keys: state.signingKeys });
    return {
      caller: { kind: "user_token", userId },
      actor: { kind: "connected_user", userId },
      rateKey: `sdk:${projectId}:${userId}`,
      limit: SDK_RATE_LIMIT.requests,
      secretKeyId: null,
    };
  } catch (error) {
    if (error instanceof UserTokenError) throw new AppError("invalid_user_token", { message: error.message });
    throw error;
  }
}

/** What a path id that is not a UUID answers (it never reaches the database): a code, or a code with the route's own message. */
export type NotFound = ErrorCode | { code: ErrorCode; message: string };

/** A route's JSON body, read by `readJsonObject`. */
export interface JsonBody {
  /** What the object must hold: its issues answer 400 `invalid` (see invalidInputError). Without one the handler gets the object as sent. */
  schema?: z.ZodType;
  invalid?: ErrorCode;
  /** invalid_body's message when the body is not one JSON object (by default: a connect body's keys). */
  notAnObject?: string;
  maxBytes?: number;
}

/**
 * What a route takes besides its credentials, checked in this order once the caller is admitted
 * and counted, before its handler runs: its path ids, its query string (each parameter's first
 * value; issues answer 400 invalid_input), its JSON body.
 */
export interface RouteInput {
  ids?: Readonly<Record<string, NotFound>>;
  query?: z.ZodType;
  body?: JsonBody;
}

/** A route's declared input as its handler receives it, typed. */
export interface Input<I extends RouteInput> {
  ids: I extends { ids: infer Ids } ? { readonly [K in keyof Ids]: string } : Record<never, string>;
  query: I extends { query: infer Q extends z.ZodType } ? z.output<Q> : undefined;
  body: I extends { body: { schema: infer B extends z.ZodType } }
    ? z.output<B>
    : I extends { body: JsonBody }
      ? Record<string, unknown>
      : undefined;
}

type Handler<C> = (context: C) => Promise<unknown>;
type RouteHandler = (request: Request, context: RouteContext) => Promise<Response>;
type UserContext = SdkContext & { userId: string };

/**
 * Wraps a Connect API route handler: the project must exist, a browser caller's origin
 * must be allowed, the caller must authenticate (see `authenticate`), and stay within the
 * rate limit; then the route's `input` is checked (see `RouteInput`). Every error answers as
 * `{ error: { code, message, requestId } }`; each request is counted, timed and logged under
 * `endpoint.route` (see `observeRoute`). E.g.
 * `sdkRoute(ENDPOINT, { ids: { resourceId: "resource_not_found" }, body: {} }, ({ ids, body }) => …)`.
 */
export function sdkRoute<const I extends RouteInput>(
  endpoint: SdkEndpoint,
  input: I,
  handler: Handler<UserContext & Input<I>>,
): RouteHandler;
export function sdkRoute(endpoint: SdkEndpoint, handler: Handler<UserContext>): RouteHandler;
export function sdkRoute(endpoint: SdkEndpoint, ...declared: Declared) {
  return wrap(endpoint, "user_token", ...declared);
}

/** Like `sdkRoute`, also accepting the project's Secret Keys (server-to-server calls). */
export function sdkServerRoute<const I extends RouteInput>(
  endpoint: SdkEndpoint,
  input: I,
  handler: Handler<SdkContext & Input<I>>,
): RouteHandler;
export function sdkServerRoute(endpoint: SdkEndpoint, handler: Handler<SdkContext>): RouteHandler;
export function sdkServerRoute(endpoint: SdkEndpoint, ...declared: Declared) {
  return wrap(endpoint, "user_token_or_secret_key", ...declared);
}

/** A route for the team's backend only (the configuration API): a Secret Key, never a User Token. */
export function secretKeyRoute<const I extends RouteInput>(
  endpoint: SdkEndpoint,
  input: I,
  handler: Handler<SdkContext & Input<I>>,
): RouteHandler;
export function secretKeyRoute(endpoint: SdkEndpoint, handler: Handler<SdkContext>): RouteHandler;
export function secretKeyRoute(endpoint: SdkEndpoint, ...declared: Declared) {
  return wrap(endpoint, "secret_key", ...declared);
}

/** The overloads' arguments after the endpoint: a handler, or what the route takes and its handler. */
// The handlers' contexts are checked by the overloads; here any handler takes the wrapper's context.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Declared = [handler: Handler<any>] | [input: RouteInput, handler: Handler<any>];

/** The route's declared input, read from the request (see `RouteInput`). */
async function readInput(
  request: Request,
  params: Record<string, string>,
  { ids = {}, query, body }: RouteInput,
): Promise<{ ids: Record<string, string>; query: unknown; body: unknown }> {
  const checked: Record<string, string> = {};
  for (const [name, notFound] of Object.entries(ids)) {
    const id = params[name];
    if (!isUuid(id))
      throw typeof notFound === "string" ? new AppError(notFound) : new AppError(notFound.code, { message: notFound.message });
    checked[name] = id;
  }
  let queried: unknown;
  if (query) {
    const values = new Map<string, string>();
    for (const [name, value] of new URL(request.url).searchParams) if (!values.has(name)) values.set(name, value);
    // Object.fromEntries defines own properties, so a `__proto__` parameter is a parameter like any other.
    const parsed = query.safeParse(Object.fromEntries(values));
    if (!parsed.success) throw invalidInputError(parsed.error);
    queried = parsed.data;
  }
  let read: unknown;
  if (body) {
    const object = await readJsonObject(request, body.notAnObject, body.maxBytes);
    if (body.schema) {
      const parsed = body.schema.safeParse(object);
      if (!parsed.success) throw invalidInputError(parsed.error, body.invalid);
      read = parsed.data;
    } else read = object;
  }
  return { ids: checked, query: queried, body: read };
}

/**
 * The project's origins, keys and limits come from this process's cache; the call's one
 * statement (the rate-limit count, with the user's connection to the path's resource for the
 * routes that use it) reads the project's configuration revision, and a cache
 * older than it is read again before anything is answered — so a revoked key, a removed
 * origin or an unpublished resource take effect at the next call in every process. A call the
 * cache refuses is checked against the revision first: the cache may predate a new key.
 */
function wrap(endpoint: SdkEndpoint, accepts: Accepts, ...declared: Declared): RouteHandler {
  const [input, handler] = declared.length === 1 ? [{}, declared[0]] : declared;
  return observeRoute(endpoint.route, async (request: Request, context: RouteContext): Promise<Response> => {
    let cors: Record<string, string> = {};
    try {
      const params = await context.params;
      const projectId = projectIdOf(params);
      const admit = async (state: ProjectSdkState | undefined) => {
        if (!state) throw projectNotFound();
        cors = corsHeaders(request.headers.get("origin"), state.allowedOrigins, endpoint);
        return { state, auth: await authenticate(request, state, accepts) };
      };
      let admitted;
      try {
        admitted = await admit(await lastKnownProjectState(projectId));
      } catch (error) {
        if (!(error instanceof AppError)) throw error;
        admitted = await admit(await currentProjectState(projectId));
      }
      const { userId } = admitted.auth.caller;
      const connectionOf = userId !== undefined && isUuid(params.resourceId) ? { resourceId: params.resourceId, userId } : undefined;
      const counted = await countSdkCall({
        projectId,
        key: admitted.auth.rateKey,
        windowSeconds: SDK_RATE_LIMIT.windowSeconds,
        secretKeyId: admitted.auth.secretKeyId,
        connectionOf,
      });
      if (!counted) throw projectNotFound();
      if (counted.revision > admitted.state.revision) admitted = await admit(await projectStateAt(projectId, counted.revision));
      const { state, auth } = admitted;
      if (counted.count > auth.limit) {
        throw new AppError("rate_limited", {
          message: rateLimitedMessage(auth.caller.kind, auth.limit),
          headers: { "retry-after": String(Math.max(1, Math.ceil((counted.resetsAt.getTime() - Date.now()) / 1000))) },
        });
      }
      const answer = await handler({
        request,
        project: state.project,
        userId: auth.caller.userId,
        caller: auth.caller,
        actor: auth.actor,
        connection: connectionOf ? counted.connection : undefined,
        ...(await readInput(request, params, input)),
      });
      if (answer instanceof SdkAnswer) return answerResponse(answer, cors);
      if (answer instanceof Response) {
        // A handler that answers for itself (the MCP endpoint's transport): the route's CORS headers still apply.
        for (const [name, value] of Object.entries(cors)) answer.headers.set(name, value);
        return answer;
      }
      return Response.json(answer, { headers: cors });
    } catch (error) {
      return handleApiError(error, cors);
    }
  });
}

/** Answers a CORS preflight for the project's Allowed Origins only. */
export function sdkPreflight(endpoint: SdkEndpoint) {
  return observeRoute(endpoint.route, async (request: Request, context: RouteContext): Promise<Response> => {
    const state = await currentProjectState(projectIdOf(await context.params));
    if (!state) throw projectNotFound();
    const origin = request.headers.get("origin");
    if (!origin) throw new AppError("not_a_preflight");
    return new Response(null, { status: 204, headers: corsHeaders(origin, state.allowedOrigins, endpoint) });
  });
}
