// What the workflow engine's tests need, built through the app's own code paths: a deployed
// workflow, Request steps on a TaskLab resource, connected users, polls with deadlines, and on
// PostgreSQL an empty database (no migrations) for a test of the migrations themselves.
import { randomBytes, randomUUID } from "node:crypto";
import { eq } from "drizzle-orm";
import postgres from "postgres";
import { getDatabase, getDb } from "@/db/client";
import { createWorkflow, deployWorkflowVersion, saveWorkflowDraft } from "@/db/queries/workflows";
import { connections } from "@/db/schema";
import type { StoredStep, StoredWorkflowDefinition } from "@/db/workflow-definition";
import type { TaskLab } from "@/test/fixtures/tasklab";
import { connectUser } from "@/lib/connections/connect";
import { getUserConnection } from "@/db/queries/connections";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";

/**
 * On PostgreSQL (DATABASE_URL set), points DATABASE_URL at a new, empty database: no migrations,
 * unlike the migrated copy every test file already gets (db/test/postgres-setup.ts). Only for a
 * test that migrates a database itself (part way, as an older release did); call it before
 * anything opens the database. Answers how to drop it (undefined on PGlite).
 */
export async function unmigratedPostgresDatabase(prefix: string): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const serverUrl = process.env.DATABASE_URL;
  if (!serverUrl) return undefined;
  const name = `${prefix}_${randomBytes(5).toString("hex")}`;
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  process.env.DATABASE_URL = url.toString();
  return {
    url: url.toString(),
    async drop() {
      await (await getDatabase()).close().catch(() => undefined);
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}

/** Polls `read` until `done` holds for what it answers; fails after `timeoutMs` with the last value in the message. */
export async function waitFor<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  { timeoutMs = 15_000, intervalMs = 50 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline)
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}; last: ${JSON.stringify(value)?.slice(0, 2000)}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** A workflow of the project with `definition` saved and deployed as version 1; answers its id. */
export async function deployedWorkflow(
  projectId: string,
  definition: StoredWorkflowDefinition,
  name = `Workflow ${randomUUID().slice(0, 8)}`,
): Promise<string> {
  const workflow = await createWorkflow({ projectId, name, actor: SYSTEM_ACTOR });
  await redeploy(projectId, workflow.id, definition, name);
  return workflow.id;
}

/** Saves `definition` as the draft and deploys it as the next version; answers the version. */
export async function redeploy(
  projectId: string,
  workflowId: string,
  definition: StoredWorkflowDefinition,
  name = "Workflow",
): Promise<number> {
  await saveWorkflowDraft({ projectId, workflowId, name, draft: definition, sampleTrigger: {}, actor: SYSTEM_ACTOR, changes: [] });
  const outcome = await deployWorkflowVersion({ projectId, workflowId, definition, actor: SYSTEM_ACTOR });
  if (!("version" in outcome)) throw new Error(`deploy refused: ${outcome.conflict}`);
  return outcome.version.version;
}

type RequestStep = Extract<StoredStep, { type: "request" }>;

/** A TaskLab Request step; `query` is name → value (templates). */
export function requestStep(
  resourceId: string,
  key: string,
  method: RequestStep["method"],
  path: string,
  { query = {}, body = "", retries = true }: { query?: Record<string, string>; body?: string; retries?: boolean } = {},
): RequestStep {
  return {
    key,
    type: "request",
    resourceId,
    method,
    path,
    query: Object.entries(query).map(([name, value]) => ({ name, value })),
    headers: [],
    body,
    retries,
  };
}

/** Connects a new Connected User (fresh TaskLab tokens) to the resource; answers the user id. */
export async function connectedUser(
  projectId: string,
  resourceId: string,
  tasklab: TaskLab,
  userId = `user-${randomUUID()}`,
): Promise<string> {
  const tokens = tasklab.issueTokens();
  await connectUser({
    project: { id: projectId, allowPrivateNetwork: true },
    resourceId,
    userId,
    body: { access_token: tokens.accessToken, refresh_token: tokens.refreshToken },
    actor: SYSTEM_ACTOR,
  });
  return userId;
}

/** Marks a user's connection INVALID, as a failed refresh does: the user must reconnect. */
export async function invalidateConnection(projectId: string, resourceId: string, userId: string): Promise<void> {
  const connection = await getUserConnection({ projectId, resourceId, userId });
  if (!connection) throw new Error(`no connection for ${userId}`);
  const db = await getDb();
  await db
    .update(connections)
    .set({ status: "INVALID", invalidReason: "TaskLab said invalid_grant (test)." })
    .where(eq(connections.id, connection.id));
}
