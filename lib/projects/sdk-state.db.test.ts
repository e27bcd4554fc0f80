import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setAllowedOrigins, setSecretKeyRateLimit } from "@/db/queries/projects";
import { deleteResource } from "@/db/queries/resources";
import { setWorkflowEnabledForAll } from "@/db/queries/workflows";
import { createSecretKey, revokeSecretKey } from "@/db/queries/secret-keys";
import { addSigningKey, revokeSigningKey } from "@/db/queries/signing-keys";
import { signWebhook, startTaskLab, type TaskLab } from "@/test/fixtures/tasklab";
import { ALLOWED_ORIGIN, projectWithSigningKey, publishedTaskLabResource, signUserToken } from "@/test/support/connect-fixtures";
import { alwaysStep } from "@/test/support/sdk-route-fixtures";
import { setUpWebhooks, taskLabWebhookSettings } from "@/test/support/webhook-fixtures";
import { connectedUser, deployedWorkflow } from "@/test/support/workflow-fixtures";
import { startAppProcess, type WorkerProcess } from "@/test/support/worker-process";
import { generateSecretKey } from "@/lib/auth/secret-keys";
import { generateSigningKey } from "@/lib/auth/signing-keys";

// Each process keeps what the Connect API reads of a project (origins, keys, limits, published
// resources with their secrets). A change made in another process — here this test's, the
// server being a child process on the same PostgreSQL database — must count at the server's
// very next call. PGlite is one process's database, so these need DATABASE_URL.

const onPostgres = Boolean(process.env.DATABASE_URL);

let tasklab: TaskLab;
let server: WorkerProcess;
let base: string;
let project: Awaited<ReturnType<typeof projectWithSigningKey>>;
let resourceId: string;
let userId: string;

beforeAll(async () => {
  if (!onPostgres) return;
  tasklab = await startTaskLab();
  project = await projectWithSigningKey();
  resourceId = await publishedTaskLabResource(project.projectId, tasklab, "user-oauth-no-profile");
  userId = await connectedUser(project.projectId, resourceId, tasklab);
  server = startAppProcess({ script: "test/support/route-server.ts", readyLine: /ROUTE_SERVER_READY (\d+)/ });
  base = `http://127.0.0.1:${(await server.readyMatch)[1]}`;
}, 90_000);
afterAll(async () => {
  if (!onPostgres) return;
  await server?.stop();
  await tasklab?.close();
});

async function newSecretKey(): Promise<{ id: string; key: string }> {
  const generated = generateSecretKey();
  const stored = await createSecretKey({
    projectId: project.projectId,
    name: `backend ${randomUUID().slice(0, 6)}`,
    prefix: generated.prefix,
    hash: generated.hash,
    actor: SYSTEM_ACTOR,
  });
  return { id: stored.id, key: generated.key };
}

function connectBody() {
  const tokens = tasklab.issueTokens();
  return { access_token: tokens.accessToken, refresh_token: tokens.refreshToken };
}

