import { CronExpressionParser } from "cron-parser";
import type { Transaction } from "@/db/client";
import { listResourceIdsAtLevel } from "@/db/queries/resources";
import { getRunDefinition } from "@/db/queries/workflow-run-items";
import {
  cancelRun as cancelRunRow,
  copyRunSteps,
  resumeFanOutItems,
  createRuns,
  type DeployedWorkflow,
  deleteRunsOlderThan,
  getDeployedWorkflowById,
  getRun,
  getUserWorkflowSettings,
  getWorkflowWithDeployedVersion,
  listEnabledConnectedUsers,
  listUsersWithScheduledRun,
  listRuns,
  listRunSteps,
  type NewRun,
} from "@/db/queries/workflow-runs";
import type { Workflow, WorkflowRun, WorkflowRunStatus, WorkflowRunStep } from "@/db/schema";
import type { StoredRunTrigger, StoredStep } from "@/db/workflow-definition";
import { runRetentionDays } from "@/lib/config/env";
import { retentionCutoff } from "@/lib/jobs/retention-cutoff";
import { AppError } from "@/lib/errors";
import { countFinishedRun } from "@/lib/metrics/registry";
import { isUuid } from "@/lib/uuid";
import { requireEnabledFor } from "./enablement";
import { enqueueStep, enqueueSteps } from "./jobs";
import { enqueueRunStep, runStepJob, type StepPlace } from "./advance";
import { stepResourceIds } from "./steps";
import { allSteps, type StepTree, stepTree } from "./tree";

// Runs: who they are for, starting them, Replay, Retry from failed step, Cancel, the Runs tab's
// pages, retention. A run's life, from trigger to end:
// 1. A trigger — App Event and Request (triggers.ts), a Scheduler tick (runScheduledTick below),
//    a Resource Trigger's event (lib/webhooks/intake.ts) — picks the workflows that may run for
//    the user (runnableFor) and builds each row with newRun.
// 2. startRuns, where every run starts: its row (Queued) and its first step job (STEP_QUEUE,
//    lib/workflows/jobs.ts) are written in one transaction, so neither exists without the other.
// 3. Each step job (executeStepJob, execute.ts): startStepAttempt marks the run Running and counts
//    the attempt before anything is sent; the step's module runs (lib/workflows/steps); its outcome
//    (advance.ts) writes the step and, in one transaction, the job for what comes next in the
//    definition's tree (tree.ts): the next step, a Condition's branch, this step's retry after its
//    backoff, or a Fan Out's items — all queued at once, Concurrency of them run at a time, each
//    item's end counted down on the Fan Out's row; the end that leaves none open goes on after it.
// 4. A crash: the worker's heartbeat stops, pg-boss retries the job elsewhere (the attempt stays,
//    marked as stopped); a job out of tries goes to LOST_STEP_QUEUE, whose worker fails the step
//    and run with worker_lost.
// 5. The end: the last step's finishStep sets the run's status (Succeeded, Failed, Stopped; Cancel
//    sets Cancelled), the database NOTIFYs it (and a Response step's answer, as it is kept) for the
//    callers waiting with ?wait=true (run-waits.ts); a failed run records workflow.run.failed.
// 6. Replay starts a new run of the same input on the deployed version; Retry from failed step one
//    that copies the steps before the failed one and starts there — both through startRuns.
// 7. The retention job (lib/jobs/retention.ts) deletes runs older than SWITCHBOARD_RUN_RETENTION_DAYS.

/** The resources a workflow's steps send through (its Request steps', in branches and Fan Outs too). */
function requestResourceIds(steps: readonly StoredStep[]): string[] {
  return [...new Set(allSteps({ steps }).flatMap(stepResourceIds))];
}

/** The User-Level resources among them (published level): a run of such a workflow is for one Connected User. */
export function userLevelResourceIds(projectId: string, steps: readonly StoredStep[]): Promise<string[]> {
  return listResourceIdsAtLevel({ projectId, resourceIds: requestResourceIds(steps), level: "user" });
}

/** Queues a run's first job in the transaction that writes its row. */
export type EnqueueFirstStep = (tx: Transaction, run: Pick<WorkflowRun, "id" | "projectId" | "userId">) => Promise<void>;

interface StartRunsOptions {
  /**
   * Retry from failed step: each run keeps `fromRunId`'s steps before the step at `position` (of
   * `tree`, the run's version's) and starts at that step; a failed Fan Out resumes its items
   * (resumeFanOutItems).
   */
  resumeAt?: { fromRunId: string; position: number; tree: StepTree };
}

/**
 * Starts runs (every run starts here, whatever its trigger), each with its first step queued in
 * the transaction that writes its row. `store` writes the rows with something of its caller's in
 * one statement (the webhook intake: its event), calling `enqueue` for each run in its transaction.
 */
