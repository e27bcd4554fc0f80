import { afterAll, beforeAll } from "vitest";
import { stopJobQueue } from "@/lib/jobs/queue";
import { startWorkers } from "@/lib/jobs/workers";
import { startTaskLab, type TaskLab } from "@/test/fixtures/tasklab";
import { projectWithSigningKey, publishedTaskLabResource } from "./connect-fixtures";
import { connectedUser, ownPostgresDatabase } from "./workflow-fixtures";

/** Where a resource's base URL points on TaskLab: its API (`/api`) or its root (`/echo` answers what was sent). */
export type TaskLabBase = "api" | "root";

export interface WorkflowTestEnv<Name extends string> {
  tasklab: TaskLab;
  projectId: string;
  /** The published TaskLab resources' ids, by the names the test gave them. */
  resources: Record<Name, string>;
  /** The Connected User of every resource, when the test asked for one (else ""). */
  userId: string;
}

/**
 * What a workflow test file runs in: a PostgreSQL database of its own (`databasePrefix`; PGlite
 * gives every file its own anyway), TaskLab, a project with a signing key, the `resources`
 * published on it, with `connectedUser` one Connected User of all of them, and the job workers.
 * Registers the file's `beforeAll` and `afterAll`; the fields are set once `beforeAll` has run.
 */
export function workflowTestEnv<Name extends string>(
  databasePrefix: string,
  { resources, connectedUser: connectUser = false }: { resources: Record<Name, TaskLabBase>; connectedUser?: boolean },
): WorkflowTestEnv<Name> {
  const env = { userId: "" } as WorkflowTestEnv<Name>;
  let database: Awaited<ReturnType<typeof ownPostgresDatabase>>;
  beforeAll(async () => {
    database = await ownPostgresDatabase(databasePrefix);
    env.tasklab = await startTaskLab();
    ({ projectId: env.projectId } = await projectWithSigningKey());
    const ids = {} as Record<Name, string>;
    for (const [name, base] of Object.entries(resources) as [Name, TaskLabBase][]) {
      const baseUrl = base === "root" ? env.tasklab.url : `${env.tasklab.url}/api`;
      ids[name] = await publishedTaskLabResource(env.projectId, env.tasklab, "user-oauth-no-profile", { baseUrl });
    }
    env.resources = ids;
    if (connectUser) {
      for (const resourceId of Object.values<string>(ids)) {
        env.userId = await connectedUser(env.projectId, resourceId, env.tasklab, env.userId || undefined);
      }
    }
    await startWorkers();
  });
  afterAll(async () => {
    await stopJobQueue();
    await env.tasklab?.close();
    await database?.drop();
  });
  return env;
}
