import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { getDb, parseJsonb, preparedStatement, rowsOf } from "../client";
import { type Connection, connections } from "../schema";
import { KIND_IS } from "./connections";
import { countInWindow } from "./rate-limits";

/** What the Connect API needs of a project, read in one statement (one snapshot) with its revision. */
export interface ProjectSdkRow {
  id: string;
  revision: number;
  allowedOrigins: string[];
  allowPrivateNetwork: boolean;
  secretKeyRateLimit: number;
  signingKeys: Array<{ kid: string; publicKeyJwk: Record<string, unknown> }>;
  /** The active Secret Keys' SHA-256 hashes. */
  secretKeys: Array<{ id: string; name: string; hash: string }>;
}

export async function getProjectSdkRow({ projectId }: { projectId: string }): Promise<ProjectSdkRow | undefined> {
  const db = await getDb();
  const [row] = rowsOf<{
    id: string;
    revision: string;
    allowed_origins: string[] | string;
    allow_private_network: boolean;
    secret_key_rate_limit: number;
    signing_keys: ProjectSdkRow["signingKeys"] | string;
    secret_keys: ProjectSdkRow["secretKeys"] | string;
  }>(
    await db.execute(sql`
      select p.id, p.config_revision::text as revision, p.allowed_origins, p.allow_private_network, p.secret_key_rate_limit,
        coalesce((select json_agg(json_build_object('kid', k.kid, 'publicKeyJwk', k.public_key_jwk) order by k.created_at)
                  from signing_keys k where k.project_id = p.id and k.revoked_at is null), '[]'::json) as signing_keys,
        coalesce((select json_agg(json_build_object('id', s.id, 'name', s.name, 'hash', s.hash))
                  from project_secret_keys s where s.project_id = p.id and s.revoked_at is null), '[]'::json) as secret_keys
      from projects p where p.id = ${projectId}`),
  );
  if (!row) return undefined;
  return {
    id: row.id,
    revision: Number(row.revision),
    allowedOrigins: parseJsonb(row.allowed_origins),
    allowPrivateNetwork: row.allow_private_network,
    secretKeyRateLimit: row.secret_key_rate_limit,
    signingKeys: parseJsonb(row.signing_keys),
    secretKeys: parseJsonb(row.secret_keys),
  };
}

/** The project's configuration revision now (undefined: no such project). */
export async function getProjectRevision({ projectId }: { projectId: string }): Promise<number | undefined> {
  const db = await getDb();
  const [row] = rowsOf<{ revision: string }>(
    await db.execute(sql`select config_revision::text as revision from projects where id = ${projectId}`),
  );
  return row ? Number(row.revision) : undefined;
}

// Prepared: drizzle builds its SQL once, not on every Connect API call. The caller's user's
// connection to the path's resource comes along (a left join: none when the call names none),
// so the routes that use it need no statement of their own to read it.
const preparedCountSdkCall = preparedStatement((db) => {
  const counted = db.$with("counted", {}).as(countInWindow(sql.placeholder("key"), sql.placeholder("windowSeconds")));
  const stamped = db.$with("stamped", {}).as(sql`
    update project_secret_keys set last_used_at = now()
    where id = ${sql.placeholder("secretKeyId")}::uuid and (last_used_at is null or last_used_at < now() - interval '1 minute')
    returning id`);
  return db
    .with(counted, stamped)
    .select({
      revision: sql<string | null>`(select config_revision::text from projects where id = ${sql.placeholder("projectId")}::uuid)`,
      count: sql<number>`counted.count`,
      windowStartedAt: sql<Date | string>`counted.window_started_at`,
      connection: connections,
    })
    .from(sql`counted`)
    .leftJoin(
      connections,
      and(
        eq(connections.projectId, sql.placeholder("projectId")),
        eq(connections.resourceId, sql.placeholder("resourceId")),
        KIND_IS.user,
        eq(connections.userId, sql.placeholder("userId")),
      ),
    )
    .prepare("count_sdk_call");
});

/**
 * A Connect API call's one hot statement: counts the call against `key` in a fixed window
 * (shared by every process), stamps the Secret Key's last use (at most once a minute), and
 * reads the project's configuration revision, so the caller knows whether what its process
 * cached is current — and, when `connectionOf` names a resource and user, that user's
 * connection to it (null: none). Undefined when the project no longer exists.
 */
export async function countSdkCall({
  projectId,
  key,
  windowSeconds,
  secretKeyId,
  connectionOf,
}: {
  projectId: string;
  key: string;
  windowSeconds: number;
  secretKeyId: string | null;
  connectionOf?: { resourceId: string; userId: string };
}): Promise<{ revision: number; count: number; resetsAt: Date; connection: Connection | null } | undefined> {
  const [row] = await preparedCountSdkCall(await getDb()).execute({
    projectId,
    key,
    windowSeconds,
    secretKeyId,
    resourceId: connectionOf?.resourceId ?? null,
    userId: connectionOf?.userId ?? null,
  });
  if (!row || row.revision === null) return undefined;
  return {
    revision: Number(row.revision),
    count: row.count,
    resetsAt: new Date(new Date(row.windowStartedAt).getTime() + windowSeconds * 1000),
    connection: row.connection,
  };
}
