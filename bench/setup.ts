// The benchmark's data, made through the app's own code against DATABASE_URL. Imported by
// bench/run.ts only after it has set DATABASE_URL and SWITCHBOARD_ENCRYPTION_KEY and mapped
// `server-only` to an empty module (as vitest.config.ts does).
import { upsertConnection } from "@/db/queries/connections";
import { setSecretKeyRateLimit } from "@/db/queries/projects";
import { createSecretKey } from "@/db/queries/secret-keys";
import { getDatabase } from "@/db/client";
import { listResourceTools } from "@/db/queries/resource-tools";
import { type TaskLab, taskLabOpenApiYaml } from "@/test/fixtures/tasklab";
import { generateSecretKey } from "@/lib/auth/secret-keys";
import { connectUser } from "@/lib/connections/connect";
import { encryptConnectionCredentials } from "@/lib/connections/credentials";
import { projectWithSigningKey, publishedTaskLabResource, signUserToken } from "@/test/support/connect-fixtures";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";
import { changeResourceTool, importResourceTools } from "@/lib/tools/resource-tools";

export interface BenchData {
  projectId: string;
  resourceId: string;
  kid: string;
  publicKeyJwk: Record<string, unknown>;
  privateKeyPem: string;
  secretKey: string;
}

/**
 * A project with a signing key, a published User-Level OAuth (refresh token) resource for
 * TaskLab with a User Profile from GET /me, and a Secret Key.
 */
export async function createBenchData(tasklabUrl: string): Promise<BenchData> {
  const project = await projectWithSigningKey();
  // publishedTaskLabResource reads only the fixture's url.
  const resourceId = await publishedTaskLabResource(project.projectId, { url: tasklabUrl } as TaskLab);
  const secret = generateSecretKey();
  await createSecretKey({ projectId: project.projectId, name: "bench", prefix: secret.prefix, hash: secret.hash, actor: SYSTEM_ACTOR });
  // The request runs make tens of thousands of Secret Key calls a minute: far over the default 6000.
  await setSecretKeyRateLimit({ projectId: project.projectId, limit: 1_000_000, actor: SYSTEM_ACTOR });
  return {
    projectId: project.projectId,
    resourceId,
    kid: project.key.kid,
    publicKeyJwk: project.key.publicKeyJwk,
    privateKeyPem: project.key.privateKeyPem,
    secretKey: secret.key,
  };
}

/** TaskLab's OpenAPI document imported into the bench resource, with `names` turned on as tools (the MCP run's). */
export async function enableTools(data: BenchData, tasklabUrl: string, names: readonly string[]): Promise<void> {
  const { projectId, resourceId } = data;
  await importResourceTools({ projectId, resourceId, text: taskLabOpenApiYaml(tasklabUrl), actor: SYSTEM_ACTOR });
  for (const tool of await listResourceTools({ projectId, resourceId })) {
    if (names.includes(tool.name)) await changeResourceTool({ projectId, resourceId, toolId: tool.id, enabled: true, actor: SYSTEM_ACTOR });
  }
}

/**
 * Connects users through the app's connectUser (a token refresh and a profile request at
 * TaskLab each), `concurrency` at a time. `refreshTokens[i]` is user `userIds[i]`'s.
 */
export async function connectUsers(
  data: BenchData,
  userIds: readonly string[],
  refreshTokens: readonly string[],
  concurrency = 8,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < userIds.length) {
      const i = next++;
      await connectUser({
        project: { id: data.projectId, allowPrivateNetwork: true },
        resourceId: data.resourceId,
        userId: userIds[i]!,
        body: { refresh_token: refreshTokens[i]! },
        actor: SYSTEM_ACTOR,
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, userIds.length) }, worker));
}

/**
 * Stores connections for many users at once, as a connect would leave them (encrypted
 * credentials, an access token valid for the next hour), without calling TaskLab: the request
 * runs' 20,000 users. `tokens[i]` is user `userIds[i]`'s.
 */
export async function storeConnections(
  data: BenchData,
  userIds: readonly string[],
  tokens: { accessTokens: readonly string[]; refreshTokens: readonly string[] },
  concurrency = 16,
): Promise<void> {
  let next = 0;
  const accessTokenExpiresAt = new Date(Date.now() + 3600 * 1000);
  const worker = async () => {
    while (next < userIds.length) {
      const i = next++;
      await upsertConnection({
        projectId: data.projectId,
        resourceId: data.resourceId,
        resourceName: "TaskLab",
        userId: userIds[i]!,
        encrypt: (connectionId) =>
          encryptConnectionCredentials(connectionId, { access_token: tokens.accessTokens[i]!, refresh_token: tokens.refreshTokens[i]! }),
        profile: null,
        accessTokenExpiresAt,
        actor: SYSTEM_ACTOR,
        changes: ["credentials.access_token", "credentials.refresh_token"],
      });
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, userIds.length) }, worker));
}

/** User Tokens (RS256, signed with the project's key) for these user ids, valid for `ttlSeconds`. */
export async function userTokens(data: BenchData, userIds: readonly string[], ttlSeconds: number): Promise<string[]> {
  const now = Math.floor(Date.now() / 1000);
  return Promise.all(
    userIds.map((sub) => signUserToken(data.privateKeyPem, { kid: data.kid, claims: { sub, iat: now, exp: now + ttlSeconds } })),
  );
}

/** Closes the app's database pool in this process. */
export async function closeAppDatabase(): Promise<void> {
  const handle = await getDatabase();
  await handle.close();
}
