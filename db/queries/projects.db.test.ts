import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getProjectAccess } from "@/lib/projects/access";
import {
  addProjectMember,
  createProject,
  getProjectMembership,
  listProjectMembers,
  listProjectsForUser,
  removeProjectMember,
  renameProject,
} from "./projects";
import { createUserWithProject, findUserByEmail } from "./users";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";

async function newAccount(prefix: string) {
  const email = `${prefix}-${randomUUID()}@example.test`;
  const created = await createUserWithProject({ email, passwordHash: "hash", projectName: "My project" });
  if (!created) throw new Error("account not created");
  return { ...created, email };
}

describe("accounts and projects", () => {
  it("a new account owns its first project", async () => {
    const { user, projectId } = await newAccount("owner");
    expect(await listProjectsForUser({ userId: user.id })).toEqual([{ id: projectId, name: "My project", role: "owner" }]);
    expect((await getProjectMembership({ projectId, userId: user.id }))?.role).toBe("owner");
  });

  it("an email is taken once, and a failed sign-up leaves no project behind", async () => {
    const { email, user } = await newAccount("taken");
    expect(await createUserWithProject({ email, passwordHash: "other", projectName: "Second" })).toBeUndefined();
    expect((await findUserByEmail({ email }))?.id).toBe(user.id);
    expect(await listProjectsForUser({ userId: user.id })).toHaveLength(1);
  });

  it("concurrent sign-ups with one email create one account", async () => {
    const email = `race-${randomUUID()}@example.test`;
    const results = await Promise.all(
      Array.from({ length: 5 }, () => createUserWithProject({ email, passwordHash: "hash", projectName: "My project" })),
    );
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it("creates and renames projects", async () => {
    const { user } = await newAccount("creator");
    const project = await createProject({ userId: user.id, name: "Second API" });
    await renameProject({ projectId: project.id, name: "Renamed API", actor: SYSTEM_ACTOR });
    expect((await listProjectsForUser({ userId: user.id })).map((p) => p.name)).toEqual(["My project", "Renamed API"]);
  });

  it("adds a registered user as a member once, and removes members but never the owner", async () => {
    const owner = await newAccount("owner");
    const other = await newAccount("member");

    expect(await addProjectMember({ projectId: owner.projectId, email: "nobody@example.test", actor: SYSTEM_ACTOR })).toEqual({
      ok: false,
      reason: "no-such-user",
    });
    expect(await addProjectMember({ projectId: owner.projectId, email: other.email, actor: SYSTEM_ACTOR })).toEqual({ ok: true });
    expect(await addProjectMember({ projectId: owner.projectId, email: other.email, actor: SYSTEM_ACTOR })).toEqual({
      ok: false,
      reason: "already-member",
    });
    expect((await listProjectMembers({ projectId: owner.projectId })).map((m) => [m.email, m.role])).toEqual([
      [owner.email, "owner"],
      [other.email, "member"],
    ]);

    expect(await removeProjectMember({ projectId: owner.projectId, userId: owner.user.id, actor: SYSTEM_ACTOR })).toEqual({
      ok: false,
      reason: "owner",
    });
    expect(await removeProjectMember({ projectId: owner.projectId, userId: other.user.id, actor: SYSTEM_ACTOR })).toEqual({ ok: true });
    expect(await removeProjectMember({ projectId: owner.projectId, userId: other.user.id, actor: SYSTEM_ACTOR })).toEqual({
      ok: false,
      reason: "not-a-member",
    });
    expect(await getProjectMembership({ projectId: owner.projectId, userId: other.user.id })).toBeUndefined();
  });

  it("gives no access to a non-member, an unknown project or a malformed id", async () => {
    const owner = await newAccount("owner");
    const stranger = await newAccount("stranger");
    const sessionUser = { id: stranger.user.id, email: stranger.email };
    expect(await getProjectAccess(sessionUser, owner.projectId)).toBeUndefined();
    expect(await getProjectAccess(sessionUser, randomUUID())).toBeUndefined();
    expect(await getProjectAccess(sessionUser, "1 or 1=1")).toBeUndefined();
    expect((await getProjectAccess(sessionUser, stranger.projectId))?.role).toBe("owner");
  });
});
