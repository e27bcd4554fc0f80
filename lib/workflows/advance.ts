import { countDownFanOut, endFanOutItem, fanOutResult, insertFanOutItems } from "@/db/queries/fan-outs";
import { getDb, type Transaction } from "@/db/client";
import { endRunAtStep, finishStep, type RunEnd, writeStepFields } from "@/db/queries/workflow-runs";
import type { WorkflowRunStep } from "@/db/schema";
import { countFinishedRun } from "@/lib/metrics/registry";
import { notifyRunFailed } from "@/lib/notifications/events";
import { enqueueStep } from "./jobs";
import type { StepOf } from "./steps";
import type { Continuation, StepTree } from "./tree";

// What a run does once a step's try has an outcome: the step's row is written and, in the same
// transaction, what comes next — the next step's job, the run's end, or (the last step of a Fan
// Out item) the item's count in the Fan Out's join, which queues the next waiting item and, when
// the last item is counted, ends the Fan Out and goes on after it.

/** Where a step runs: its run, the run's definition tree, and the Fan Out item (-1: none) with its Fan Out's position. */
export interface StepPlace {
  run: { id: string; projectId: string; userId: string | null };
  tree: StepTree;
  item: number;
  fanOut: number | undefined;
}

/** What becomes of the run (or the Fan Out item) after a step: a continuation, or it ends Stopped or Failed here. */
export type StepEnd = Continuation | { kind: "stopped" } | { kind: "failed"; error: string };

type StepFields = Partial<Pick<WorkflowRunStep, "status" | "output" | "attempts" | "error">>;

/** A Fan Out's items' outputs are kept in its own output up to this size in all. */
export const MAX_FAN_OUT_OUTPUT_BYTES = 16 * 1024 * 1024;

/** Queues the step at `position` of the place's run (and item) inside `tx`. */
export function enqueueRunStep(tx: Transaction, place: StepPlace, position: number, startAfter?: Date): Promise<void> {
  return enqueueStep(tx, {
    runId: place.run.id,
    position,
    stepKey: place.tree.at(position)!.step.key,
    ...(place.item >= 0 ? { item: place.item, fanOut: place.fanOut } : {}),
    projectId: place.run.projectId,
    userId: place.run.userId,
    startAfter,
  });
}

/** Counts a run that ended in the metrics (after its transaction committed). */
function counted(ended: RunEnd["status"] | undefined): void {
  if (ended) countFinishedRun(ended);
}

/**
 * Writes a step's end and what follows it. Outside a Fan Out item, a run's end is one grouped
 * statement (finishStep); an item's end counts in its Fan Out's join, in one transaction.
 */
export async function settleStep(place: StepPlace, position: number, fields: StepFields, then: StepEnd, startAfter?: Date): Promise<void> {
  const step = { ...fields, finished: true };
  const { id: runId } = place.run;
  const { item } = place;
  const key = place.tree.at(position)!.step.key;
  if (then.kind === "step") {
    await finishStep({ runId, item, position, step, enqueue: (tx) => enqueueRunStep(tx, place, then.position, startAfter) });
    return;
  }
  if (item >= 0) {
    const status = then.kind === "failed" ? "failed" : then.kind === "stopped" ? "stopped" : "succeeded";
    const db = await getDb();
    const ended = await db.transaction((tx) =>
      joinFanOutItem(tx, place, position, fields, { status, output: fields.output ?? null, error: then.kind === "failed" ? `Step ${key}: ${then.error}` : null }),
    );
    counted(ended);
    return;
  }
  const run: RunEnd =
    then.kind === "failed" ? { status: "failed", error: `Step ${key}: ${then.error}` } : { status: then.kind === "stopped" ? "stopped" : "succeeded" };
  const written = await finishStep({ runId, item, position, step, run, ...(run.status === "failed" ? { onRunEnded: notifyRunFailed } : {}) });
  if (written) countFinishedRun(run.status);
}

