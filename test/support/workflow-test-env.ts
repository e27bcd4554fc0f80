import { afterAll, beforeAll } from "vitest";
import { createSecretKey } from "@/db/queries/secret-keys";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";
import { generateSecretKey } from "@/lib/auth/secret-keys";
import type { generateSigningKey } from "@/lib/auth/signing-keys";
import { getJobQueue, stopJobQueue } from "@/lib/jobs/queue";
import { startWorkers } from "@/lib/jobs/workers";
import { startTaskLab, type TaskLab } from "@/test/fixtures/tasklab";
import { projectWithSigningKey, publishedTaskLabResource } from "./connect-fixtures";
import { connectedUser } from "./workflow-fixtures";

/** Where a resource's base URL points on TaskLab: its API (`/api`) or its root (`/echo` answers what was sent). */
export type TaskLabBase = "api" | "root";

export interface WorkflowTestEnv<Name extends string> {
  tasklab: TaskLab;
  projectId: string;
  /** The project's signing key (its private key signs User Tokens). */
  signingKey: Awaited<ReturnType<typeof generateSigningKey>>;
  /** The published TaskLab resources' ids, by the names the test gave them. */
  resources: Record<Name, string>;
  /** The Connected User of every resource, when the test asked for one (else ""). */
  userId: string;
  /** A Secret Key of the project named "backend", when the test asked for one (else ""). */
  secretKey: string;
}

export interface WorkflowTestEnvOptions<Name extends string> {
  /** The TaskLab resources to publish, by name (none: TaskLab runs all the same). */
  resources?: Record<Name, TaskLabBase>;
  /** One Connected User of all the resources. */
  connectedUser?: boolean;
  /** A Secret Key of the project (`secretKey`), for the SDK routes' backend calls. */
  secretKey?: boolean;
  /**
   * "start" (default): the job workers run from the start. "engine": only this process's engine
   * (it sends jobs and evaluates schedules); the test starts the workers itself, when it says so.
   */
  workers?: "start" | "engine";
  /** Sets up nothing without DATABASE_URL: for a file whose tests need PostgreSQL (and skip on PGlite). */
  postgresOnly?: boolean;
}

/**
 * What a workflow test file runs in (on a database of its own, as every test file is: an in-memory
 * PGlite, or a copy db/test/postgres-setup.ts makes): TaskLab, a project with a signing key, the `resources`
 * published on it, with `connectedUser` one Connected User of all of them, optionally a Secret
 * Key, and the job workers. Registers the file's `beforeAll` and `afterAll` (register the file's
 * own `beforeAll` after this call: it runs after this one); the fields are set once `beforeAll` has run.
 */
export function workflowTestEnv<Name extends string = never>({
  resources = {} as Record<Name, TaskLabBase>,
  connectedUser: connectUser = false,
  secretKey = false,
  workers = "start",
  postgresOnly = false,
}: WorkflowTestEnvOptions<Name> = {}): WorkflowTestEnv<Name> {
  const env = { userId: "", secretKey: "" } as WorkflowTestEnv<Name>;
  const skipped = () => postgresOnly && !process.env.DATABASE_URL;
  beforeAll(async () => {
    if (skipped()) return;
    env.tasklab = await startTaskLab();
    ({ projectId: env.projectId, key: env.signingKey } = await projectWithSigningKey());
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
    if (secretKey) {
      const secret = generateSecretKey();
      await createSecretKey({ projectId: env.projectId, name: "backend", prefix: secret.prefix, hash: secret.hash, actor: SYSTEM_ACTOR });
      env.secretKey = secret.key;
    }
    if (workers === "start") await startWorkers();
    else await getJobQueue();
  }, 60_000);
  afterAll(async () => {
    if (skipped()) return;
    await stopJobQueue();
    await env.tasklab?.close();
  });
  return env;
}
