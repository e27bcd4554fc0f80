import { z } from "zod";
import { getProjectForSdk } from "@/db/queries/projects";
import { countRequest } from "@/db/queries/rate-limits";
import { listActiveSigningKeys } from "@/db/queries/signing-keys";
import { bearerToken, UserTokenError, verifyUserToken } from "@/lib/auth/user-token";
import { ApiError, handleApiError } from "./errors";

/** Connect API calls one Connected User may make per project and minute. */
export const SDK_RATE_LIMIT = { requests: 120, windowSeconds: 60 } as const;

export interface SdkContext {
  request: Request;
  project: { id: string; allowPrivateNetwork: boolean };
  userId: string;
  params: Record<string, string>;
}

type RouteContext = { params: Promise<Record<string, string>> };

const projectNotFound = () => new ApiError({ status: 404, code: "project_not_found", message: "No project has this ID." });

/** CORS for browser calls: only the project's Allowed Origins get an answer they may read. */
function corsHeaders(origin: string | null, allowedOrigins: readonly string[], methods: string): Record<string, string> {
  if (!origin) return {};
  if (!allowedOrigins.includes(origin)) {
    throw new ApiError({
      status: 403,
      code: "origin_not_allowed",
      message: `${origin} is not an Allowed Origin of this project. Add it in Settings → Signing Keys → Allowed Origins.`,
    });
  }
  return {
    "access-control-allow-origin": origin,
    "access-control-allow-methods": methods,
    "access-control-allow-headers": "authorization, content-type",
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
 * Wraps a Connect API route handler: the project must exist, a browser caller's origin
 * must be allowed, the User Token must verify against the project's signing keys, and the
 * user must be within the rate limit. Every error answers as `{ error: { code, message } }`.
 */
export function sdkRoute(methods: string, handler: (context: SdkContext) => Promise<unknown>) {
  return async (request: Request, context: RouteContext): Promise<Response> => {
    let cors: Record<string, string> = {};
    try {
      const params = await context.params;
      const project = await loadProject(params);
      cors = corsHeaders(request.headers.get("origin"), project.allowedOrigins, methods);
      const token = bearerToken(request.headers.get("authorization"));
      if (!token) throw new ApiError({ status: 401, code: "missing_user_token", message: "Send the User Token as Authorization: Bearer <token>." });
      let userId: string;
      try {
        ({ userId } = await verifyUserToken(token, { projectId: project.id, keys: await listActiveSigningKeys({ projectId: project.id }) }));
      } catch (error) {
        if (error instanceof UserTokenError) throw new ApiError({ status: 401, code: "invalid_user_token", message: error.message });
        throw error;
      }
      const { count, resetsAt } = await countRequest({ key: `sdk:${project.id}:${userId}`, windowSeconds: SDK_RATE_LIMIT.windowSeconds });
      if (count > SDK_RATE_LIMIT.requests) {
        throw new ApiError({
          status: 429,
          code: "rate_limited",
          message: `Too many requests for this user: at most ${SDK_RATE_LIMIT.requests} a minute.`,
          headers: { "retry-after": String(Math.max(1, Math.ceil((resetsAt.getTime() - Date.now()) / 1000))) },
        });
      }
      const body = await handler({ request, project, userId, params });
      return Response.json(body, { headers: cors });
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
      if (!origin) throw new ApiError({ status: 400, code: "not_a_preflight", message: "A preflight request names its Origin." });
      return new Response(null, { status: 204, headers: corsHeaders(origin, project.allowedOrigins, methods) });
    } catch (error) {
      return handleApiError(error);
    }
  };
}
