import "server-only";
import { and, desc, eq, inArray, isNotNull, lt, sql } from "drizzle-orm";
import { getDb, preparedStatement, rowsOf, type Database } from "../client";
import {
  connections,
  workflowRuns,
  workflowRunSteps,
  workflows,
  workflowUserSettings,
  workflowVersions,
  type Workflow,
  type WorkflowRun,
  type WorkflowRunStatus,
  type WorkflowRunStep,
  type WorkflowVersion,
} from "../schema";
import type { StoredRunTrigger } from "../workflow-definition";

/** A transaction, for writes that enqueue jobs in the same commit. */
export type Transaction = Parameters<Parameters<Database["transaction"]>[0]>[0];

export interface DeployedWorkflow {
  workflow: Workflow;
  version: WorkflowVersion;
  /** With `forUser`: that user's own setting for the workflow (null: none, the workflow's default applies). */
  userEnabled?: boolean | null;
}

const joinDeployedVersion = and(eq(workflowVersions.workflowId, workflows.id), eq(workflowVersions.version, workflows.deployedVersion));

/** The project's deployed workflows on this App Event, each with `forUser`'s own setting (one query, not two). */
export async function listDeployedWorkflowsForAppEvent({ projectId, name, forUser }: { projectId: string; name: string; forUser?: string }): Promise<DeployedWorkflow[]> {
  return preparedAppEventWorkflows(await getDb()).execute({ projectId, userId: forUser ?? "", eventName: name });
}

// App Events' hot path: prepared once per database.
const preparedAppEventWorkflows = preparedStatement((db) =>
  db
    .select({ workflow: workflows, version: workflowVersions, userEnabled: workflowUserSettings.enabled })
    .from(workflows)
    .innerJoin(workflowVersions, joinDeployedVersion)
    .leftJoin(workflowUserSettings, and(eq(workflowUserSettings.workflowId, workflows.id), eq(workflowUserSettings.userId, sql.placeholder("userId"))))
    .where(
      and(
        eq(workflows.projectId, sql.placeholder("projectId")),
        isNotNull(workflows.deployedVersion),
        eq(workflowVersions.triggerKind, "app_event"),
        eq(workflowVersions.eventName, sql.placeholder("eventName")),
      ),
    )
    .prepare("deployed_workflows_on_app_event"),
);

/** The project's deployed workflows on this resource's Resource Triggers, every event type (the webhook intake keeps them by revision). */
export async function listDeployedWorkflowsOnResourceTriggers({ projectId, resourceId }: { projectId: string; resourceId: string }): Promise<DeployedWorkflow[]> {
  const db = await getDb();
  return db
    .select({ workflow: workflows, version: workflowVersions })
    .from(workflows)
    .innerJoin(workflowVersions, joinDeployedVersion)
    .where(
      and(
        eq(workflows.projectId, projectId),
        isNotNull(workflows.deployedVersion),
        eq(workflowVersions.triggerKind, "resource_event"),
        eq(workflowVersions.triggerResourceId, resourceId),
      ),
    );
}

/** A workflow of the project with the version it has deployed (undefined version when it has none). */
export async function getWorkflowWithDeployedVersion({
  projectId,
  workflowId,
}: {
  projectId: string;
  workflowId: string;
}): Promise<{ workflow: Workflow; version: WorkflowVersion | null } | undefined> {
  const db = await getDb();
  const [row] = await db
    .select({ workflow: workflows, version: workflowVersions })
    .from(workflows)
    .leftJoin(workflowVersions, joinDeployedVersion)
    .where(and(eq(workflows.projectId, projectId), eq(workflows.id, workflowId)));
  return row;
}

/** A deployed workflow by id alone (a scheduled tick names only the workflow). */
export async function getDeployedWorkflowById({ workflowId }: { workflowId: string }): Promise<DeployedWorkflow | undefined> {
  const db = await getDb();
  const [row] = await db
    .select({ workflow: workflows, version: workflowVersions })
    .from(workflows)
    .innerJoin(workflowVersions, joinDeployedVersion)
    .where(eq(workflows.id, workflowId));
  return row;
}

/** Each user's own setting for these workflows, by workflow id. */
export async function getUserWorkflowSettings({ workflowIds, userId }: { workflowIds: string[]; userId: string }): Promise<Map<string, boolean>> {
  if (!workflowIds.length) return new Map();
  const db = await getDb();
  const rows = await db
    .select({ workflowId: workflowUserSettings.workflowId, enabled: workflowUserSettings.enabled })
    .from(workflowUserSettings)
    .where(and(inArray(workflowUserSettings.workflowId, workflowIds), eq(workflowUserSettings.userId, userId)));
  return new Map(rows.map((row) => [row.workflowId, row.enabled]));
}

