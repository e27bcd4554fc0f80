import "server-only";
import { and, asc, eq } from "drizzle-orm";
import { getDb } from "../client";
import { projectMembers, projects, users, type Project, type ProjectRole } from "../schema";

export interface ProjectMembership {
  project: Project;
  role: ProjectRole;
}

export async function getProjectMembership({
  projectId,
  userId,
}: {
  projectId: string;
  userId: string;
}): Promise<ProjectMembership | undefined> {
  const db = await getDb();
  const [row] = await db
    .select({ project: projects, role: projectMembers.role })
    .from(projectMembers)
    .innerJoin(projects, eq(projects.id, projectMembers.projectId))
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, userId)))
    .limit(1);
  return row;
}

export async function listProjectsForUser({ userId }: { userId: string }) {
  const db = await getDb();
  return db
    .select({ id: projects.id, name: projects.name, role: projectMembers.role })
    .from(projectMembers)
    .innerJoin(projects, eq(projects.id, projectMembers.projectId))
    .where(eq(projectMembers.userId, userId))
    .orderBy(asc(projects.createdAt), asc(projects.id));
}

export async function createProject({ userId, name }: { userId: string; name: string }): Promise<Project> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const [project] = await tx.insert(projects).values({ name }).returning();
    await tx.insert(projectMembers).values({ projectId: project!.id, userId, role: "owner" });
    return project!;
  });
}

export async function renameProject({ projectId, name }: { projectId: string; name: string }): Promise<void> {
  const db = await getDb();
  await db.update(projects).set({ name }).where(eq(projects.id, projectId));
}

export async function setAllowPrivateNetwork({ projectId, allow }: { projectId: string; allow: boolean }): Promise<void> {
  const db = await getDb();
  await db.update(projects).set({ allowPrivateNetwork: allow }).where(eq(projects.id, projectId));
}

export async function setAllowedOrigins({ projectId, origins }: { projectId: string; origins: string[] }): Promise<void> {
  const db = await getDb();
  await db.update(projects).set({ allowedOrigins: origins }).where(eq(projects.id, projectId));
}

/** What the Connect API needs of a project on every call; undefined when there is no such project. */
export async function setSecretKeyRateLimit({ projectId, limit }: { projectId: string; limit: number }): Promise<void> {
  const db = await getDb();
  await db.update(projects).set({ secretKeyRateLimit: limit }).where(eq(projects.id, projectId));
}

export async function getProjectForSdk({ projectId }: { projectId: string }) {
  const db = await getDb();
  const [row] = await db
    .select({ id: projects.id, allowedOrigins: projects.allowedOrigins, allowPrivateNetwork: projects.allowPrivateNetwork })
    .from(projects)
    .where(eq(projects.id, projectId));
  return row;
}

export async function listProjectMembers({ projectId }: { projectId: string }) {
  const db = await getDb();
  return db
    .select({
      userId: users.id,
      email: users.email,
      role: projectMembers.role,
      createdAt: projectMembers.createdAt,
    })
    .from(projectMembers)
    .innerJoin(users, eq(users.id, projectMembers.userId))
    .where(eq(projectMembers.projectId, projectId))
    .orderBy(asc(projectMembers.createdAt), asc(users.email));
}

export type AddMemberResult = { ok: true } | { ok: false; reason: "no-such-user" | "already-member" };

export async function addProjectMember({ projectId, email }: { projectId: string; email: string }): Promise<AddMemberResult> {
  const db = await getDb();
  const [user] = await db.select({ id: users.id }).from(users).where(eq(users.email, email)).limit(1);
  if (!user) return { ok: false, reason: "no-such-user" };
  const inserted = await db
    .insert(projectMembers)
    .values({ projectId, userId: user.id, role: "member" })
    .onConflictDoNothing()
    .returning({ userId: projectMembers.userId });
  return inserted.length > 0 ? { ok: true } : { ok: false, reason: "already-member" };
}

export type RemoveMemberResult = { ok: true } | { ok: false; reason: "not-a-member" | "owner" };

/** Removes a member. The owner stays: a project always has the person who created it. */
export async function removeProjectMember({
  projectId,
  userId,
}: {
  projectId: string;
  userId: string;
}): Promise<RemoveMemberResult> {
  const db = await getDb();
  const [member] = await db
    .select({ role: projectMembers.role })
    .from(projectMembers)
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, userId)));
  if (!member) return { ok: false, reason: "not-a-member" };
  if (member.role === "owner") return { ok: false, reason: "owner" };
  await db
    .delete(projectMembers)
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, userId), eq(projectMembers.role, "member")));
  return { ok: true };
}
