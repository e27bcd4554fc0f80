import "server-only";
import { getProjectMembership, type ProjectMembership } from "@/db/queries/projects";
import type { SessionUser } from "@/lib/auth/session-user";
import { projectIdSchema } from "./schema";

/**
 * The user's membership of a project, or undefined when the project does not exist, the id
 * is malformed, or the user is not a member — callers answer all three the same way (404),
 * so that nobody learns which projects exist.
 */
export async function getProjectAccess(user: SessionUser, projectId: string): Promise<ProjectMembership | undefined> {
  if (!projectIdSchema.safeParse(projectId).success) return undefined;
  return getProjectMembership({ projectId, userId: user.id });
}
