import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { projectWithSigningKey } from "@/test/support/connect-fixtures";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";
import { createResourceDraft } from "@/lib/resources/save-step";
import { invalidateConnection } from "@/test/support/workflow-fixtures";
import { deleteConnection, getUserConnection, upsertConnection } from "./connections";
import { countSdkCall } from "./sdk-state";

// The Connect API's one hot statement also reads the caller's user's connection to the path's
// resource, so the connect and request routes read it in no statement of their own.

async function connected(
  projectId: string,
  resourceId: string,
  userId: string,
  current?: Parameters<typeof upsertConnection>[0]["current"],
) {
  return upsertConnection({
    current,
    projectId,
    resourceId,
    resourceName: "TaskLab",
    userId,
    encrypt: () => "v1.ciphertext",
    profile: { email: `${userId}@example.test` },
    accessTokenExpiresAt: new Date("2026-12-02T10:00:00.000Z"),
    actor: SYSTEM_ACTOR,
    changes: ["credentials.refresh_token"],
  });
}

describe("countSdkCall", () => {
  it("counts the call and answers the user's connection to the resource, or null", async () => {
    const { projectId } = await projectWithSigningKey();
    const { resourceId } = await createResourceDraft({
      projectId,
      values: { name: `TaskLab ${randomUUID().slice(0, 8)}` },
      actor: SYSTEM_ACTOR,
    });
    const { resourceId: otherResourceId } = await createResourceDraft({
      projectId,
      values: { name: `Other ${randomUUID().slice(0, 8)}` },
      actor: SYSTEM_ACTOR,
    });
    const stored = await connected(projectId, resourceId, "user-a");
    await connected(projectId, otherResourceId, "user-b");
    const key = `sdk:${projectId}:user-a`;
    const call = (connectionOf?: { resourceId: string; userId: string }) =>
      countSdkCall({ projectId, key, windowSeconds: 60, secretKeyId: null, connectionOf });

    const first = await call({ resourceId, userId: "user-a" });
    expect(first).toMatchObject({ count: 1, connection: stored });
    expect(first!.connection!.accessTokenExpiresAt).toEqual(new Date("2026-12-02T10:00:00.000Z"));
    expect(first!.connection!.profile).toEqual({ email: "user-a@example.test" });
    // Another user's connection, a connection to another resource, or no resource named: none.
    expect(await call({ resourceId, userId: "user-b" })).toMatchObject({ count: 2, connection: null });
    expect(await call({ resourceId: otherResourceId, userId: "user-a" })).toMatchObject({ count: 3, connection: null });
    expect(await call()).toMatchObject({ count: 4, connection: null });
    // Another project's resource is not this project's connection.
    const { projectId: otherProjectId } = await projectWithSigningKey();
    expect(
      await countSdkCall({
        projectId: otherProjectId,
        key: `sdk:${otherProjectId}:user-a`,
        windowSeconds: 60,
        secretKeyId: null,
        connectionOf: { resourceId, userId: "user-a" },
      }),
    ).toMatchObject({
      count: 1,
      connection: null,
    });
    expect(await countSdkCall({ projectId: randomUUID(), key: `sdk:gone:user-a`, windowSeconds: 60, secretKeyId: null })).toBeUndefined();
  });
});

describe("upsertConnection with the connection its caller read", () => {
  it("writes the row as it is now when it changed since the read: recovered, replaced or created anew", async () => {
    const { projectId } = await projectWithSigningKey();
    const { resourceId } = await createResourceDraft({
      projectId,
      values: { name: `TaskLab ${randomUUID().slice(0, 8)}` },
      actor: SYSTEM_ACTOR,
    });

    // Read as VALID, turned INVALID since: the connect recovers it.
    const first = await connected(projectId, resourceId, "user-a");
    await invalidateConnection(projectId, resourceId, "user-a");
    const recovered = await connected(projectId, resourceId, "user-a", { id: first.id, status: "VALID" });
    expect(recovered).toMatchObject({
      id: first.id,
      status: "VALID",
      invalidReason: null,
      credentialsVersion: first.credentialsVersion + 1,
    });

    // Read as none, connected since by another call: the connect replaces that row.
    const replaced = await connected(projectId, resourceId, "user-a", null);
    expect(replaced).toMatchObject({ id: first.id, status: "VALID", credentialsVersion: first.credentialsVersion + 2 });

    // Read as a row since disconnected: the connect makes a new one.
    await deleteConnection({ projectId, resourceId, userId: "user-a", actor: SYSTEM_ACTOR });
    const created = await connected(projectId, resourceId, "user-a", { id: first.id, status: "VALID" });
    expect(created.id).not.toBe(first.id);
    expect(await getUserConnection({ projectId, resourceId, userId: "user-a" })).toMatchObject({
      id: created.id,
      status: "VALID",
      credentialsVersion: 0,
    });
  });
});