export function startRuns(runs: NewRun[], options?: StartRunsOptions): Promise<WorkflowRun[]>;
export function startRuns<Stored>(
  runs: NewRun[],
  options: StartRunsOptions & { store: (runs: NewRun[], enqueue: EnqueueFirstStep) => Promise<Stored> },
): Promise<Stored>;
export function startRuns<Stored>(
  runs: NewRun[],
  { resumeAt, store }: StartRunsOptions & { store?: (runs: NewRun[], enqueue: EnqueueFirstStep) => Promise<Stored> } = {},
): Promise<Stored | WorkflowRun[]> {
  const position = resumeAt?.position ?? 0;
  const enqueue: EnqueueFirstStep = async (tx, run) => {
    if (!resumeAt) return enqueueStep(tx, { runId: run.id, position, projectId: run.projectId, userId: run.userId });
    const { fromRunId, tree } = resumeAt;
    await copyRunSteps(tx, { fromRunId, toRunId: run.id, before: position });
    const place: StepPlace = { run, tree, item: -1, fanOut: undefined };
    const body = tree.firstOf(position, "body");
    if (tree.at(position)!.step.type !== "fan_out" || body === undefined) return enqueueRunStep(tx, place, position);
    const items = await resumeFanOutItems(tx, { fromRunId, toRunId: run.id, position });
    if (!items.length) return enqueueRunStep(tx, place, position);
    await enqueueSteps(
      tx,
      items.map(({ item, resumeAt: at }) => runStepJob({ ...place, item, fanOut: position }, at ?? body)),
    );
  };
  return store ? store(runs, enqueue) : createRuns({ runs, enqueue });
}

/**
 * Which of these deployed workflows may run for `userId` (undefined: the team's backend named no
 * user): enabled for the user (their own setting, else Enabled for all users); a workflow on
 * User-Level resources needs a user.
 */
export async function runnableFor(
  projectId: string,
  deployed: readonly DeployedWorkflow[],
  userId: string | undefined,
): Promise<{ runnable: DeployedWorkflow[]; needsUser: DeployedWorkflow[] }> {
  // Entries read with their user's setting (listDeployedWorkflowsForEvent forUser) need no second query.
  const known = deployed.every((entry) => entry.userEnabled !== undefined);
  const settings =
    userId && !known
      ? await getUserWorkflowSettings({ workflowIds: deployed.map((entry) => entry.workflow.id), userId })
      : new Map(
          deployed.flatMap((entry) => (typeof entry.userEnabled === "boolean" ? [[entry.workflow.id, entry.userEnabled] as const] : [])),
        );
  const runnable: DeployedWorkflow[] = [];
  const needsUser: DeployedWorkflow[] = [];
  // Only a call that names no user needs to know which workflows need one (one query for all).
  const userLevelIds = new Set(
    userId
      ? []
      : await userLevelResourceIds(
          projectId,
          deployed.flatMap((entry) => entry.version.definition.steps),
        ),
  );
  for (const entry of deployed) {
    const userLevel = requestResourceIds(entry.version.definition.steps).some((id) => userLevelIds.has(id));
    if (userLevel && !userId) {
      needsUser.push(entry);
      continue;
    }
    if (settings.get(entry.workflow.id) ?? entry.workflow.enabledForAll) runnable.push(entry);
  }
  return { runnable, needsUser };
}

/** A run's row: of a workflow's version, for a user (null: the app's run), started by `trigger`; `sourceRunId` is the run it replays or retries. */
export function newRun({
  workflow,
  version,
  userId,
  trigger,
  sourceRunId,
}: {
  workflow: Pick<Workflow, "id" | "projectId">;
  version: number;
  userId: string | null;
  trigger: StoredRunTrigger;
  sourceRunId?: string;
}): NewRun {
  return { projectId: workflow.projectId, workflowId: workflow.id, version, userId, trigger, ...(sourceRunId ? { sourceRunId } : {}) };
}

/** A deployed workflow of the project: 404 when there is none, 409 when it has no deployed version. */
export async function requireDeployedWorkflow(projectId: string, workflowId: string): Promise<DeployedWorkflow> {
  const found = await getWorkflowWithDeployedVersion({ projectId, workflowId });
  if (!found) throw new AppError("workflow_not_found");
  if (!found.version) throw new AppError("workflow_not_deployed");
  return { workflow: found.workflow, version: found.version };
}

/** The cron occurrence a tick sent at `sentAt` is for: the latest at or before it, in the trigger's time zone. */
export function scheduledOccurrence(trigger: { cron: string; timeZone: string }, sentAt: Date): Date {
  const expression = CronExpressionParser.parse(trigger.cron, { currentDate: new Date(sentAt.getTime() + 1000), tz: trigger.timeZone });
  return expression.prev().toDate();
}

/**
 * A Scheduler tick: one run per Connected User of the workflow's resources who has it enabled
 * (App-Level: one run). A tick retried after a crash starts only the runs it had not started.
 */
