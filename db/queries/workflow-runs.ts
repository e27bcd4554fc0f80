import "server-only";
import { and, desc, eq, inArray, isNotNull, lt, sql } from "drizzle-orm";
import { getDb, parseJsonb, preparedStatement, type Database } from "../client";
import {
  connections,
  workflowRuns,
  workflowRunSteps,
  workflows,
  workflowUserSettings,
  workflowVersions,
  type Connection,
  type Workflow,
  type WorkflowRun,
  type WorkflowRunStatus,
  type WorkflowRunStep,
  type WorkflowVersion,
} from "../schema";
import type { StoredRunTrigger, StoredStepAttempt, StoredWorkflowDefinition } from "../workflow-definition";
import { KIND_IS } from "./connections";

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
    .where(and(inArray(connections.resourceId, resourceIds), KIND_IS.user));
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

/** What a step's job works with, read as its attempt starts. */
export interface StartedStepAttempt {
  run: Pick<WorkflowRun, "id" | "projectId" | "userId" | "trigger">;
  /** The definition the run runs (its recorded version). */
  definition: StoredWorkflowDefinition;
  /** The steps before this one, in order (they are settled). */
  done: Pick<WorkflowRunStep, "stepKey" | "output">[];
  /** The step's attempts, the one starting now last. */
  attempts: StoredStepAttempt[];
  /** The project's configuration revision, read with the rest. */
  revision: number;
  /** The run's user's connection to the first Request step's resource (its profile is a variable), when there is one. */
  connection: Connection | undefined;
}

const preparedStepAttempt = preparedStatement((db) => {
  const runId = sql.placeholder("runId");
  const position = sql`${sql.placeholder("position")}::int`;
  // The CTEs' columns are named apart from the joined connection's: drizzle refers to them unqualified.
  const run = db
    .$with("run", {
      projectId: sql<string>`run_project_id`.as("run_project_id"),
      userId: sql<string | null>`run_user_id`.as("run_user_id"),
      trigger: sql<StoredRunTrigger>`run_trigger`.mapWith(parseJsonb<StoredRunTrigger>).as("run_trigger"),
      definition: sql<StoredWorkflowDefinition>`run_definition`.mapWith(parseJsonb<StoredWorkflowDefinition>).as("run_definition"),
      profileResourceId: sql<string | null>`profile_resource_id`.as("profile_resource_id"),
    })
    .as(sql`
      update workflow_runs r set status = 'running', started_at = coalesce(r.started_at, now())
      from workflow_versions v
      where r.id = ${runId} and r.status in ('queued', 'running')
        and v.workflow_id = r.workflow_id and v.version = r.version and jsonb_array_length(v.definition -> 'steps') > ${position}
      returning r.project_id as run_project_id, r.user_id as run_user_id, r.trigger as run_trigger, v.definition as run_definition,
        (jsonb_path_query_first(v.definition, '$.steps[*] ? (@.type == "request").resourceId') #>> '{}')::uuid as profile_resource_id`);
  const attempt = sql`jsonb_build_array(jsonb_build_object('startedAt', ${sql.placeholder("attemptStartedAt")}::text, 'durationMs', 0))`;
  const step = db.$with("step", { attempts: sql<StoredStepAttempt[]>`step_attempts`.mapWith(parseJsonb<StoredStepAttempt[]>).as("step_attempts") }).as(sql`
    insert into workflow_run_steps (run_id, position, step_key, status, started_at, attempts)
    select ${runId}, ${position}, run.run_definition -> 'steps' -> ${position} ->> 'key', 'running', now(), ${attempt} from run
    on conflict (run_id, position) do update
      set status = 'running', error = null, attempts = workflow_run_steps.attempts || excluded.attempts, finished_at = null
    returning attempts as step_attempts`);
  return db
    .with(run, step)
    .select({
      projectId: run.projectId,
      userId: run.userId,
      trigger: run.trigger,
      definition: run.definition,
      attempts: step.attempts,
      revision: sql<string>`(select p.config_revision::text from projects p where p.id = ${run.projectId})`,
      done: sql<StartedStepAttempt["done"]>`(
        select coalesce(jsonb_agg(jsonb_build_object('stepKey', s.step_key, 'output', s.output) order by s.position), '[]'::jsonb)
        from workflow_run_steps s where s.run_id = ${runId} and s.position < ${position})`.mapWith(parseJsonb<StartedStepAttempt["done"]>),
      connection: connections,
    })
    .from(run)
    .crossJoin(step)
    .leftJoin(
      connections,
      and(eq(connections.projectId, run.projectId), eq(connections.resourceId, run.profileResourceId), KIND_IS.user, eq(connections.userId, run.userId)),
    )
    .prepare("start_step_attempt");
});

/**
 * Starts an attempt at step `position` of a run, in one statement: marks the run running (when
 * it is queued or running) and the step running with the attempt counted, and reads what the job
 * needs. Undefined when the run is over (cancelled, say) or its version has no such step.
 */
