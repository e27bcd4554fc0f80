import { sql } from "drizzle-orm";
import { fromDrizzle, fromPglite, PgBoss } from "pg-boss";
import { getDatabase } from "@/db/client";
import { log } from "@/lib/log";
import type { Transaction } from "@/db/client";
import type { StoredTrigger } from "@/db/workflow-definition";
import { STEP_QUEUE_OPTIONS, stepGroup } from "./step-queue";

// The job queue under workflows: pg-boss 12 on the app's own database (PostgreSQL, or its
// PGlite backend in the embedded default). One job executes one step of one run.

export const STEP_QUEUE = "workflow-step";
/** Step jobs that ran out of retries (STEP_QUEUE's dead-letter queue): each fails its step and run with worker_lost. */
export const LOST_STEP_QUEUE = "workflow-step-lost";
export const TICK_QUEUE = "workflow-tick";
export const RETENTION_QUEUE = "workflow-retention";
export const SUBSCRIPTION_QUEUE = "webhook-subscription";
export const NOTIFICATION_QUEUE = "notification-delivery";
export const KEEP_WARM_QUEUE = "connection-keep-warm";
/** Switchboard's own queues (pg-boss keeps internal ones beside them). */
export const QUEUES = [STEP_QUEUE, LOST_STEP_QUEUE, TICK_QUEUE, RETENTION_QUEUE, SUBSCRIPTION_QUEUE, NOTIFICATION_QUEUE, KEEP_WARM_QUEUE];

export interface StepJob {
  runId: string;
  position: number;
}

export interface TickJob {
  workflowId: string;
}

export interface SubscriptionJob {
  connectionId: string;
  webhookUrl: string;
}

export interface NotificationJob {
  deliveryId: string;
}

/** A failed webhook Subscription is tried this many more times, with backoff from 30 s (about 15 minutes in all). */
export const SUBSCRIPTION_RETRIES = 5;

// pg-boss notices missed heartbeats on its monitor passes, which need both timers (every 60 s by
// default): measured 60 s from a SIGKILL to the retry with the default, 19.5 s with passes every
// 10 s, under 12 s with these (STEP_HEARTBEAT_SECONDS). One process of all claims each pass.
const SUPERVISION = { superviseIntervalSeconds: 1, monitorIntervalSeconds: 1 };

const globalForEngine = globalThis as typeof globalThis & { switchboardWorkflowEngine?: Promise<PgBoss> };

async function startEngine(): Promise<PgBoss> {
  const { jobs } = await getDatabase();
  const boss =
    jobs.kind === "pglite"
      ? new PgBoss({ db: fromPglite(jobs.client), backend: "pglite", ...SUPERVISION })
      : // LISTEN/NOTIFY: a worker fetches a new step at once instead of at its next poll (0.5 s).
        new PgBoss({ connectionString: jobs.url, max: 5, application_name: "switchboard-jobs", useListenNotify: true, ...SUPERVISION });
  // A failed poll or maintenance pass is retried by pg-boss; say what failed, never a job's data.
  boss.on("error", (error: unknown) => log.error({ error }, "Job queue error"));
  await boss.start();
  // Retried while the database is away (a dead-letter job must not be lost in turn).
  await boss.createQueue(LOST_STEP_QUEUE, { retryLimit: 10, retryDelay: 5, retryBackoff: true, expireInSeconds: 5 * 60 });
  await boss.createQueue(STEP_QUEUE, { ...STEP_QUEUE_OPTIONS, deadLetter: LOST_STEP_QUEUE });
  // A queue keeps the options it was made with: what changed since is set here too.
  const { retryLimit, retryDelay, heartbeatSeconds } = STEP_QUEUE_OPTIONS;
  await boss.updateQueue(STEP_QUEUE, { notify: true, deadLetter: LOST_STEP_QUEUE, retryLimit, retryDelay, heartbeatSeconds });
  await boss.createQueue(TICK_QUEUE, { retryLimit: 3, retryDelay: 5, expireInSeconds: 10 * 60 });
  await boss.createQueue(RETENTION_QUEUE, { retryLimit: 1, expireInSeconds: 60 * 60 });
  await boss.createQueue(SUBSCRIPTION_QUEUE, { retryLimit: SUBSCRIPTION_RETRIES, retryDelay: 30, retryBackoff: true, expireInSeconds: 5 * 60 });
  // Crash retries only: a delivery's own retries (backoff) are new jobs (lib/notifications/deliver.ts).
  await boss.createQueue(NOTIFICATION_QUEUE, { retryLimit: 2, retryDelay: 5, expireInSeconds: 5 * 60 });
  await boss.createQueue(KEEP_WARM_QUEUE, { retryLimit: 1, expireInSeconds: 60 * 60 });
  // Often enough that the rate-limit windows (one row per key and minute) stay few.
  await boss.schedule(RETENTION_QUEUE, "*/10 * * * *", {}, { tz: "UTC" });
  await boss.schedule(KEEP_WARM_QUEUE, "41 * * * *", {}, { tz: "UTC" });
  return boss;
}

