import { randomUUID } from "node:crypto";
import type { GroupOptions, JobWithMetadata } from "pg-boss";
import type { Transaction } from "@/db/client";
import type { StoredTrigger } from "@/db/workflow-definition";
import { describeUnexpectedError } from "@/lib/errors";
import { enqueue, enqueueMany, getJobQueue, type JobFeature } from "@/lib/jobs/queue";
import { executeStepJob, failLostStepJob } from "./execute";
import { runScheduledTick } from "./runs";
import { STEP_QUEUE_OPTIONS, stepGroup, stepWorkOptions } from "./step-queue";

// The workflows' queues: one step job executes one step of one run (execute.ts); a Scheduler
// trigger's ticks start its runs (runs.ts).

export const STEP_QUEUE = "workflow-step";
/** Step jobs that ran out of retries (STEP_QUEUE's dead-letter queue): each fails its step and run with worker_lost. */
export const LOST_STEP_QUEUE = "workflow-step-lost";
export const TICK_QUEUE = "workflow-tick";

/** One step of a run: its tree position and key, and inside a Fan Out the item and the Fan Out's position. */
export interface StepJob {
  runId: string;
  position: number;
  /** Absent in a job queued before steps were a tree: its position is then a top-level index. */
  stepKey?: string;
  item?: number;
  fanOut?: number;
}

export interface TickJob {
  workflowId: string;
}

/** A step job to queue: its run's project and user (its concurrency group) and, for a Fan Out item, the Fan Out's Concurrency. */
export type QueuedStep = StepJob & { projectId: string; userId: string | null; fanOutConcurrency?: number; startAfter?: Date };

function stepJobInsert(job: QueuedStep): { data: StepJob; group: GroupOptions; startAfter?: Date } {
  const item = job.item === undefined || job.item < 0 ? undefined : job.item;
  const data: StepJob = {
    runId: job.runId,
    position: job.position,
    ...(job.stepKey === undefined ? {} : { stepKey: job.stepKey }),
    ...(item === undefined ? {} : { item, fanOut: job.fanOut }),
  };
  // Concurrency per project's user, per project's App-Level work, or per Fan Out: the workers limit active jobs per group.
  const group = stepGroup({
    projectId: job.projectId,
    userId: job.userId,
    ...(item === undefined ? {} : { fanOut: { runId: job.runId, position: job.fanOut ?? -1, concurrency: job.fanOutConcurrency ?? 1 } }),
  });
  return { data, group, ...(job.startAfter ? { startAfter: job.startAfter } : {}) };
}

/** Queues one step of a run inside `tx`, so the job exists exactly when the writes beside it commit. */
export async function enqueueStep(tx: Transaction, job: QueuedStep): Promise<void> {
  const { data, ...options } = stepJobInsert(job);
  await enqueue(tx, STEP_QUEUE, data, options);
}

/**
 * Queues many steps (a Fan Out's items) inside `tx` in one statement, to be started in their
 * order: jobs queued together share their creation time, and pg-boss then picks a group's jobs by
 * id, so each id begins with the job's index (the rest random, as any job id).
 */
export async function enqueueSteps(tx: Transaction, jobs: readonly QueuedStep[]): Promise<void> {
  await enqueueMany(
    tx,
    STEP_QUEUE,
    jobs.map((job, index) => ({ ...stepJobInsert(job), id: `${index.toString(16).padStart(8, "0")}${randomUUID().slice(8)}` })),
  );
}

/** Registers (or removes) a workflow's Scheduler trigger: pg-boss sends one tick per occurrence, whatever the number of processes. */
export async function syncWorkflowSchedule({ workflowId, trigger }: { workflowId: string; trigger: StoredTrigger | null }): Promise<void> {
  const boss = await getJobQueue();
  if (trigger?.kind === "scheduler") {
    await boss.schedule(TICK_QUEUE, trigger.cron, { workflowId } satisfies TickJob, { tz: trigger.timeZone, key: workflowId });
  } else {
    await boss.unschedule(TICK_QUEUE, workflowId);
  }
}

export const workflowJobs: JobFeature = {
  queues: [STEP_QUEUE, LOST_STEP_QUEUE, TICK_QUEUE],
  async createQueues(boss) {
    // Retried while the database is away (a dead-letter job must not be lost in turn).
    await boss.createQueue(LOST_STEP_QUEUE, { retryLimit: 10, retryDelay: 5, retryBackoff: true, expireInSeconds: 5 * 60 });
    await boss.createQueue(STEP_QUEUE, { ...STEP_QUEUE_OPTIONS, deadLetter: LOST_STEP_QUEUE });
    // A queue keeps the options it was made with: what changed since is set here too.
    const { retryLimit, retryDelay, heartbeatSeconds } = STEP_QUEUE_OPTIONS;
    await boss.updateQueue(STEP_QUEUE, { notify: true, deadLetter: LOST_STEP_QUEUE, retryLimit, retryDelay, heartbeatSeconds });
    await boss.createQueue(TICK_QUEUE, { retryLimit: 3, retryDelay: 5, expireInSeconds: 10 * 60 });
  },
  /**
   * Step jobs (a few at once, at most SWITCHBOARD_USER_CONCURRENCY at once per Connected User
   * across all processes: stepWorkOptions), lost steps and Scheduler ticks.
   */
  async work(boss) {
    await boss.work<StepJob>(STEP_QUEUE, stepWorkOptions(), (jobs) =>
      Promise.all(
        jobs.map(async (job) => {
          try {
            await executeStepJob(job.data);
            return { id: job.id, status: "completed" as const };
          } catch (error) {
            // Failed jobs are retried by pg-boss; the output says what failed, never data.
            return { id: job.id, status: "failed" as const, output: { error: describeUnexpectedError(error) } };
          }
        }),
      ),
    );
    // pg-boss retries a failed one (the database away): it must not be lost in turn.
    await boss.work<StepJob>(LOST_STEP_QUEUE, { pollingIntervalSeconds: 2 }, async ([job]) => {
      if (job) await failLostStepJob(job.data);
    });
    await boss.work(TICK_QUEUE, { pollingIntervalSeconds: 2, includeMetadata: true }, async ([job]: JobWithMetadata<TickJob>[]) => {
      if (job) await runScheduledTick({ workflowId: job.data.workflowId, sentAt: job.createdOn });
    });
  },
};
