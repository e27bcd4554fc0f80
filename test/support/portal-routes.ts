import * as authorizeRoute from "@/app/connect/[session]/authorize/route";
import * as callbackRoute from "@/app/oauth/callback/route";
import * as connectSessionsRoute from "@/app/projects/[projectId]/sdk/connect-sessions/route";
import { serveRoutes } from "./route-http";

/**
 * The Connect Portal's route handlers over real HTTP: the Connect API's connect-sessions, the
 * popup's Continue, and the OAuth callback.
 */
export function servePortalRoutes(): ReturnType<typeof serveRoutes> {
  return serveRoutes([
    { pattern: /^\/projects\/(?<projectId>[^/]+)\/sdk\/connect-sessions$/, handlers: connectSessionsRoute as never },
    { pattern: /^\/connect\/(?<session>[^/]+)\/authorize$/, handlers: authorizeRoute as never },
    { pattern: /^\/oauth\/callback$/, handlers: callbackRoute as never },
  ]);
}