/** The Connected Users of these resources for whom a workflow is enabled (their own setting, else the workflow's default). */
export async function listEnabledConnectedUsers({
  workflow,
  resourceIds,
}: {
  workflow: Pick<Workflow, "id" | "enabledForAll">;
  resourceIds: string[];
}): Promise<string[]> {
  if (!resourceIds.length) return [];
  const db = await getDb();
  const rows = await db
    .selectDistinct({ userId: connections.userId, enabled: workflowUserSettings.enabled })
    .from(connections)
    .leftJoin(workflowUserSettings, and(eq(workflowUserSettings.workflowId, workflow.id), eq(workflowUserSettings.userId, connections.userId)))
    .where(and(inArray(connections.resourceId, resourceIds), eq(connections.kind, "user")));
  return [...new Set(rows.filter((row) => row.userId !== null && (row.enabled ?? workflow.enabledForAll)).map((row) => row.userId!))];
}

/** Who already has a run of this scheduled occurrence (null: the app's run). */
export async function listUsersWithScheduledRun({ workflowId, scheduledAt }: { workflowId: string; scheduledAt: string }): Promise<Set<string | null>> {
  const db = await getDb();
  const rows = await db
    .select({ userId: workflowRuns.userId })
    .from(workflowRuns)
    .where(and(eq(workflowRuns.workflowId, workflowId), sql`${workflowRuns.trigger} -> 'input' ->> 'scheduledAt' = ${scheduledAt}`));
  return new Set(rows.map((row) => row.userId));
}

export interface NewRun {
  projectId: string;
  workflowId: string;
  version: number;
  userId: string | null;
  trigger: StoredRunTrigger;
  sourceRunId?: string;
}

/**
 * Inserts runs and, in the same transaction, whatever `enqueue` writes (their first jobs): a
 * crash leaves neither a run without a job nor a job without a run.
 */
export async function createRuns({ runs, enqueue }: { runs: NewRun[]; enqueue: (tx: Transaction, run: WorkflowRun) => Promise<void> }): Promise<WorkflowRun[]> {
  if (!runs.length) return [];
  const db = await getDb();
  return db.transaction(async (tx) => {
    const created = await tx.insert(workflowRuns).values(runs).returning();
    for (const run of created) await enqueue(tx, run);
    return created;
  });
}

/** A run with the definition it runs (its recorded version). */
export async function getRunForExecution({ runId }: { runId: string }): Promise<{ run: WorkflowRun; version: WorkflowVersion } | undefined> {
  const db = await getDb();
  const [row] = await db
    .select({ run: workflowRuns, version: workflowVersions })
    .from(workflowRuns)
    .innerJoin(workflowVersions, and(eq(workflowVersions.workflowId, workflowRuns.workflowId), eq(workflowVersions.version, workflowRuns.version)))
    .where(eq(workflowRuns.id, runId));
  return row;
}

export async function getRun({ projectId, runId }: { projectId: string; runId: string }): Promise<WorkflowRun | undefined> {
  const db = await getDb();
  const [row] = await db
    .select()
    .from(workflowRuns)
    .where(and(eq(workflowRuns.projectId, projectId), eq(workflowRuns.id, runId)));
  return row;
}

export async function listRunSteps({ runId }: { runId: string }): Promise<WorkflowRunStep[]> {
  const db = await getDb();
  return db.select().from(workflowRunSteps).where(eq(workflowRunSteps.runId, runId)).orderBy(workflowRunSteps.position);
}

/**
 * Marks a queued run running and its step running, counting the attempt that starts, in one
 * statement; undefined when the run is over (cancelled, say). Answers the step's attempts.
 */
export async function startStep({
  runId,
  position,
  stepKey,
  attemptStartedAt,
}: {
  runId: string;
  position: number;
  stepKey: string;
  attemptStartedAt: string;
}): Promise<Pick<WorkflowRunStep, "attempts"> | undefined> {
  const db = await getDb();
  const attempt = sql`jsonb_build_array(jsonb_build_object('startedAt', ${attemptStartedAt}::text, 'durationMs', 0))`;
  const [step] = rowsOf<{ attempts: WorkflowRunStep["attempts"] | string }>(
    await db.execute(sql`
      with run as (
        update workflow_runs set status = 'running', started_at = coalesce(started_at, now())
        where id = ${runId} and status in ('queued', 'running')
        returning id
      )
      insert into workflow_run_steps (run_id, position, step_key, status, started_at, attempts)
      select run.id, ${position}, ${stepKey}, 'running', now(), ${attempt} from run
      on conflict (run_id, position) do update
        set status = 'running', error = null, attempts = workflow_run_steps.attempts || excluded.attempts, finished_at = null
      returning attempts`),
  );
  if (!step) return undefined;
  return { attempts: typeof step.attempts === "string" ? (JSON.parse(step.attempts) as WorkflowRunStep["attempts"]) : step.attempts };
}

