// POST /connect/:session/authorize — Continue: send the user to the resource's Authorization URL.
import { observeRoute } from "@/lib/api/observe";
import { beginAuthorization } from "@/lib/connect-portal/portal";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { portalErrorPage } from "@/server/portal-responses";
import { getSessionUser } from "@/server/session";

export const dynamic = "force-dynamic";

const MAX_FORM_BYTES = 64 * 1024;

export const POST = observeRoute<{ session: string }>("/connect/[session]/authorize", async (request, { params }): Promise<Response> => {
  const { session: token } = await params;
  try {
    // A form on another site cannot start a sign-in here.
    const site = request.headers.get("sec-fetch-site");
    if (site && site !== "same-origin" && site !== "none")
      throw new AppError("invalid_request", { message: "Continue from the portal's own page." });
    if (Number(request.headers.get("content-length") ?? 0) > MAX_FORM_BYTES) throw new AppError("payload_too_large");
    const form = await request.formData().catch(() => undefined);
    if (!form) throw new AppError("invalid_request", { message: "Continue sends a form." });
    const inputs: Record<string, string> = {};
    for (const [name, value] of form) if (typeof value === "string" && !name.startsWith("$")) inputs[name] = value;
    const { location, cookie } = await beginAuthorization({ token, inputs, dashboardUser: getSessionUser });
    const headers = new Headers({ location, "cache-control": "no-store", "referrer-policy": "no-referrer" });
    headers.append(
      "set-cookie",
      `${cookie.name}=${cookie.value}; Path=${cookie.path}; Max-Age=${cookie.maxAge}; HttpOnly; SameSite=Lax${cookie.secure ? "; Secure" : ""}`,
    );
    return new Response(null, { status: 303, headers });
  } catch (error) {
    if (error instanceof AppError) return portalErrorPage(error);
    log.error({ error }, "Unexpected error in the Connect Portal's Continue");
    return portalErrorPage(new AppError("internal_error"));
  }
});
