import { getResource } from "@/db/queries/resources";
import { insertConnectSession } from "@/db/queries/connect-sessions";
import { originNotAllowedMessage } from "@/lib/api/sdk-route";
import { publicUrl } from "@/lib/config/env";
import type { RequestCaller } from "@/lib/connections/request";
import { AppError } from "@/lib/errors";
import { resourceSnapshot } from "@/lib/resources/runtime";
import { CONNECT_SESSION_TTL_MS, portalFlow } from "./flow";
import { hashToken, randomToken } from "./secrets";

/** What a connect session's creator hears: the portal's address for the user, and until when it works. */
export interface CreatedConnectSession {
  url: string;
  expiresAt: string;
}

/** What a User Token call without an Origin header hears (403 origin_not_allowed). */
export const ORIGIN_REQUIRED_MESSAGE =
  "Create a connect session from a page on one of the project's Allowed Origins (with a User Token, the page's Origin header is the session's origin), or from your backend with a Secret Key.";

/** What a User Token call naming an origin of its own hears (400 invalid_input). */
export const ORIGIN_FROM_HEADER_MESSAGE = "Only a Secret Key call names an origin: with a User Token, the page's own Origin is used.";

/**
 * The origin that alone hears a session's outcome. With a User Token: the calling page's Origin
 * (the Connect API's CORS check has already refused one that is not an Allowed Origin). With a
 * Secret Key: the body's `origin`, which must be an Allowed Origin, or none (a link session).
 */
export function connectSessionOrigin({
  caller,
  headerOrigin,
  bodyOrigin,
  allowedOrigins,
}: {
  caller: RequestCaller;
  headerOrigin: string | null;
  bodyOrigin: string | undefined;
  allowedOrigins: readonly string[];
}): string | null {
  if (caller.kind === "user_token") {
    if (bodyOrigin !== undefined && bodyOrigin !== headerOrigin)
      throw new AppError("invalid_input", { fields: { origin: ORIGIN_FROM_HEADER_MESSAGE } });
    if (!headerOrigin) throw new AppError("origin_not_allowed", { message: ORIGIN_REQUIRED_MESSAGE });
    if (!allowedOrigins.includes(headerOrigin))
      throw new AppError("origin_not_allowed", { message: originNotAllowedMessage(headerOrigin) });
    return headerOrigin;
  }
  if (bodyOrigin === undefined) return null;
  if (!allowedOrigins.includes(bodyOrigin)) throw new AppError("origin_not_allowed", { message: originNotAllowedMessage(bodyOrigin) });
  return bodyOrigin;
}

/**
 * Creates a single-use connect session for one user and one published resource the portal can
 * connect (404 unknown or unpublished, 409 App-Level or another kind), living `ttlMs` (10
 * minutes; a Reconnect link 24 hours). Only the token's hash is stored: the URL is answered once.
 */
export async function createConnectSession({
  projectId,
  resourceId,
  userId,
  origin,
  ttlMs = CONNECT_SESSION_TTL_MS,
  now = new Date(),
}: {
  projectId: string;
  resourceId: string;
  userId: string;
  origin: string | null;
  ttlMs?: number;
  now?: Date;
}): Promise<CreatedConnectSession> {
  const resource = await getResource({ projectId, resourceId });
  if (!resource?.published) throw new AppError("resource_not_found");
  if (resource.published.level === "app") throw new AppError("app_level_resource");
  if (!portalFlow(resource.published)) throw new AppError("connect_portal_unsupported");
  return insertSession({ projectId, resourceId, userId, origin, expiresAt: new Date(now.getTime() + ttlMs) });
}

async function insertSession(session: {
  projectId: string;
  resourceId: string;
  userId: string | null;
  origin: string | null;
  expiresAt: Date;
}): Promise<CreatedConnectSession> {
  const token = randomToken();
  await insertConnectSession({ ...session, tokenHash: hashToken(token) });
  return { url: `${publicUrl()}/connect/${token}`, expiresAt: session.expiresAt.toISOString() };
}

/**
 * Test and Publish's **Connect test account**: a single-use, 10-minute session for the resource's
 * test connection (no Connected User), over its DRAFT configuration (published or not), which
 * must be User-Level OAuth 2.0 Authorization Code. The outcome is told to Switchboard's own origin
 * (the dashboard that opened the popup). Only the dashboard's action makes one: the Connect API
 * makes Connected Users' sessions alone.
 */
export async function createTestConnectSession({
  projectId,
  resourceId,
  now = new Date(),
}: {
  projectId: string;
  resourceId: string;
  now?: Date;
}): Promise<CreatedConnectSession> {
  const resource = await getResource({ projectId, resourceId });
  if (!resource) throw new AppError("resource_not_found", { message: "Resource not found." });
  const draft = resourceSnapshot(resource, "draft");
  if (!draft) throw new AppError("resource_not_ready");
  if (draft.level === "app") throw new AppError("app_level_resource");
  if (portalFlow(draft) !== "authorization_code")
    throw new AppError("connect_portal_unsupported", {
      message: "Connect test account runs the Authorization Code sign-in: enter this resource's test credentials instead.",
    });
  return insertSession({
    projectId,
    resourceId,
    userId: null,
    origin: new URL(publicUrl()).origin,
    expiresAt: new Date(now.getTime() + CONNECT_SESSION_TTL_MS),
  });
}