/** A request through the resource at the child server: its status and error code. */
async function send(
  path: "request" | "connect",
  token: string,
  { origin, target = resourceId }: { origin?: string; target?: string } = {},
) {
  const response = await fetch(`${base}/projects/${project.projectId}/sdk/resources/${target}/${path}`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${token}`,
      "content-type": "application/json",
      "x-switchboard-user": userId,
      ...(origin ? { origin } : {}),
    },
    body: JSON.stringify(path === "request" ? { method: "GET", path: "/tasks" } : connectBody()),
  });
  const body = (await response.json()) as { error?: { code: string } };
  return { status: response.status, code: body.error?.code, allowOrigin: response.headers.get("access-control-allow-origin") };
}

describe.skipIf(!onPostgres)("what a server process keeps of a project, changed by another process", () => {
  it("refuses a revoked Secret Key at the next call, and takes a new one at once", async () => {
    const first = await newSecretKey();
    expect(await send("request", first.key)).toMatchObject({ status: 200 });
    expect(await send("request", first.key)).toMatchObject({ status: 200 });

    await revokeSecretKey({ projectId: project.projectId, keyId: first.id, actor: SYSTEM_ACTOR });
    expect(await send("request", first.key)).toMatchObject({ status: 401, code: "invalid_secret_key" });

    const second = await newSecretKey();
    expect(await send("request", second.key)).toMatchObject({ status: 200 });
  });

  it("refuses User Tokens of a revoked signing key at the next call, and takes a new key's at once", async () => {
    const token = () => signUserToken(project.key.privateKeyPem, { kid: project.key.kid, claims: { sub: userId } });
    expect(await send("connect", await token())).toMatchObject({ status: 200 });

    await revokeSigningKey({ projectId: project.projectId, keyId: project.keyId, actor: SYSTEM_ACTOR });
    expect(await send("connect", await token())).toMatchObject({ status: 401, code: "invalid_user_token" });

    const next = await generateSigningKey();
    const stored = await addSigningKey({
      projectId: project.projectId,
      kid: next.kid,
      publicKeyJwk: next.publicKeyJwk,
      source: "generated",
      actor: SYSTEM_ACTOR,
    });
    if ("error" in stored) throw new Error(stored.error);
    project = { ...project, key: next, keyId: stored.id };
    expect(await send("connect", await token())).toMatchObject({ status: 200 });
  });

  it("applies a changed rate limit and Allowed Origins at the next call", async () => {
    const { key } = await newSecretKey();
    expect(await send("request", key, { origin: ALLOWED_ORIGIN })).toMatchObject({ status: 200, allowOrigin: ALLOWED_ORIGIN });

    await setSecretKeyRateLimit({ projectId: project.projectId, limit: 1, actor: SYSTEM_ACTOR });
    expect(await send("request", key)).toMatchObject({ status: 429, code: "rate_limited" });
    await setSecretKeyRateLimit({ projectId: project.projectId, limit: 6000, actor: SYSTEM_ACTOR });
    expect(await send("request", key)).toMatchObject({ status: 200 });

    await setAllowedOrigins({ projectId: project.projectId, origins: [], actor: SYSTEM_ACTOR });
    expect(await send("request", key, { origin: ALLOWED_ORIGIN })).toMatchObject({ status: 403, code: "origin_not_allowed" });
    await setAllowedOrigins({ projectId: project.projectId, origins: [ALLOWED_ORIGIN], actor: SYSTEM_ACTOR });
    expect(await send("request", key, { origin: ALLOWED_ORIGIN })).toMatchObject({ status: 200, allowOrigin: ALLOWED_ORIGIN });
  });

  it("answers 404 for a deleted resource at the next call, and never serves another project's resource", async () => {
    const { key } = await newSecretKey();
    const other = await projectWithSigningKey();
    const othersResource = await publishedTaskLabResource(other.projectId, tasklab, "user-oauth-no-profile");
    expect(await send("request", key, { target: othersResource })).toMatchObject({ status: 404, code: "resource_not_found" });

    expect(await send("request", key)).toMatchObject({ status: 200 });
    await deleteResource({ projectId: project.projectId, resourceId, actor: SYSTEM_ACTOR });
    expect(await send("request", key)).toMatchObject({ status: 404, code: "resource_not_found" });
  });

  it("the webhook intake: a rotated signing secret, a newly deployed or disabled workflow and a deleted resource count at the next event", async () => {
    const { projectId } = project;
    const hooked = await publishedTaskLabResource(projectId, tasklab, "user-oauth-no-profile");
    const user = await connectedUser(projectId, hooked, tasklab);
    const useSecret = async (secret: string) => {
      await setUpWebhooks({ projectId, resourceId: hooked, webhook: taskLabWebhookSettings(), secret });
      return secret;
    };
    const first = await useSecret(`whsec_${Buffer.from(randomUUID()).toString("base64")}`);
    const deliver = async (secret: string) => {
      const event = signWebhook({ secret, type: "task.created", payload: { account_id: user } });
      const response = await fetch(`${base}/projects/${projectId}/resources/${hooked}/webhook`, {
        method: "POST",
        headers: event.headers,
        body: event.body,
      });
      const body = (await response.json()) as { runIds?: string[]; error?: { code: string } };
      return { status: response.status, runs: body.runIds?.length, code: body.error?.code };
    };

    expect(await deliver(first)).toEqual({ status: 200, runs: 0, code: undefined });
    const workflowId = await deployedWorkflow(projectId, {
      trigger: { kind: "resource_event", resourceId: hooked, eventType: "task.created" },
      steps: [alwaysStep],
    });
    expect(await deliver(first)).toEqual({ status: 200, runs: 1, code: undefined });
    await setWorkflowEnabledForAll({ projectId, workflowId, enabled: false, actor: SYSTEM_ACTOR });
    expect(await deliver(first)).toEqual({ status: 200, runs: 0, code: undefined });

    const second = await useSecret(`whsec_${Buffer.from(randomUUID()).toString("base64")}`);
    expect(await deliver(first)).toMatchObject({ status: 401, code: "invalid_signature" });
    expect(await deliver(second)).toMatchObject({ status: 200 });

    await deleteResource({ projectId, resourceId: hooked, actor: SYSTEM_ACTOR });
    expect(await deliver(second)).toMatchObject({ status: 404, code: "resource_not_found" });
  });
});