export async function runScheduledTick({ workflowId, sentAt }: { workflowId: string; sentAt: Date }): Promise<WorkflowRun[]> {
  const entry = await getDeployedWorkflowById({ workflowId });
  const trigger = entry?.version.definition.trigger;
  if (!entry || trigger?.kind !== "scheduler") return [];
  const scheduledAt = scheduledOccurrence(trigger, sentAt).toISOString();
  const input: StoredRunTrigger = { kind: "scheduler", input: { scheduledAt } };
  const resourceIds = await userLevelResourceIds(entry.workflow.projectId, entry.version.definition.steps);
  const users: (string | null)[] = resourceIds.length
    ? await listEnabledConnectedUsers({ workflow: entry.workflow, resourceIds })
    : entry.workflow.enabledForAll
      ? [null]
      : [];
  const started = await listUsersWithScheduledRun({ workflowId, scheduledAt });
  return startRuns(
    users
      .filter((userId) => !started.has(userId))
      .map((userId) => newRun({ workflow: entry.workflow, version: entry.version.version, userId, trigger: input })),
  );
}

export interface RunDetail {
  run: WorkflowRun;
  steps: WorkflowRunStep[];
}

async function requireRun(projectId: string, runId: string): Promise<WorkflowRun> {
  const run = await getRun({ projectId, runId });
  if (!run) throw new AppError("run_not_found");
  return run;
}

export async function getRunDetail({ projectId, runId }: { projectId: string; runId: string }): Promise<RunDetail> {
  const run = await requireRun(projectId, runId);
  return { run, steps: await listRunSteps({ runId }) };
}

/** **Replay**: a new run with the same trigger input, on the version deployed now. */
export async function replayRun({ projectId, runId }: { projectId: string; runId: string }): Promise<WorkflowRun> {
  const run = await requireRun(projectId, runId);
  const entry = await requireDeployedWorkflow(projectId, run.workflowId);
  await requireEnabledFor({ workflow: entry.workflow, userId: run.userId });
  const [replay] = await startRuns([
    newRun({ workflow: entry.workflow, version: entry.version.version, userId: run.userId, trigger: run.trigger, sourceRunId: run.id }),
  ]);
  return replay!;
}

/** **Retry from failed step**: a new run on the failed run's version that keeps the steps before the failed one and resumes there. */
export async function retryRunFromFailedStep({ projectId, runId }: { projectId: string; runId: string }): Promise<WorkflowRun> {
  const run = await requireRun(projectId, runId);
  if (run.status !== "failed") throw new AppError("run_not_failed");
  // The run's own failed step (a Fan Out's, when one of its items failed it).
  const failed = (await listRunSteps({ runId })).find((step) => step.item === -1 && step.status === "failed");
  if (!failed) throw new AppError("run_not_failed");
  const found = await getWorkflowWithDeployedVersion({ projectId, workflowId: run.workflowId });
  const definition = await getRunDefinition({ workflowId: run.workflowId, version: run.version });
  if (!found || !definition) throw new AppError("workflow_not_found");
  await requireEnabledFor({ workflow: found.workflow, userId: run.userId });
  const [retry] = await startRuns(
    [newRun({ workflow: found.workflow, version: run.version, userId: run.userId, trigger: run.trigger, sourceRunId: run.id })],
    {
      resumeAt: { fromRunId: run.id, position: failed.position, tree: stepTree(definition) },
    },
  );
  return retry!;
}

/** **Cancel**: a queued or delayed run ends Cancelled; its next job finds it so and does nothing. */
export async function cancelRun({ projectId, runId }: { projectId: string; runId: string }): Promise<void> {
  await requireRun(projectId, runId);
  if (!(await cancelRunRow({ projectId, runId }))) throw new AppError("run_already_finished");
  countFinishedRun("cancelled");
}

export interface RunPage {
  runs: WorkflowRun[];
  /** Pass back as `before` for the next page; absent on the last. */
  next?: string;
}

const PAGE_SIZE = 50;

/** A page of a workflow's runs, newest first, filtered by status and user. */
export async function listRunsPage({
  projectId,
  workflowId,
  status,
  userId,
  before,
}: {
  projectId: string;
  workflowId: string;
  status?: WorkflowRunStatus;
  userId?: string;
  before?: string;
}): Promise<RunPage> {
  // The cursor is the last run's id: the query reads its position itself.
  if (before !== undefined && !isUuid(before))
    throw new AppError("invalid_input", { message: "This page link is not valid.", fields: { before: "Not a page cursor." } });
  const rows = await listRuns({ projectId, workflowId, status, userId, beforeRunId: before, limit: PAGE_SIZE + 1 });
  const runs = rows.slice(0, PAGE_SIZE);
  return { runs, ...(rows.length > PAGE_SIZE ? { next: runs.at(-1)!.id } : {}) };
}

/** Retention: deletes runs older than SWITCHBOARD_RUN_RETENTION_DAYS (the scheduled job). */
export function deleteExpiredRuns(now = new Date()): Promise<number> {
  return deleteRunsOlderThan({ olderThan: retentionCutoff(now, runRetentionDays()) });
}
