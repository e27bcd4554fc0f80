// How the step queue is made and worked, in a module of its own so that the benchmark's floor
// (bench/noop-worker.ts) works its queue exactly as the step workers do, without the app's database.
import type { GroupOptions, Queue, WorkOptions } from "pg-boss";
import { appRunConcurrency, userRunConcurrency } from "@/lib/config/env";
import { MAX_FAN_OUT_CONCURRENCY } from "./steps/fan-out";

/**
 * A worker that dies mid-step stops sending heartbeats (it sends one every second,
 * STEP_HEARTBEAT_REFRESH_SECONDS). Once the last one is this old, the next supervision pass (every
 * second: lib/jobs/queue.ts) fails the job and another worker takes it at once: 9–11.5 s
 * after the crash (10.0–11.2 s measured on the 2-core dev machine, 2026-12-07). pg-boss allows no
 * less than 10.
 */
export const STEP_HEARTBEAT_SECONDS = 10;
const STEP_HEARTBEAT_REFRESH_SECONDS = 1;

/**
 * Crash retries only: a Request step's own retries (backoff, Retry-After) are new jobs. A job that
 * has none left goes to the step queue's dead-letter queue, which fails its run (worker_lost). A
 * crash is retried at once; the tries are enough to ride out a few crashes or a database restart
 * (a job whose worker could not reach the database stays active until its heartbeat expires).
 */
export const STEP_QUEUE_OPTIONS = {
  retryLimit: 5,
  retryDelay: 0,
  expireInSeconds: 15 * 60,
  heartbeatSeconds: STEP_HEARTBEAT_SECONDS,
  notify: true,
} satisfies Omit<Queue, "name">;

/** The tier of a project's App-Level group: it has its own limit, SWITCHBOARD_APP_CONCURRENCY. */
const APP_TIER = "app";
/** The tier of a Fan Out's items at Concurrency `concurrency`: one tier per Concurrency, each allowing that many at once. */
function fanOutTier(concurrency: number): string {
  return `fan_out_${concurrency}`;
}

/**
 * The concurrency group of a run's steps: one Connected User of one project, or the project's
 * App-Level work (runs for no user). A user id is the team's own string, so the id is JSON of
 * the pair: no user id can name another project's group, or its project's App-Level one. A Fan
 * Out's items are a group of their own (the run's Fan Out), in the tier of the Fan Out's
 * Concurrency: what the team set for it, beside the user's other steps. Every item is queued when
 * the Fan Out starts; the workers run at most Concurrency of them at once.
 */
export function stepGroup({
  projectId,
  userId,
  fanOut,
}: {
  projectId: string;
  userId: string | null;
  fanOut?: { runId: string; position: number; concurrency: number };
}): GroupOptions {
  if (fanOut) return { id: JSON.stringify([projectId, userId, fanOut.runId, fanOut.position]), tier: fanOutTier(fanOut.concurrency) };
  return userId === null ? { id: JSON.stringify([projectId]), tier: APP_TIER } : { id: JSON.stringify([projectId, userId]) };
}

/**
 * Steps a worker process fetches at once. The loop waits for its whole batch (the slowest step of
 * it) before fetching again, so this is also how many steps a process runs at once: a batch's
 * fixed cost (its fetch, one grouped start and end, its completion) is shared by all of it. One-step
 * runs per second per process with `npm run bench` (a 2,000-run backlog, on the 2-core dev machine,
 * 2026-12-02): 142 at 4, 350 at 8, 502 at 16, 477 at 32; against an API answering in 100 ms, 32 at
 * 4 and 112 at 16.
 */
export const STEP_BATCH_SIZE = 16;

/**
 * One fetch loop of batches of STEP_BATCH_SIZE, fetched again at once while batches come full
 * (pg-boss otherwise waits a poll interval after every fetch: 8 steps/s per process, measured on
 * the 2-core dev machine by 2026-12-01);
 * each job settles on its own. One loop, because pg-boss counts a user's active jobs when it
 * fetches: two loops fetching at the same moment both saw none and ran two of one user's steps at
 * once. At most SWITCHBOARD_USER_CONCURRENCY steps of one Connected User at once, and
 * SWITCHBOARD_APP_CONCURRENCY of one project's App-Level work (stepGroup), across all processes.
 */
export function stepWorkOptions() {
  return {
    batchSize: STEP_BATCH_SIZE,
    burstWhenBatchFull: true,
    perJobResults: true,
    localConcurrency: 1,
    groupConcurrency: {
      default: userRunConcurrency(),
      tiers: {
        [APP_TIER]: appRunConcurrency(),
        ...Object.fromEntries(Array.from({ length: MAX_FAN_OUT_CONCURRENCY }, (_, index) => [fanOutTier(index + 1), index + 1])),
      },
    },
    heartbeatRefreshSeconds: STEP_HEARTBEAT_REFRESH_SECONDS,
    pollingIntervalSeconds: 0.5,
    // A new step wakes the worker at once (LISTEN/NOTIFY); the poll stays as often, for steps
    // due later (a retry's backoff, a Delay), which send no notification when they come due.
    notifyPollingIntervalSeconds: 0.5,
  } as const satisfies WorkOptions;
}
