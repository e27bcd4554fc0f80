import { sql } from "drizzle-orm";
import { fromDrizzle, fromPglite, type JobInsert, PgBoss, type SendOptions } from "pg-boss";
import { getDatabase, type Transaction } from "@/db/client";
import { log } from "@/lib/log";

// The app's job queue: pg-boss 12 on the app's own database (PostgreSQL, or its PGlite backend
// in the embedded default). Its queues belong to the features that use them (workflows,
// notifications, webhook subscriptions, keep-warm, retention): each makes its queues and
// registers its workers through a JobFeature, listed in lib/jobs/workers.ts.

/** One feature's jobs. */
export interface JobFeature {
  /** Its queues' names (the metrics read their depth). */
  queues: readonly string[];
  /** Creates its queues (and schedules): at every start of the job queue, so that any process, working or not, may send to them. */
  createQueues(boss: PgBoss): Promise<void>;
  /** Makes this process work its queues. */
  work(boss: PgBoss): Promise<void>;
}

// pg-boss notices missed heartbeats on its monitor passes, which need both timers (every 60 s by
// default): from a SIGKILL to the retry, 60 s with the default, 19.5 s with passes every 10 s,
// under 12 s with these (STEP_HEARTBEAT_SECONDS; measured on the 2-core dev machine, 2026-12-07).
// One process of all claims each pass.
const SUPERVISION = { superviseIntervalSeconds: 1, monitorIntervalSeconds: 1 };

const globalForJobs = globalThis as typeof globalThis & { switchboardJobQueue?: Promise<PgBoss> };

async function startJobQueue(): Promise<PgBoss> {
  const { jobs } = await getDatabase();
  const boss =
    jobs.kind === "pglite"
      ? new PgBoss({ db: fromPglite(jobs.client), backend: "pglite", ...SUPERVISION })
      : // LISTEN/NOTIFY: a worker fetches a new step at once instead of at its next poll (0.5 s).
        new PgBoss({ connectionString: jobs.url, max: 5, application_name: "switchboard-jobs", useListenNotify: true, ...SUPERVISION });
  // A failed poll or maintenance pass is retried by pg-boss; say what failed, never a job's data.
  boss.on("error", (error: unknown) => log.error({ error }, "Job queue error"));
  await boss.start();
  // Imported here, not above: every feature's jobs module sends through this one.
  const { JOB_FEATURES } = await import("./workers");
  for (const feature of JOB_FEATURES) await feature.createQueues(boss);
  return boss;
}

/** This process's job queue, started once with every feature's queues (workers are registered separately: startWorkers). */
export function getJobQueue(): Promise<PgBoss> {
  if (!globalForJobs.switchboardJobQueue) {
    const starting = startJobQueue();
    globalForJobs.switchboardJobQueue = starting;
    starting.catch(() => {
      if (globalForJobs.switchboardJobQueue === starting) globalForJobs.switchboardJobQueue = undefined;
    });
  }
  return globalForJobs.switchboardJobQueue;
}

/** This process's job queue if it was started here (it may still be starting), without starting one. */
export function runningJobQueue(): Promise<PgBoss> | undefined {
  return globalForJobs.switchboardJobQueue;
}

/** Stops this process's job queue (tests, and a worker process shutting down). */
export async function stopJobQueue(options: { graceful?: boolean } = {}): Promise<void> {
  const boss = globalForJobs.switchboardJobQueue;
  globalForJobs.switchboardJobQueue = undefined;
  if (boss) await (await boss).stop({ graceful: options.graceful ?? true, close: true, timeout: 10_000 });
}

/** Queues a job inside `tx`, so the job exists exactly when the writes beside it commit. */
export async function enqueue(tx: Transaction, queue: string, data: object, options: Omit<SendOptions, "db"> = {}): Promise<void> {
  const boss = await getJobQueue();
  await boss.send(queue, data, { ...options, db: fromDrizzle(tx as unknown as Parameters<typeof fromDrizzle>[0], sql) });
}

/** Sends many jobs inside `tx`, in one statement. */
export async function enqueueMany(tx: Transaction, queue: string, jobs: JobInsert[]): Promise<void> {
  if (!jobs.length) return;
  const boss = await getJobQueue();
  await boss.insert(queue, jobs, { db: fromDrizzle(tx as unknown as Parameters<typeof fromDrizzle>[0], sql) });
}
