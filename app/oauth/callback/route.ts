// GET /oauth/callback — where an Authorization Code resource's API sends the user back from its sign-in.
import { observeRoute } from "@/lib/api/observe";
import { completeAuthorization } from "@/lib/connect-portal/portal";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { clearedCallbackCookie, portalErrorPage, requestCookie } from "@/server/portal-responses";

export const dynamic = "force-dynamic";

export const GET = observeRoute("/oauth/callback", async (request: Request): Promise<Response> => {
  let result;
  try {
    result = await completeAuthorization({
      query: new URL(request.url).searchParams,
      cookie: (name) => requestCookie(request, name),
    });
  } catch (error) {
    log.error({ error }, "Unexpected error in the OAuth callback");
    return portalErrorPage(new AppError("internal_error"));
  }
  const cleared: HeadersInit = result.clearCookie ? [["set-cookie", clearedCallbackCookie(result.clearCookie)]] : [];
  if (result.kind === "refused") return portalErrorPage(result.error, cleared);
  const headers = new Headers(cleared);
  // The outcome page says it in words and tells the opener (at the session's origin only).
  headers.set("location", `/connect/outcome/${result.sessionId}`);
  headers.set("cache-control", "no-store");
  headers.set("referrer-policy", "no-referrer");
  return new Response(null, { status: 303, headers });
});