/** Starts a Fan Out's items inside `tx`: their rows, and the first step's job of the first `concurrency`. */
export async function startFanOutItems(
  tx: Transaction,
  place: StepPlace,
  { position, first, items, concurrency }: { position: number; first: number; items: unknown[]; concurrency: number },
): Promise<void> {
  await insertFanOutItems(tx, { runId: place.run.id, position, items, concurrency });
  for (let item = 0; item < Math.min(concurrency, items.length); item++) await enqueueRunStep(tx, { ...place, item, fanOut: position }, first);
}

/**
 * An item's end, counted in its Fan Out (inside `tx`, with its last step's fields): an item
 * counted before (its job ran twice) changes nothing. A failed item fails the Fan Out and the run
 * unless On item failure is "continue"; otherwise the next waiting item is queued and the Fan
 * Out's count of open items goes down; the item that takes it to 0 ends the Fan Out with every
 * item's output and goes on after it. Answers how the run ended, if it did.
 */
async function joinFanOutItem(
  tx: Transaction,
  place: StepPlace,
  stepPosition: number,
  fields: StepFields,
  end: { status: "succeeded" | "failed" | "stopped"; output: Record<string, unknown> | null; error: string | null },
): Promise<RunEnd["status"] | undefined> {
  const position = place.fanOut!;
  const runId = place.run.id;
  const fanOut = place.tree.at(position)!.step as StepOf<"fan_out">;
  const top: StepPlace = { ...place, item: -1, fanOut: undefined };
  const failsFanOut = end.status === "failed" && fanOut.onItemFailure === "fail";
  const step = { position: stepPosition, fields: { status: fields.status ?? "succeeded", output: fields.output ?? null, error: fields.error ?? null, attempts: fields.attempts } };
  const { counted, next } = await endFanOutItem(tx, { runId, position, item: place.item, ...end, queueNext: !failsFanOut, step });
  if (!counted) return undefined;
  if (next !== undefined) await enqueueRunStep(tx, { ...place, item: next }, place.tree.firstOf(position, "body")!);
  const open = await countDownFanOut(tx, { runId, position });
  if (open === undefined) return undefined;
  if (failsFanOut) {
    const error = `Item ${place.item + 1} failed: ${end.error}`;
    return continueInTransaction(tx, top, position, { status: "failed", error }, { kind: "failed", error });
  }
  if (open > 0) return undefined;
  const result = (await fanOutResult(tx, { runId, position }))!;
  if (result.bytes > MAX_FAN_OUT_OUTPUT_BYTES) {
    const error = `The items' outputs come to ${(result.bytes / 1024 / 1024).toFixed(1)} MB; a Fan Out keeps at most ${MAX_FAN_OUT_OUTPUT_BYTES / 1024 / 1024} MB: end each item with a step that returns less (a Function keeping the fields you need).`;
    return continueInTransaction(tx, top, position, { status: "failed", error }, { kind: "failed", error });
  }
  const output = { items: result.items, succeeded: result.succeeded, failed: result.failed };
  return continueInTransaction(tx, top, position, { status: "succeeded", output, error: null }, place.tree.after(position));
}

/** A top-level step's end inside `tx` (a Fan Out ended by its join): its row, and the next step's job or the run's end. */
async function continueInTransaction(tx: Transaction, place: StepPlace, position: number, fields: StepFields, then: StepEnd): Promise<RunEnd["status"] | undefined> {
  const runId = place.run.id;
  const key = place.tree.at(position)!.step.key;
  if (then.kind === "step") {
    await writeStepFields(tx, { runId, item: -1, position, step: { ...fields, finished: true } });
    await enqueueRunStep(tx, place, then.position);
    return undefined;
  }
  const run: RunEnd =
    then.kind === "failed" ? { status: "failed", error: `Step ${key}: ${then.error}` } : { status: then.kind === "stopped" ? "stopped" : "succeeded" };
  const ended = await endRunAtStep(tx, { runId, item: -1, position, step: fields, run });
  if (!ended) return undefined;
  if (run.status === "failed") await notifyRunFailed(tx, ended);
  return run.status;
}
