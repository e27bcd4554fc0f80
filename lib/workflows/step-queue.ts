// How the step queue is made and worked, in a module of its own so that the benchmark's floor
// (bench/noop-worker.ts) works its queue exactly as the step workers do, without the app's database.
import type { Queue, WorkOptions } from "pg-boss";
import { userRunConcurrency } from "@/lib/config/env";

/**
 * A worker that dies mid-step stops sending heartbeats; the next supervision pass after this
 * long gives the job to another worker (about 10–20 s after the crash with the engine's passes).
 */
export const STEP_HEARTBEAT_SECONDS = 10;

/** Crash retries only: a Request step's own retries (backoff, Retry-After) are new jobs. */
export const STEP_QUEUE_OPTIONS = {
  retryLimit: 3,
  retryDelay: 1,
  expireInSeconds: 15 * 60,
  heartbeatSeconds: STEP_HEARTBEAT_SECONDS,
  notify: true,
} satisfies Omit<Queue, "name">;

/**
 * Steps a worker process fetches at once. The loop waits for its whole batch (the slowest step of
 * it) before fetching again, so this is also how many steps a process runs at once: a batch's
 * fixed cost (its fetch, one grouped start and end, its completion) is shared by all of it. One-step
 * runs per second per process with `npm run bench` (a 2,000-run backlog): 142 at 4, 350 at 8, 502
 * at 16, 477 at 32; against an API answering in 100 ms, 32 at 4 and 112 at 16.
 */
export const STEP_BATCH_SIZE = 16;

/**
 * One fetch loop of batches of STEP_BATCH_SIZE, fetched again at once while batches come full
 * (pg-boss otherwise waits a poll interval after every fetch: 8 steps/s per process, measured);
 * each job settles on its own. One loop, because pg-boss counts a user's active jobs when it
 * fetches: two loops fetching at the same moment both saw none and ran two of one user's steps at
 * once. At most SWITCHBOARD_USER_CONCURRENCY steps of one Connected User at once.
 */
export function stepWorkOptions() {
  return {
    batchSize: STEP_BATCH_SIZE,
    burstWhenBatchFull: true,
    perJobResults: true,
    localConcurrency: 1,
    groupConcurrency: userRunConcurrency(),
    pollingIntervalSeconds: 0.5,
    // A new step wakes the worker at once (LISTEN/NOTIFY); the poll stays as often, for steps
    // due later (a retry's backoff, a Delay), which send no notification when they come due.
    notifyPollingIntervalSeconds: 0.5,
  } as const satisfies WorkOptions;
}
