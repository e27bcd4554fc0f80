// Run with `tsx --conditions=react-server` (so `server-only` loads) against the e2e database:
// creates a project with a published TaskLab resource, one connected user per refresh token
// given, each with an expired access token, and a Secret Key. Prints what the test needs as JSON.
import { eq } from "drizzle-orm";
import { getDb } from "@/db/client";
import { getUserConnection } from "@/db/queries/connections";
import { createSecretKey } from "@/db/queries/secret-keys";
import { connections } from "@/db/schema";
import { generateSecretKey } from "@/lib/auth/secret-keys";
import { connectUser } from "@/lib/connections/connect";
import { decryptConnectionCredentials, encryptConnectionCredentials } from "@/lib/connections/credentials";
import { projectWithSigningKey, publishedTaskLabResource } from "@/test/support/connect-fixtures";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";

const [tasklabUrl, expiredAccessToken, ...refreshTokens] = process.argv.slice(2);
const { projectId } = await projectWithSigningKey();
const resourceId = await publishedTaskLabResource(projectId, { url: tasklabUrl! }, "user-oauth-no-profile");
const db = await getDb();
const users: string[] = [];
for (const [index, refreshToken] of refreshTokens.entries()) {
  const userId = `refresh-user-${index}`;
  await connectUser({
    project: { id: projectId, allowPrivateNetwork: true },
    resourceId,
    userId,
    body: { refresh_token: refreshToken },
    actor: SYSTEM_ACTOR,
  });
  const connection = (await getUserConnection({ projectId, resourceId, userId }))!;
  const values = decryptConnectionCredentials(connection.id, connection.credentials);
  await db
    .update(connections)
    .set({
      credentials: encryptConnectionCredentials(connection.id, {
        ...values,
        access_token: expiredAccessToken!,
        refresh_token: refreshToken,
      }),
      accessTokenExpiresAt: new Date(Date.now() - 1000),
    })
    .where(eq(connections.id, connection.id));
  users.push(userId);
}
const secret = generateSecretKey();
await createSecretKey({ projectId, name: "e2e", prefix: secret.prefix, hash: secret.hash, actor: SYSTEM_ACTOR });
console.log(JSON.stringify({ projectId, resourceId, users, secretKey: secret.key }));
process.exit(0);
