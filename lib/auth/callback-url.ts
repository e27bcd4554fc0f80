/** Where a user goes after signing in when the link names nowhere, or nowhere safe. */
export const DEFAULT_CALLBACK_URL = "/";

/**
 * The page to go to after sign-in, as a path on this origin, so that a crafted link cannot
 * send a user elsewhere. The value is resolved the way a browser would (WHATWG URL: tabs and
 * newlines dropped, backslashes read as slashes, `//host` as another host), and followed only
 * when it lands on `origin`; its path, query and fragment are kept. Anything else, and a path
 * that a browser would read as `//host` again, gives the default.
 */
export function safeCallbackUrl(value: string | null | undefined, origin: string): string {
  if (!value) return DEFAULT_CALLBACK_URL;
  let url: URL;
  try {
    url = new URL(value, origin);
    if (url.origin !== new URL(origin).origin) return DEFAULT_CALLBACK_URL;
  } catch {
    return DEFAULT_CALLBACK_URL;
  }
  // `/.//evil.example` resolves to the path `//evil.example`, which as a Location is another host.
  if (url.pathname.startsWith("//")) return DEFAULT_CALLBACK_URL;
  return `${url.pathname}${url.search}${url.hash}`;
}
