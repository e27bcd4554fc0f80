import { randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { getUserConnection } from "@/db/queries/connections";
import { getProjectRevision } from "@/db/queries/sdk-state";
import { connections } from "@/db/schema";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";
import { AppError } from "@/lib/errors";
import { startTaskLab, type TaskLab } from "@/test/fixtures/tasklab";
import { projectWithSigningKey, publishedTaskLabResource } from "@/test/support/connect-fixtures";
import { connectUser } from "./connect";
import { credentialStateOf, encryptConnectionCredentials } from "./credentials";
import { requestThroughResource } from "./request";

// An Authorization Code resource's connections hold what the code exchange answered: an access
// token, and a refresh token when the API issued one. They refresh as Refresh Token connections do.

let projectId: string;
let tasklab: TaskLab;
const project = async () => ({ id: projectId, allowPrivateNetwork: true, revision: (await getProjectRevision({ projectId }))! });

beforeAll(async () => {
  ({ projectId } = await projectWithSigningKey());
  tasklab = await startTaskLab();
});
afterAll(() => tasklab.close());
beforeEach(() => tasklab.reset());

async function connectionRow(connectionId: string) {
  const db = await getDb();
  const [row] = await db.select().from(connections).where(eq(connections.id, connectionId));
  return row!;
}

async function expireStoredAccessToken(connectionId: string) {
  const { values } = credentialStateOf(await connectionRow(connectionId));
  const db = await getDb();
  await db
    .update(connections)
    .set({
      credentials: encryptConnectionCredentials(connectionId, { ...values, access_token: tasklab.expiredAccessToken() }),
      accessTokenExpiresAt: new Date(Date.now() - 1000),
    })
    .where(eq(connections.id, connectionId));
}

const getTasks = async (resourceId: string, userId: string) =>
  requestThroughResource({
    project: await project(),
    resourceId,
    caller: { kind: "backend", userId },
    input: { method: "GET", path: "/tasks" },
  });

describe("an Authorization Code connection", () => {
  it("connects with the access token and refresh token, then refreshes an expired access token with the refresh token", async () => {
    const resourceId = await publishedTaskLabResource(projectId, tasklab, "user-oauth-authorization-code");
    const userId = `user-${randomUUID()}`;
    const issued = tasklab.issueTokens();
    const connected = await connectUser({
      project: await project(),
      resourceId,
      userId,
      body: { access_token: issued.accessToken, refresh_token: issued.refreshToken },
      actor: SYSTEM_ACTOR,
    });
    // The User Profile was fetched with the access token as given: no token request.
    expect(connected).toMatchObject({ status: "VALID", profile: { id: expect.any(String) } });
    expect(tasklab.tokenRequests).toEqual([]);

    await expireStoredAccessToken(connected.id);
    tasklab.reset();
    expect((await getTasks(resourceId, userId)).status).toBe(200);
    expect(tasklab.tokenRequests.map(({ grantType, status }) => ({ grantType, status }))).toEqual([
      { grantType: "refresh_token", status: 200 },
    ]);
    // TaskLab rotates refresh tokens: the new one is stored, with a new access token.
    const { values } = credentialStateOf(await connectionRow(connected.id));
    expect(values.refresh_token).toBeTruthy();
    expect(values.refresh_token).not.toBe(issued.refreshToken);
    expect(values.access_token).not.toBe(tasklab.expiredAccessToken());
    expect((await getUserConnection({ projectId, resourceId, userId }))?.status).toBe("VALID");
  });

  it("needs the access token: a refresh token alone is refused and nothing is stored", async () => {
    const resourceId = await publishedTaskLabResource(projectId, tasklab, "user-oauth-authorization-code");
    const userId = `user-${randomUUID()}`;
    const refused = await connectUser({
      project: await project(),
      resourceId,
      userId,
      body: { refresh_token: tasklab.issueTokens().refreshToken },
      actor: SYSTEM_ACTOR,
    }).catch((error: unknown) => error);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ code: "invalid_credentials_payload", fields: { access_token: "Required." } });
    expect(await getUserConnection({ projectId, resourceId, userId })).toBeUndefined();
    expect(tasklab.tokenRequests).toEqual([]);
  });

  it("works without a refresh token until the access token expires, then says the user must connect again, keeping the connection", async () => {
    const resourceId = await publishedTaskLabResource(projectId, tasklab, "user-oauth-authorization-code");
    const userId = `user-${randomUUID()}`;
    const connected = await connectUser({
      project: await project(),
      resourceId,
      userId,
      body: { access_token: tasklab.issueTokens().accessToken },
      actor: SYSTEM_ACTOR,
    });
    expect((await getTasks(resourceId, userId)).status).toBe(200);

    await expireStoredAccessToken(connected.id);
    const failed = await getTasks(resourceId, userId).catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(AppError);
    expect((failed as AppError).message).toContain("The API issued no refresh token for this connection");
    // No token request was sent, and the connection is kept as it was.
    expect(tasklab.tokenRequests).toEqual([]);
    expect((await getUserConnection({ projectId, resourceId, userId }))?.status).toBe("VALID");
  });
});
