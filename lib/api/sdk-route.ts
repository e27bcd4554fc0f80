import { z } from "zod";
import { getProjectForSdk } from "@/db/queries/projects";
import { countRequest } from "@/db/queries/rate-limits";
import { listActiveSigningKeys } from "@/db/queries/signing-keys";
import { findActiveSecretKey } from "@/db/queries/secret-keys";
import { hashSecretKey, isSecretKey } from "@/lib/auth/secret-keys";
import { bearerToken, userIdProblem, UserTokenError, verifyUserToken } from "@/lib/auth/user-token";
import type { AuditActor } from "@/lib/audit/audit-log";
import type { RequestCaller } from "@/lib/connections/request";
import { AppError } from "@/lib/errors";
import { handleApiError } from "./errors";

/** Connect API calls one Connected User may make per project and minute. */
export const SDK_RATE_LIMIT = { requests: 120, windowSeconds: 60 } as const;

export interface SdkContext {
  request: Request;
  project: { id: string; allowPrivateNetwork: boolean };
  /** The User Token's sub, or with a Secret Key the X-Switchboard-User header (absent when not sent). */
  userId: string | undefined;
  /** Which kind of credential authenticated the call: a User Token may act only for its own user. */
  caller: RequestCaller;
  /** Who the Audit Log names for a change this call makes: the Secret Key, or the User Token's Connected User. */
  actor: AuditActor;
  params: Record<string, string>;
}

type RouteContext = { params: Promise<Record<string, string>> };

/** A handler's answer with a status of its own choosing (see `withStatus`); any other answer is sent with 200. */
export class SdkAnswer {
  constructor(
    readonly status: number,
    readonly body: unknown,
  ) {}
}

/**
 * Answers `body` with `status` instead of 200, e.g. `return withStatus(202, { runIds })`. A class,
 * not a `{ status, body }` object, so that no body a handler answers (the request API's
 * `{ status, headers, body }`) is ever mistaken for one.
 */
export function withStatus(status: number, body: unknown): SdkAnswer {
  return new SdkAnswer(status, body);
}

const projectNotFound = () => new AppError("project_not_found");

/** CORS for browser calls: only the project's Allowed Origins get an answer they may read. */
function corsHeaders(origin: string | null, allowedOrigins: readonly string[], methods: string): Record<string, string> {
  if (!origin) return {};
  if (!allowedOrigins.includes(origin)) {
    throw new AppError("origin_not_allowed", {
      message: `${origin} is not an Allowed Origin of this project. Add it in Settings → Signing Keys → Allowed Origins.`,
    });
  }
  return {
    "access-control-allow-origin": origin,
    "access-control-allow-methods": methods,
    "access-control-allow-headers": "authorization, content-type, x-switchboard-user",
    "access-control-max-age": "600",
    "access-control-expose-headers": "retry-after",
    vary: "Origin",
  };
}

async function loadProject(params: Record<string, string>) {
  const projectId = params.projectId ?? "";
  if (!z.uuid().safeParse(projectId).success) throw projectNotFound();
  const project = await getProjectForSdk({ projectId });
  if (!project) throw projectNotFound();
  return project;
}

/**
 * Who is calling: a Connected User by User Token, or (where `secretKeys` allows) the team's
 * backend by Secret Key, naming the user in X-Switchboard-User.
 */
async function authenticate(
  request: Request,
  projectId: string,
  secretKeys: boolean,
): Promise<{ caller: RequestCaller; actor: AuditActor; rateKey: string }> {
  const token = bearerToken(request.headers.get("authorization"));
  if (!token) throw new AppError("missing_user_token");
  if (secretKeys && isSecretKey(token)) {
    const key = await findActiveSecretKey({ projectId, hash: hashSecretKey(token) });
    if (!key) throw new AppError("invalid_secret_key");
    const userId = request.headers.get("x-switchboard-user")?.trim() || undefined;
    // The same rules as a User Token's sub: the ID is stored and looked up as text.
    const problem = userId === undefined ? undefined : userIdProblem(userId);
    if (problem) throw new AppError("invalid_user", { message: `X-Switchboard-User ${problem}.` });
    return {
      caller: { kind: "backend", userId },
      actor: { kind: "api", secretKeyId: key.id, secretKeyName: key.name },
      rateKey: userId ?? `secret-key:${key.id}`,
    };
  }
  try {
    const { userId } = await verifyUserToken(token, { projectId, keys: await listActiveSigningKeys({ projectId }) });
    return { caller: { kind: "user_token", userId }, actor: { kind: "connected_user", userId }, rateKey: userId };
  } catch (error) {
    if (error instanceof UserTokenError) throw new AppError("invalid_user_token", { message: error.message });
    throw error;
  }
}

/**
 * Wraps a Connect API route handler: the project must exist, a browser caller's origin
 * must be allowed, the caller must authenticate (see `authenticate`), and stay within the
 * rate limit. Every error answers as `{ error: { code, message } }`.
 */
export function sdkRoute(methods: string, handler: (context: SdkContext & { userId: string }) => Promise<unknown>) {
  return wrap(methods, (context) => handler(context as SdkContext & { userId: string }), false);
}

/** Like `sdkRoute`, also accepting the project's Secret Keys (server-to-server calls). */
export function sdkServerRoute(methods: string, handler: (context: SdkContext) => Promise<unknown>) {
  return wrap(methods, handler, true);
}

function wrap(methods: string, handler: (context: SdkContext) => Promise<unknown>, secretKeys: boolean) {
  return async (request: Request, context: RouteContext): Promise<Response> => {
    let cors: Record<string, string> = {};
    try {
      const params = await context.params;
      const project = await loadProject(params);
      cors = corsHeaders(request.headers.get("origin"), project.allowedOrigins, methods);
      const { caller, actor, rateKey } = await authenticate(request, project.id, secretKeys);
      const { count, resetsAt } = await countRequest({ key: `sdk:${project.id}:${rateKey}`, windowSeconds: SDK_RATE_LIMIT.windowSeconds });
      if (count > SDK_RATE_LIMIT.requests) {
        throw new AppError("rate_limited", {
          message: `Too many requests for this user: at most ${SDK_RATE_LIMIT.requests} a minute.`,
          headers: { "retry-after": String(Math.max(1, Math.ceil((resetsAt.getTime() - Date.now()) / 1000))) },
        });
      }
      const answer = await handler({ request, project, userId: caller.userId, caller, actor, params });
      if (answer instanceof SdkAnswer) return Response.json(answer.body, { status: answer.status, headers: cors });
      return Response.json(answer, { headers: cors });
    } catch (error) {
      return handleApiError(error, cors);
    }
  };
}

/** Answers a CORS preflight for the project's Allowed Origins only. */
export function sdkPreflight(methods: string) {
  return async (request: Request, context: RouteContext): Promise<Response> => {
    try {
      const project = await loadProject(await context.params);
      const origin = request.headers.get("origin");
      if (!origin) throw new AppError("not_a_preflight");
      return new Response(null, { status: 204, headers: corsHeaders(origin, project.allowedOrigins, methods) });
    } catch (error) {
      return handleApiError(error);
    }
  };
}