export async function startStepAttempt({
  runId,
  position,
  attemptStartedAt,
}: {
  runId: string;
  position: number;
  attemptStartedAt: string;
}): Promise<StartedStepAttempt | undefined> {
  const [row] = await preparedStepAttempt(await getDb()).execute({ runId, position, attemptStartedAt });
  if (!row) return undefined;
  return {
    run: { id: runId, projectId: row.projectId, userId: row.userId, trigger: row.trigger },
    definition: row.definition,
    done: row.done,
    attempts: row.attempts,
    revision: Number(row.revision),
    connection: row.connection ?? undefined,
  };
}

/** How a run ends at one of its steps (succeeded, failed, stopped at a Condition). */
export type RunEnd = { status: "succeeded" | "failed" | "stopped"; error?: string | null };

/** The values of a run's end (or placeholders for them, to prepare the statement). */
interface RunEndValues {
  runId: unknown;
  position: unknown;
  stepStatus: unknown;
  /** json text, or null */
  output: unknown;
  /** json text */
  attempts: unknown;
  stepError: unknown;
  runStatus: unknown;
  runError: unknown;
}

/**
 * A step's last fields and its run's end in one statement: the step's update rides along as a
 * data-modifying CTE (PostgreSQL runs it whatever the run's update finds); the run's update
 * finds the run only if it had not ended before (what it returns is the caller's choice).
 */
function runEndStatement(client: Database | Transaction, values: RunEndValues) {
  const finishedStep = client.$with("finished_step", {}).as(
    client
      .update(workflowRunSteps)
      .set({
        status: sql`${values.stepStatus}::workflow_step_status`,
        output: sql`${values.output}::jsonb`,
        attempts: sql`${values.attempts}::jsonb`,
        error: sql`${values.stepError}::text`,
        finishedAt: sql`now()`,
      })
      .where(and(eq(workflowRunSteps.runId, sql`${values.runId}::uuid`), eq(workflowRunSteps.position, sql`${values.position}::int`)))
      .getSQL(),
  );
  return client
    .with(finishedStep)
    .update(workflowRuns)
    .set({ status: sql`${values.runStatus}::workflow_run_status`, error: sql`${values.runError}::text`, finishedAt: sql`now()` })
    .where(and(eq(workflowRuns.id, sql`${values.runId}::uuid`), inArray(workflowRuns.status, ["queued", "running"])));
}

// A one-step run's last write: prepared, since it is the engine's hottest statement after the start.
// It returns only the id: whether the run ended here is all its caller asks.
const preparedRunEnd = preparedStatement((db) =>
  runEndStatement(db, {
    runId: sql.placeholder("runId"),
    position: sql.placeholder("position"),
    stepStatus: sql.placeholder("stepStatus"),
    output: sql.placeholder("output"),
    attempts: sql.placeholder("attempts"),
    stepError: sql.placeholder("stepError"),
    runStatus: sql.placeholder("runStatus"),
    runError: sql.placeholder("runError"),
  })
    .returning({ id: workflowRuns.id })
    .prepare("finish_run"),
);

/**
 * Records how a step's attempt ended and what the run does next. With `run`, the step is
 * finished and the run ends, in one statement (one transaction with `onRunEnded`); without it, the
 * step's fields and `enqueue` (its next job, or this step's retry) in one transaction. Answers
 * whether the run's end was written (false without `run`, or when the run had already ended).
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
} & (
  | {
      run: RunEnd;
      enqueue?: never;
      /** Runs in the same transaction when `run` ended the run (it had not ended before). */
      onRunEnded?: (tx: Transaction, run: WorkflowRun) => Promise<void>;
    }
  | { run?: never; enqueue: (tx: Transaction) => Promise<void>; onRunEnded?: never }
)): Promise<boolean> {
  const db = await getDb();
  if (run) {
    // The step started with no output and no error: what this end does not give stays empty.
    const values = {
      runId,
      position,
      stepStatus: step.status,
      output: step.output === undefined || step.output === null ? null : JSON.stringify(step.output),
      attempts: JSON.stringify(step.attempts ?? []),
      stepError: step.error ?? null,
      runStatus: run.status,
      runError: run.error ?? null,
    };
    if (!onRunEnded) return (await preparedRunEnd(db).execute(values)).length > 0;
    return db.transaction(async (tx) => {
      const [ended] = await runEndStatement(tx, values).returning();
      if (ended) await onRunEnded(tx, ended);
      return ended !== undefined;
    });
  }
  const { finished, ...fields } = step;
  await db.transaction(async (tx) => {
    await tx
      .update(workflowRunSteps)
      .set({ ...fields, ...(finished ? { finishedAt: new Date() } : {}) })
      .where(and(eq(workflowRunSteps.runId, runId), eq(workflowRunSteps.position, position)));
    await enqueue(tx);
  });
  return false;
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
