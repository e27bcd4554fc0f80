// What the tool tests need (the MCP endpoint's and the Tools API's), built through the app's own
// code paths: a project whose users have tools from TaskLab's documents, and the switches of them.
import { and, eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { listResourceTools } from "@/db/queries/resource-tools";
import { createSecretKey } from "@/db/queries/secret-keys";
import { getProjectRevision } from "@/db/queries/sdk-state";
import { connections } from "@/db/schema";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";
import { generateSecretKey } from "@/lib/auth/secret-keys";
import type { generateSigningKey } from "@/lib/auth/signing-keys";
import { connectUser } from "@/lib/connections/connect";
import { changeResourceTool, importResourceTools } from "@/lib/tools/resource-tools";
import { startTaskLab, taskLabOpenApi30Json, taskLabOpenApiYaml, type TaskLab } from "@/test/fixtures/tasklab";
import { projectWithSigningKey, publishedTaskLabResource, signUserToken } from "./connect-fixtures";

/** Turns on, as tools, the imported operations of a resource that have these names (Vitest and the bench). */
export async function enableResourceTools({
  projectId,
  resourceId,
  names,
}: {
  projectId: string;
  resourceId: string;
  names: readonly string[];
}): Promise<void> {
  for (const tool of await listResourceTools({ projectId, resourceId })) {
    if (names.includes(tool.name)) await changeResourceTool({ projectId, resourceId, toolId: tool.id, enabled: true, actor: SYSTEM_ACTOR });
  }
}

/** The two users of a ToolsProject: alice is TaskLab's u_ada, bob its u_bob. */
export const ALICE = "alice";
export const BOB = "bob";

export interface ToolsProject {
  tasklab: TaskLab;
  projectId: string;
  /** The project's signing key (its private key signs User Tokens). */
  signingKey: Awaited<ReturnType<typeof generateSigningKey>>;
  /** Both users are connected to it: TaskLab's 3.1 YAML document, with list_tasks, create_task, get_task and get_me on. */
  sharedResourceId: string;
  /** Only alice is connected to it: TaskLab's 3.0 JSON document, with post_tasks on. */
  aliceResourceId: string;
  /** A Secret Key of the project named "backend". */
  secretKey: string;
  /** The project as a tool call takes it, with its configuration revision now. */
  project(): Promise<{ id: string; allowPrivateNetwork: boolean; revision: number }>;
  /** A User Token of the project for `userId`. */
  token(userId: string): Promise<string>;
  /** Connects `userId` to a resource of the project with a refresh token TaskLab issued to `tasklabUser`. */
  connect(resourceId: string, userId: string, tasklabUser: string): Promise<void>;
  /** Turns on the resource's imported operations that have these names. */
  enable(resourceId: string, names: readonly string[]): Promise<void>;
  /** Sets the status of `userId`'s connection to a resource, and nothing else (a test marks it INVALID, then VALID again). */
  setConnectionStatus(resourceId: string, userId: string, status: "VALID" | "INVALID"): Promise<void>;
}

/**
 * TaskLab and a project with a signing key, a Secret Key and two published User-Level TaskLab
 * resources, each with a TaskLab document imported as tools and some of them on (see the fields).
 * Call it in the test file's `beforeAll` (with a long timeout: on a loaded machine PGlite takes a
 * while) and close `tasklab` in its `afterAll`.
 */
export async function toolsProject(): Promise<ToolsProject> {
  const tasklab = await startTaskLab();
  const { projectId, key: signingKey } = await projectWithSigningKey();
  const env: ToolsProject = {
    tasklab,
    projectId,
    signingKey,
    sharedResourceId: "",
    aliceResourceId: "",
    secretKey: "",
    project: async () => ({ id: projectId, allowPrivateNetwork: true, revision: (await getProjectRevision({ projectId }))! }),
    token: (userId) => signUserToken(signingKey.privateKeyPem, { kid: signingKey.kid, claims: { sub: userId } }),
    async connect(resourceId, userId, tasklabUser) {
      await connectUser({
        project: await env.project(),
        resourceId,
        userId,
        body: { refresh_token: tasklab.issueTokens(tasklabUser).refreshToken },
        actor: SYSTEM_ACTOR,
      });
    },
    enable: (resourceId, names) => enableResourceTools({ projectId, resourceId, names }),
    async setConnectionStatus(resourceId, userId, status) {
      const db = await getDb();
      await db
        .update(connections)
        .set({ status })
        .where(and(eq(connections.resourceId, resourceId), eq(connections.userId, userId)));
    },
  };
  env.sharedResourceId = await publishedTaskLabResource(projectId, tasklab, "user-oauth-no-profile");
  env.aliceResourceId = await publishedTaskLabResource(projectId, tasklab, "user-oauth-no-profile");
  await env.connect(env.sharedResourceId, ALICE, "u_ada");
  await env.connect(env.sharedResourceId, BOB, "u_bob");
  await env.connect(env.aliceResourceId, ALICE, "u_ada");
  await importResourceTools({ projectId, resourceId: env.sharedResourceId, text: taskLabOpenApiYaml(tasklab.url), actor: SYSTEM_ACTOR });
  await importResourceTools({ projectId, resourceId: env.aliceResourceId, text: taskLabOpenApi30Json(), actor: SYSTEM_ACTOR });
  await env.enable(env.sharedResourceId, ["list_tasks", "create_task", "get_task", "get_me"]);
  await env.enable(env.aliceResourceId, ["post_tasks"]);
  const secret = generateSecretKey();
  await createSecretKey({ projectId, name: "backend", prefix: secret.prefix, hash: secret.hash, actor: SYSTEM_ACTOR });
  env.secretKey = secret.key;
  return env;
}