/**
 * Records how a step's attempt ended and what the run does next, in one transaction with
 * `enqueue` (the next job): the step's fields, the run's status when it ends here. Answers
 * whether `run`'s status was written (false when none was given or the run had already ended).
 */
export async function finishStep({
  runId,
  position,
  step,
  run,
  enqueue,
  onRunEnded,
}: {
  runId: string;
  position: number;
  step: Partial<Pick<WorkflowRunStep, "status" | "output" | "attempts" | "error">> & { finished?: boolean };
  run?: { status: WorkflowRunStatus; error?: string | null };
  enqueue?: (tx: Transaction) => Promise<void>;
  /** Runs in the same transaction when `run` ended the run (it had not ended before). */
  onRunEnded?: (tx: Transaction, run: WorkflowRun) => Promise<void>;
}): Promise<boolean> {
  const db = await getDb();
  return db.transaction(async (tx) => {
    const { finished, ...fields } = step;
    await tx
      .update(workflowRunSteps)
      .set({ ...fields, ...(finished ? { finishedAt: new Date() } : {}) })
      .where(and(eq(workflowRunSteps.runId, runId), eq(workflowRunSteps.position, position)));
    let written = false;
    if (run) {
      const ends = run.status !== "queued" && run.status !== "running";
      const [updated] = await tx
        .update(workflowRuns)
        .set({ status: run.status, error: run.error ?? null, ...(ends ? { finishedAt: new Date() } : {}) })
        .where(and(eq(workflowRuns.id, runId), inArray(workflowRuns.status, ["queued", "running"])))
        .returning();
      written = updated !== undefined;
      if (updated && ends) await onRunEnded?.(tx, updated);
    }
    if (enqueue) await enqueue(tx);
    return written;
  });
}

/** Cancels a run that has not ended; false when it had. */
export async function cancelRun({ projectId, runId }: { projectId: string; runId: string }): Promise<boolean> {
  const db = await getDb();
  const updated = await db
    .update(workflowRuns)
    .set({ status: "cancelled", finishedAt: new Date() })
    .where(and(eq(workflowRuns.projectId, projectId), eq(workflowRuns.id, runId), inArray(workflowRuns.status, ["queued", "running"])))
    .returning({ id: workflowRuns.id });
  return updated.length > 0;
}

/** Copies the steps before `position` of one run into another (Retry from failed step). */
export async function copyRunSteps(tx: Transaction, { fromRunId, toRunId, before }: { fromRunId: string; toRunId: string; before: number }): Promise<void> {
  await tx.execute(sql`
    insert into ${workflowRunSteps} (run_id, position, step_key, status, output, attempts, error, started_at, finished_at)
    select ${toRunId}, position, step_key, status, output, attempts, error, started_at, finished_at
    from ${workflowRunSteps} where run_id = ${fromRunId} and position < ${before}`);
}

/** A page of a workflow's runs, newest first, by keyset (created_at, id): as fast on page 1,000 as on page 1. */
export async function listRuns({
  projectId,
  workflowId,
  status,
  userId,
  beforeRunId,
  limit,
}: {
  projectId: string;
  workflowId: string;
  status?: WorkflowRunStatus;
  userId?: string;
  /** The last run of the page before: the next page starts after it. */
  beforeRunId?: string;
  limit: number;
}): Promise<WorkflowRun[]> {
  const db = await getDb();
  const conditions = [eq(workflowRuns.projectId, projectId), eq(workflowRuns.workflowId, workflowId)];
  if (status) conditions.push(eq(workflowRuns.status, status));
  if (userId) conditions.push(eq(workflowRuns.userId, userId));
  // A row comparison, which PostgreSQL answers from the (…, created_at, id) indexes (0.2 ms deep into
  // 100,000 runs); the cursor run's own timestamp is read in SQL, at the database's microsecond precision.
  if (beforeRunId) {
    conditions.push(
      sql`(${workflowRuns.createdAt}, ${workflowRuns.id}) < (select r.created_at, r.id from ${workflowRuns} r where r.id = ${beforeRunId}::uuid)`,
    );
  }
  return db
    .select()
    .from(workflowRuns)
    .where(and(...conditions))
    .orderBy(desc(workflowRuns.createdAt), desc(workflowRuns.id))
    .limit(limit);
}

/** Deletes runs created before `olderThan` (their steps go with them); answers how many. */
export async function deleteRunsOlderThan({ olderThan }: { olderThan: Date }): Promise<number> {
  const db = await getDb();
  const deleted = await db.delete(workflowRuns).where(lt(workflowRuns.createdAt, olderThan)).returning({ id: workflowRuns.id });
  return deleted.length;
}
