import "server-only";
// The Next.js adapter of dashboard sessions: next-auth reads the session cookie of this request.
import { getServerSession } from "next-auth";
import { connection } from "next/server";
import { findUserById } from "@/db/queries/users";
import type { SessionUser } from "@/lib/auth/session-user";
import { getAuthOptions } from "./auth-options";

/**
 * The signed-in user, or null. The session cookie alone is not enough: the account must
 * still exist.
 */
export async function getSessionUser(): Promise<SessionUser | null> {
  // A session belongs to a request: this also keeps `next build` from rendering pages that
  // need one (and from reading the auth secret) ahead of time.
  await connection();
  const session = await getServerSession(getAuthOptions());
  const userId = session?.user?.id;
  if (!userId) return null;
  const user = await findUserById({ userId });
  return user ? { id: user.id, email: user.email } : null;
}
