import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";
import { randomUUID } from "node:crypto";
import { eq, like, sql } from "drizzle-orm";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { getDb } from "@/db/client";
import { addProjectMember, setSecretKeyRateLimit } from "@/db/queries/projects";
import { deleteEndedRateLimitWindows } from "@/db/queries/rate-limits";
import { createSecretKey } from "@/db/queries/secret-keys";
import { createUserWithProject } from "@/db/queries/users";
import { projects, rateLimitWindows } from "@/db/schema";
import { projectWithSigningKey, signUserToken } from "@/test/support/connect-fixtures";
import { generateSecretKey } from "@/lib/auth/secret-keys";
import { getSessionUser } from "@/server/session";
import { setSecretKeyRateLimit as setSecretKeyRateLimitAction } from "@/app/(dashboard)/projects/[projectId]/settings/actions";
import { POST as connect } from "@/app/projects/[projectId]/sdk/resources/[resourceId]/connect/route";
import { POST as request } from "@/app/projects/[projectId]/sdk/resources/[resourceId]/request/route";

// Rate limits that fit the caller: a project's Secret Keys (its backend) share one window of the
// project's limit (a setting), a User Token's user has a window of their own (120 a minute).
// The windows are rows every process counts in, with one statement per call.

vi.mock("@/server/session", () => ({ getSessionUser: vi.fn(async () => null) }));
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));

let project: Awaited<ReturnType<typeof projectWithSigningKey>>;
let secretKey: string;
/** A resource id no resource has: calls are counted, then answer 404. */
const noResource = randomUUID();

beforeAll(async () => {
  project = await projectWithSigningKey();
  const generated = generateSecretKey();
  await createSecretKey({
    projectId: project.projectId,
    name: "backend",
    prefix: generated.prefix,
    hash: generated.hash,
    actor: SYSTEM_ACTOR,
  });
  secretKey = generated.key;
});
beforeEach(() => vi.mocked(getSessionUser).mockReset());

function call(route: typeof request, path: "request" | "connect", token: string, user?: string) {
  const url = `http://switchboard.test/projects/${project.projectId}/sdk/resources/${noResource}/${path}`;
  const headers: Record<string, string> = {
    authorization: `Bearer ${token}`,
    "content-type": "application/json",
    ...(user ? { "x-switchboard-user": user } : {}),
  };
  return route(new Request(url, { method: "POST", headers, body: JSON.stringify({ method: "GET", path: "/tasks" }) }), {
    params: Promise.resolve({ projectId: project.projectId, resourceId: noResource }),
  });
}

describe("Connect API rate limits", () => {
  it("counts every Secret Key call of the project, whichever user it names, against the project's limit", async () => {
    await setSecretKeyRateLimit({ projectId: project.projectId, limit: 3, actor: SYSTEM_ACTOR });
    const statuses = [];
    for (const user of ["ada", "grace", "linus"]) statuses.push((await call(request, "request", secretKey, user)).status);
    expect(statuses).toEqual([404, 404, 404]);

    const limited = await call(request, "request", secretKey, "someone-else");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({
      error: { code: "rate_limited", message: "Too many requests with this project's Secret Keys: at most 3 a minute." },
    });

    // A User Token's user has a window of their own: the project's Secret Key window does not hold them back.
    const sub = `user-${randomUUID()}`;
    const token = await signUserToken(project.key.privateKeyPem, { claims: { sub } });
    expect((await call(connect, "connect", token)).status).toBe(404);

    // One row for the project's Secret Keys, one for the user: not one per named user.
    const db = await getDb();
    const keys = await db
      .select({ key: rateLimitWindows.key })
      .from(rateLimitWindows)
      .where(like(rateLimitWindows.key, `sdk:${project.projectId}:%`));
    expect(keys.map((row) => row.key).sort()).toEqual([`sdk:${project.projectId}:secret-keys`, `sdk:${project.projectId}:${sub}`].sort());
    await setSecretKeyRateLimit({ projectId: project.projectId, limit: 6000, actor: SYSTEM_ACTOR });
  });

  it("deletes the windows that have ended, keeping the live ones", async () => {
    const db = await getDb();
    const ended = `test-ended-${randomUUID()}`;
    const live = `test-live-${randomUUID()}`;
    await db.insert(rateLimitWindows).values([
      { key: ended, windowStartedAt: sql`now() - interval '2 hours'`, count: 5 },
      { key: live, windowStartedAt: sql`now() - interval '30 seconds'`, count: 5 },
    ]);
    expect(await deleteEndedRateLimitWindows()).toBeGreaterThanOrEqual(1);
    const left = await db.select({ key: rateLimitWindows.key }).from(rateLimitWindows).where(like(rateLimitWindows.key, "test-%"));
    expect(left.map((row) => row.key)).toEqual([live]);
  });
});

describe("Settings → Rate Limits", () => {
  const limitOf = async (projectId: string) =>
    (await (await getDb()).select({ limit: projects.secretKeyRateLimit }).from(projects).where(eq(projects.id, projectId)))[0]?.limit;

  it("lets the owner set the Secret Key limit, refusing what is not a sensible number, a member who is not the owner, and another project", async () => {
    const email = `owner-${randomUUID()}@example.test`;
    const owned = (await createUserWithProject({ email, passwordHash: "x", projectName: "Limits" }))!;
    const owner = { id: owned.user.id, email };
    vi.mocked(getSessionUser).mockResolvedValue(owner);

    expect(await setSecretKeyRateLimitAction({ projectId: owned.projectId, secretKeyRateLimit: 12_000 })).toEqual({
      ok: true,
      data: { secretKeyRateLimit: 12_000 },
    });
    expect(await limitOf(owned.projectId)).toBe(12_000);

    for (const [value, message] of [
      [10, "Allow at least 60 requests a minute."],
      [2_000_000, "Allow at most 1,000,000 requests a minute."],
      [1.5, "Enter a whole number of requests."],
      ["lots", "Enter a number of requests."],
    ] as const) {
      expect(await setSecretKeyRateLimitAction({ projectId: owned.projectId, secretKeyRateLimit: value as number })).toMatchObject({
        ok: false,
        fieldErrors: { secretKeyRateLimit: [message] },
      });
    }
    expect(await limitOf(owned.projectId)).toBe(12_000);

    // A member who is not the owner may not change it; nor may anyone in a project not theirs.
    const memberEmail = `member-${randomUUID()}@example.test`;
    const member = (await createUserWithProject({ email: memberEmail, passwordHash: "x", projectName: "Own" }))!;
    await addProjectMember({ projectId: owned.projectId, email: memberEmail, actor: SYSTEM_ACTOR });
    vi.mocked(getSessionUser).mockResolvedValue({ id: member.user.id, email: memberEmail });
    expect(await setSecretKeyRateLimitAction({ projectId: owned.projectId, secretKeyRateLimit: 600 })).toMatchObject({ ok: false });
    vi.mocked(getSessionUser).mockResolvedValue(owner);
    expect(await setSecretKeyRateLimitAction({ projectId: member.projectId, secretKeyRateLimit: 600 })).toEqual({
      ok: false,
      formError: "Project not found.",
    });
    expect(await limitOf(owned.projectId)).toBe(12_000);
    expect(await limitOf(member.projectId)).toBe(6000);
  });
});