/** This process's job queue, started once (workers are registered separately: lib/workflows/workers.ts). */
export function getWorkflowEngine(): Promise<PgBoss> {
  if (!globalForEngine.switchboardWorkflowEngine) {
    const starting = startEngine();
    globalForEngine.switchboardWorkflowEngine = starting;
    starting.catch(() => {
      if (globalForEngine.switchboardWorkflowEngine === starting) globalForEngine.switchboardWorkflowEngine = undefined;
    });
  }
  return globalForEngine.switchboardWorkflowEngine;
}

/** This process's job queue if it was started here (it may still be starting), without starting one. */
export function runningWorkflowEngine(): Promise<PgBoss> | undefined {
  return globalForEngine.switchboardWorkflowEngine;
}

/** Stops this process's job queue (tests, and a worker process shutting down). */
export async function stopWorkflowEngine(options: { graceful?: boolean } = {}): Promise<void> {
  const engine = globalForEngine.switchboardWorkflowEngine;
  globalForEngine.switchboardWorkflowEngine = undefined;
  if (engine) await (await engine).stop({ graceful: options.graceful ?? true, close: true, timeout: 10_000 });
}

/** Queues one step of a run inside `tx`, so the job exists exactly when the writes beside it commit. */
export async function enqueueStep(
  tx: Transaction,
  job: StepJob & { projectId: string; userId: string | null; startAfter?: Date },
): Promise<void> {
  const boss = await getWorkflowEngine();
  await boss.send(
    STEP_QUEUE,
    { runId: job.runId, position: job.position } satisfies StepJob,
    {
      db: fromDrizzle(tx as unknown as Parameters<typeof fromDrizzle>[0], sql),
      // Concurrency per project's user, or per project's App-Level work: the workers limit active jobs per group.
      group: stepGroup({ projectId: job.projectId, userId: job.userId }),
      ...(job.startAfter ? { startAfter: job.startAfter } : {}),
    },
  );
}

/** Queues one attempt of a notification delivery inside `tx`, so the job exists exactly when the delivery's row does. */
export async function enqueueNotificationDelivery(tx: Transaction, job: NotificationJob & { startAfter?: Date }): Promise<void> {
  const boss = await getWorkflowEngine();
  await boss.send(NOTIFICATION_QUEUE, { deliveryId: job.deliveryId } satisfies NotificationJob, {
    db: fromDrizzle(tx as unknown as Parameters<typeof fromDrizzle>[0], sql),
    ...(job.startAfter ? { startAfter: job.startAfter } : {}),
  });
}

/** Registers (or removes) a workflow's Scheduler trigger: pg-boss sends one tick per occurrence, whatever the number of processes. */
export async function syncWorkflowSchedule({ workflowId, trigger }: { workflowId: string; trigger: StoredTrigger | null }): Promise<void> {
  const boss = await getWorkflowEngine();
  if (trigger?.kind === "scheduler") {
    await boss.schedule(TICK_QUEUE, trigger.cron, { workflowId } satisfies TickJob, { tz: trigger.timeZone, key: workflowId });
  } else {
    await boss.unschedule(TICK_QUEUE, workflowId);
  }
}
