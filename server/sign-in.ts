import "server-only";
// The Next.js adapter of signing in: reads the client address of this request for lib/auth's
// limits and writes the session cookie that next-auth reads (server/auth-options.ts).
import { encode } from "next-auth/jwt";
import { cookies, headers } from "next/headers";
import { clientAddressFromHeaders } from "@/lib/auth/client-address";
import { verifyCredentials, type VerifyCredentialsResult } from "@/lib/auth/credentials";
import type { SignInInput } from "@/lib/auth/schema";
import { getAuthSecret } from "@/lib/auth/secret";
import type { SessionUser } from "@/lib/auth/session-user";
import { SESSION_MAX_AGE_SECONDS } from "./auth-options";

/** The address this request comes from, as the per-address limits count it (see clientAddressFromHeaders). */
export async function requestClientAddress(): Promise<string> {
  return clientAddressFromHeaders(await headers());
}

/** The origin this request was sent to, which a callbackUrl must stay on. */
export async function requestOrigin(): Promise<string> {
  const requestHeaders = await headers();
  const host = (requestHeaders.get("x-forwarded-host") ?? requestHeaders.get("host"))?.split(",")[0]?.trim() || "localhost";
  const protocol = requestHeaders.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https" ? "https" : "http";
  return `${protocol}://${host}`;
}

// next-auth's rule (core/init.ts, with NEXTAUTH_URL as the origin): secure cookies, with the
// __Secure- prefix, when NEXTAUTH_URL is https.
function secureCookies(): boolean {
  return process.env.NEXTAUTH_URL?.startsWith("https://") ?? false;
}

/** The name next-auth reads the session token from. */
export function sessionCookieName(): string {
  return `${secureCookies() ? "__Secure-" : ""}next-auth.session-token`;
}

/** Signs `user` in on this response: a session token as next-auth would have issued it. */
export async function startSession(user: SessionUser): Promise<void> {
  // next-auth's token for a credentials sign-in: sub and email (the session callback reads both).
  const token = await encode({ token: { sub: user.id, email: user.email }, secret: getAuthSecret(), maxAge: SESSION_MAX_AGE_SECONDS });
  (await cookies()).set(sessionCookieName(), token, {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: secureCookies(),
    maxAge: SESSION_MAX_AGE_SECONDS,
  });
}

/** Checks an email and password from this request's address; on success the session starts. */
export async function signInWithPassword(input: SignInInput): Promise<VerifyCredentialsResult> {
  const result = await verifyCredentials({ ...input, clientAddress: await requestClientAddress() });
  if (result.ok) await startSession(result.user);
  return result;
}
