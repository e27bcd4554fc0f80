import "server-only";
// The Connect Portal's route handlers answer a browser, not an API client: a refusal is a small
// page in words (with its status), never JSON; a cookie is read from the request itself.
import { AppError } from "@/lib/errors";

const ESCAPES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };
const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (char) => ESCAPES[char]!);

/** A page saying what went wrong, with the error's status; no script, nothing from the request but the error's own words. */
export function portalErrorPage(error: AppError, headers: HeadersInit = {}): Response {
  const title = error.status === 410 ? "This link can no longer be used" : error.status === 404 ? "Link not found" : "Could not connect";
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>${escapeHtml(title)} · Switchboard</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem;color:#0f172a}p{color:#334155;line-height:1.5}</style>
</head><body><main><h1>${escapeHtml(title)}</h1><p role="alert">${escapeHtml(error.message)}</p>
<p>Nothing was stored. You can close this window.</p></main></body></html>`;
  const response = new Response(html, {
    status: error.status,
    headers: { "content-type": "text/html; charset=utf-8", "cache-control": "no-store", "referrer-policy": "no-referrer" },
  });
  for (const [name, value] of new Headers(headers)) response.headers.append(name, value);
  return response;
}

/** One cookie of the request, by name (the last one sent wins, as browsers send the most specific path first). */
export function requestCookie(request: Request, name: string): string | undefined {
  let found: string | undefined;
  for (const part of (request.headers.get("cookie") ?? "").split(";")) {
    const index = part.indexOf("=");
    if (index < 0 || part.slice(0, index).trim() !== name) continue;
    found ??= part.slice(index + 1).trim();
  }
  return found;
}

/** A Set-Cookie header that deletes a cookie of the callback's path. */
export function clearedCallbackCookie(name: string): string {
  return `${name}=; Path=/oauth/callback; Max-Age=0; HttpOnly; SameSite=Lax`;
}
