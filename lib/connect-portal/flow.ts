import type { PublishedResource } from "@/lib/resources/config";

/** How the Connect Portal connects a user to a resource: the OAuth redirect, or a form for keys. */
export type PortalFlow = "authorization_code" | "api_keys";

/**
 * The portal's flow for a published resource: User-Level OAuth 2.0 Authorization Code, or
 * User-Level API Keys; undefined for anything else (Refresh Token and Client Credentials users
 * connect with tokens the team's app obtains; App-Level resources have no users to connect).
 */
export function portalFlow(published: Pick<PublishedResource, "level" | "authType" | "grantType">): PortalFlow | undefined {
  if (published.level !== "user") return undefined;
  if (published.authType === "api_keys") return "api_keys";
  if (published.authType === "oauth2" && published.grantType === "authorization_code") return "authorization_code";
  return undefined;
}

/** A popup's session lives 10 minutes; a Reconnect link's 24 hours. */
export const CONNECT_SESSION_TTL_MS = 10 * 60 * 1000;
export const RECONNECT_LINK_TTL_MS = 24 * 60 * 60 * 1000;
