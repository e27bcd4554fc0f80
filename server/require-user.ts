import "server-only";
import { notFound, redirect } from "next/navigation";
import type { SessionUser } from "@/lib/auth/session-user";
import { getSessionUser } from "@/server/session";
import { getProjectAccess } from "@/lib/projects/access";

/** The signed-in user; anyone else is sent to sign in. */
export async function requireUser(): Promise<SessionUser> {
  const user = await getSessionUser();
  if (!user) redirect("/sign-in");
  return user;
}

/** The signed-in user's access to a project; a project they are not a member of does not exist (404). */
export async function requireProjectAccess(projectId: string) {
  const user = await requireUser();
  const membership = await getProjectAccess(user, projectId);
  if (!membership) notFound();
  return { user, ...membership };
}
