import { EventEmitter } from "node:events";
import { listenForRunEnds } from "@/db/run-end-notifications";
import { AppError, describeUnexpectedError } from "@/lib/errors";
import { log } from "@/lib/log";
import { MAX_WAITS_PER_USER, TOO_MANY_WAITS_MESSAGE } from "./api-schema";

// `?wait=true`: a waiter sleeps until its run ends (or answers: its Response step, migration
// 0020). Every run's end is NOTIFYed by the database
// (a trigger on workflow_runs, migration 0017) in the transaction that ends it, whichever
// process ended it; this process LISTENs while anyone here waits and wakes the run's waiters
// through an EventEmitter keyed by run id. A check when the wait starts (the run may have ended
// before the LISTEN), a slow safety check in case a notification is lost (a reconnect), and one
// at the deadline: no polling beyond that.

/** Seconds a caller refused with too_many_waits is asked to wait (Retry-After). */
const TOO_MANY_WAITS_RETRY_AFTER_SECONDS = 1;
/** How often a waiter reads its run anyway, in case its notification was lost. */
const SAFETY_CHECK_MS = 3_000;
/** The LISTEN connection outlives the last waiter this long, so back-to-back waits share it. */
const LISTENER_LINGER_MS = 10_000;

interface RunWaits {
  ended: EventEmitter;
  waiters: number;
  /** Waits held per Connected User: JSON of [projectId, userId] (a user id is the team's own string). */
  perUser: Map<string, number>;
  listener?: Promise<{ close(): Promise<void> }>;
  idle?: NodeJS.Timeout;
}

// One registry per process: Next.js may load this module into several bundles.
const globalForWaits = globalThis as typeof globalThis & { switchboardRunWaits?: RunWaits };

function registry(): RunWaits {
  if (!globalForWaits.switchboardRunWaits) {
    const ended = new EventEmitter();
    // One listener per waiter, each on its own run id.
    ended.setMaxListeners(0);
    globalForWaits.switchboardRunWaits = { ended, waiters: 0, perUser: new Map() };
  }
  return globalForWaits.switchboardRunWaits;
}

/**
 * Holds one of a Connected User's waits until `release` is called; 429 too_many_waits when the
 * user already holds MAX_WAITS_PER_USER in this process. A call naming no user (the team's
 * backend for an App-Level workflow) is not counted: its Secret Key's rate limit applies.
 */
export function holdWait({ projectId, userId }: { projectId: string; userId: string | undefined }): () => void {
  if (userId === undefined) return () => {};
  const waits = registry();
  const key = JSON.stringify([projectId, userId]);
  const held = waits.perUser.get(key) ?? 0;
  if (held >= MAX_WAITS_PER_USER) {
    throw new AppError("too_many_waits", {
      message: TOO_MANY_WAITS_MESSAGE,
      headers: { "Retry-After": String(TOO_MANY_WAITS_RETRY_AFTER_SECONDS) },
    });
  }
  waits.perUser.set(key, held + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (waits.perUser.get(key) ?? 1) - 1;
    if (left > 0) waits.perUser.set(key, left);
    else waits.perUser.delete(key);
  };
}

function startListening(waits: RunWaits): Promise<void> {
  clearTimeout(waits.idle);
  waits.idle = undefined;
  if (!waits.listener) {
    const listener = listenForRunEnds({ onEnded: (runId) => waits.ended.emit(runId) });
    waits.listener = listener;
    // A LISTEN that fails is tried again by the next waiter; this one falls back on its safety checks.
    listener.catch(() => {
      if (waits.listener === listener) waits.listener = undefined;
    });
  }
  return waits.listener.then(
    () => undefined,
    (error: unknown) =>
      log.error({ error: describeUnexpectedError(error) }, "Cannot listen for runs' ends: waiting runs are checked every few seconds"),
  );
}

function stopListeningWhenIdle(waits: RunWaits): void {
  if (waits.waiters > 0) return;
  clearTimeout(waits.idle);
  waits.idle = setTimeout(() => void stopRunEndListener(), LISTENER_LINGER_MS);
  // An idle listener never keeps the process alive.
  waits.idle.unref();
}

/** Closes this process's LISTEN connection (tests, before their database goes); the next waiter opens another. */
export async function stopRunEndListener(): Promise<void> {
  const waits = registry();
  clearTimeout(waits.idle);
  waits.idle = undefined;
  const listener = waits.listener;
  waits.listener = undefined;
  await (await listener?.catch(() => undefined))?.close();
}

/**
 * Waits until run `runId` has ended, or `deadline` (epoch ms) passes: answers what `readEnded`
 * (a read of the run, undefined while it goes on) answers, or undefined at the deadline. Reads
 * when the wait starts, when the run's end is notified, every `safetyCheckMs` and at the deadline.
 */
export async function waitForRunEnd<T>({
  runId,
  deadline,
  readEnded,
  safetyCheckMs = SAFETY_CHECK_MS,
}: {
  runId: string;
  deadline: number;
  readEnded: () => Promise<T | undefined>;
  safetyCheckMs?: number;
}): Promise<T | undefined> {
  const waits = registry();
  let notified = false;
  let wake = () => {};
  const onEnded = () => {
    notified = true;
    wake();
  };
  // Subscribed before listening and before the first read: an end in between is not missed.
  waits.ended.on(runId, onEnded);
  waits.waiters++;
  try {
    await startListening(waits);
    for (;;) {
      const ended = await readEnded();
      if (ended !== undefined) return ended;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, safetyCheckMs));
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
        if (notified) wake();
      });
    }
  } finally {
    waits.ended.off(runId, onEnded);
    waits.waiters--;
    stopListeningWhenIdle(waits);
  }
}
