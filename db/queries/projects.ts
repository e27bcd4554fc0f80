import "server-only";
import { and, asc, eq, ne } from "drizzle-orm";
import { getDb, type Transaction } from "../client";
import { projectMembers, projects, users, type Project, type ProjectRole } from "../schema";
import { type AuditActor, recordAuditEvent } from "./audit-events";

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

type ProjectSettings = Partial<Pick<Project, "name" | "allowPrivateNetwork" | "allowedOrigins" | "secretKeyRateLimit">>;

/**
 * Changes the project's own settings (its name, network setting, allowed origins) and records
 * which of them changed — names only — in the same transaction.
 */
async function updateProjectSettings({
  projectId,
  actor,
  set,
}: {
  projectId: string;
  actor: AuditActor;
  set: ProjectSettings;
}): Promise<void> {
  const db = await getDb();
  await db.transaction(async (tx) => {
    const [before] = await tx.select().from(projects).where(eq(projects.id, projectId)).for("update");
    if (!before) return;
    const [after] = await tx.update(projects).set(set).where(eq(projects.id, projectId)).returning();
    const changes = (Object.keys(set) as (keyof ProjectSettings)[]).filter(
      (key) => JSON.stringify(before[key]) !== JSON.stringify(after![key]),
    );
    if (changes.length) {
      await recordAuditEvent(tx, {
        projectId,
        actor,
        action: "project.updated",
        object: { type: "project", id: projectId, name: after!.name },
        changes,
      });
    }
  });
}

export async function renameProject({ projectId, name, actor }: { projectId: string; name: string; actor: AuditActor }): Promise<void> {
  await updateProjectSettings({ projectId, actor, set: { name } });
}

export async function setAllowPrivateNetwork({
  projectId,
  allow,
  actor,
}: {
  projectId: string;
  allow: boolean;
  actor: AuditActor;
}): Promise<void> {
  await updateProjectSettings({ projectId, actor, set: { allowPrivateNetwork: allow } });
}

export async function setAllowedOrigins({
  projectId,
  origins,
  actor,
}: {
  projectId: string;
  origins: string[];
  actor: AuditActor;
}): Promise<void> {
  await updateProjectSettings({ projectId, actor, set: { allowedOrigins: origins } });
}

export async function setSecretKeyRateLimit({
  projectId,
  limit,
  actor,
}: {
  projectId: string;
  limit: number;
  actor: AuditActor;
}): Promise<void> {
  await updateProjectSettings({ projectId, actor, set: { secretKeyRateLimit: limit } });
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

export async function addProjectMember({
  projectId,
  email,
  actor,
}: {
  projectId: string;
  email: string;
  actor: AuditActor;
}): Promise<AddMemberResult> {
  const db = await getDb();
  return db.transaction(async (tx): Promise<AddMemberResult> => {
    const [user] = await tx.select({ id: users.id, email: users.email }).from(users).where(eq(users.email, email)).limit(1);
    if (!user) return { ok: false, reason: "no-such-user" };
    const inserted = await tx
      .insert(projectMembers)
      .values({ projectId, userId: user.id, role: "member" })
      .onConflictDoNothing()
      .returning({ userId: projectMembers.userId });
    if (!inserted.length) return { ok: false, reason: "already-member" };
    await recordAuditEvent(tx, { projectId, actor, action: "member.added", object: { type: "member", id: user.id, name: user.email } });
    return { ok: true };
  });
}

export type RemoveMemberResult = { ok: true } | { ok: false; reason: "not-a-member" | "owner" };

/** A member's role and email, read inside the transaction that changes the membership. */
async function memberOf(tx: Transaction, { projectId, userId }: { projectId: string; userId: string }) {
  const [member] = await tx
    .select({ role: projectMembers.role, email: users.email })
    .from(projectMembers)
    .innerJoin(users, eq(users.id, projectMembers.userId))
    .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, userId)));
  return member;
}

/** Removes a member. The owner stays: a project always has the person who created it. */
export async function removeProjectMember({
  projectId,
  userId,
  actor,
}: {
  projectId: string;
  userId: string;
  actor: AuditActor;
}): Promise<RemoveMemberResult> {
  const db = await getDb();
  return db.transaction(async (tx): Promise<RemoveMemberResult> => {
    const member = await memberOf(tx, { projectId, userId });
    if (!member) return { ok: false, reason: "not-a-member" };
    if (member.role === "owner") return { ok: false, reason: "owner" };
    const deleted = await tx
      .delete(projectMembers)
      .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, userId), ne(projectMembers.role, "owner")))
      .returning({ userId: projectMembers.userId });
    if (!deleted.length) return { ok: false, reason: "not-a-member" };
    await recordAuditEvent(tx, { projectId, actor, action: "member.removed", object: { type: "member", id: userId, name: member.email } });
    return { ok: true };
  });
}

export type SetMemberRoleResult = { ok: true } | { ok: false; reason: "not-a-member" | "owner" };

/** Makes a member an admin or a member again (audited). The owner's role stays: a project always has its owner. */
export async function setProjectMemberRole({
  projectId,
  userId,
  role,
  actor,
}: {
  projectId: string;
  userId: string;
  role: Exclude<ProjectRole, "owner">;
  actor: AuditActor;
}): Promise<SetMemberRoleResult> {
  const db = await getDb();
  return db.transaction(async (tx): Promise<SetMemberRoleResult> => {
    const member = await memberOf(tx, { projectId, userId });
    if (!member) return { ok: false, reason: "not-a-member" };
    if (member.role === "owner") return { ok: false, reason: "owner" };
    if (member.role === role) return { ok: true };
    const updated = await tx
      .update(projectMembers)
      .set({ role })
      .where(and(eq(projectMembers.projectId, projectId), eq(projectMembers.userId, userId), ne(projectMembers.role, "owner")))
      .returning({ userId: projectMembers.userId });
    if (!updated.length) return { ok: false, reason: "not-a-member" };
    await recordAuditEvent(tx, {
      projectId,
      actor,
      action: "member.role_changed",
      object: { type: "member", id: userId, name: member.email },
      changes: [`role: ${member.role} → ${role}`],
    });
    return { ok: true };
  });
}
