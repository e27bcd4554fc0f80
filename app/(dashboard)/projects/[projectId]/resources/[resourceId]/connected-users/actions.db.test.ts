import { randomUUID } from "node:crypto";
import { and, count, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { setAllowPrivateNetwork } from "@/db/queries/projects";
import { createUserWithProject } from "@/db/queries/users";
import { connections, connectSessions } from "@/db/schema";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";
import { hashToken } from "@/lib/connect-portal/secrets";
import { openPortalPage } from "@/lib/connect-portal/portal";
import { connectUser } from "@/lib/connections/connect";
import { getSessionUser } from "@/server/session";
import { startTaskLab, TASKLAB_DEFAULT_API_KEY, type TaskLab } from "@/test/fixtures/tasklab";
import { publishedUserApiKeysResource } from "@/test/support/connect-portal-fixtures";
import { createReconnectLink } from "./actions";

// Connected Users' Reconnect link: a member makes a 24-hour Connect Portal link for an INVALID
// connection's user; a valid connection, or someone outside the project, gets none.

vi.mock("@/server/session", () => ({ getSessionUser: vi.fn(async () => null) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

let tasklab: TaskLab;
let projectId: string;
let owner: { id: string; email: string };
let stranger: { id: string; email: string };
let resourceId: string;

async function account(name: string) {
  const email = `${name}-${randomUUID()}@example.test`;
  const created = (await createUserWithProject({ email, passwordHash: "x", projectName: name }))!;
  return { user: { id: created.user.id, email }, projectId: created.projectId };
}
const signedInAs = (user: { id: string; email: string }) => vi.mocked(getSessionUser).mockResolvedValue(user);

async function connected(userId: string, status: "VALID" | "INVALID") {
  await connectUser({
    project: { id: projectId, allowPrivateNetwork: true },
    resourceId,
    userId,
    body: { api_key: TASKLAB_DEFAULT_API_KEY },
    actor: SYSTEM_ACTOR,
  });
  const db = await getDb();
  await db
    .update(connections)
    .set({ status, invalidReason: status === "INVALID" ? "the API answered 401 five times" : null })
    .where(and(eq(connections.resourceId, resourceId), eq(connections.userId, userId)));
}

async function sessionsOf(userId: string): Promise<number> {
  const db = await getDb();
  const [row] = await db.select({ value: count() }).from(connectSessions).where(eq(connectSessions.userId, userId));
  return row!.value;
}

beforeAll(async () => {
  // The link is built from the public URL, which a PostgreSQL deployment must configure.
  vi.stubEnv("NEXTAUTH_URL", "https://switchboard.test");
  tasklab = await startTaskLab();
  const created = await account("owner");
  owner = created.user;
  projectId = created.projectId;
  stranger = (await account("stranger")).user;
  await setAllowPrivateNetwork({ projectId, allow: true, actor: SYSTEM_ACTOR });
  resourceId = await publishedUserApiKeysResource(projectId, tasklab);
}, 120_000);
afterAll(async () => {
  vi.unstubAllEnvs();
  await tasklab.close();
});

describe("Reconnect link", () => {
  it("makes a 24-hour link (no origin) for an INVALID connection, which opens the portal for that user", async () => {
    await connected("broken", "INVALID");
    signedInAs(owner);
    const before = Date.now();
    const result = await createReconnectLink({ projectId, resourceId, userId: "broken" });
    if (!result.ok) throw new Error(JSON.stringify(result));
    const token = result.data.url.split("/connect/")[1]!;
    const expiresIn = new Date(result.data.expiresAt).getTime() - before;
    expect(expiresIn).toBeGreaterThan(23.9 * 60 * 60 * 1000);
    expect(expiresIn).toBeLessThanOrEqual(24 * 60 * 60 * 1000 + 5000);
    const db = await getDb();
    const [row] = await db
      .select()
      .from(connectSessions)
      .where(eq(connectSessions.tokenHash, hashToken(token)));
    expect(row).toMatchObject({ projectId, resourceId, userId: "broken", origin: null, usedAt: null });
    expect(await openPortalPage(token)).toMatchObject({ resourceId, flow: "api_keys" });
  });

  it("refuses a valid connection, an unknown user and a non-member, creating no session", async () => {
    await connected("fine", "VALID");
    signedInAs(owner);
    expect(await createReconnectLink({ projectId, resourceId, userId: "fine" })).toMatchObject({
      ok: false,
      formError: expect.any(String),
    });
    expect(await createReconnectLink({ projectId, resourceId, userId: "nobody" })).toMatchObject({ ok: false });
    await connected("other-broken", "INVALID");
    signedInAs(stranger);
    expect(await createReconnectLink({ projectId, resourceId, userId: "other-broken" })).toMatchObject({ ok: false });
    expect(await sessionsOf("fine")).toBe(0);
    expect(await sessionsOf("nobody")).toBe(0);
    expect(await sessionsOf("other-broken")).toBe(0);
  });
});
