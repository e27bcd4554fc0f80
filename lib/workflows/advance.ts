import { fanOutResult, insertFanOutItems, type ItemEnd, lockFanOutToEnd, recordFailedItem, recordItemEnd } from "@/db/queries/fan-outs";
import { getDb, type Transaction } from "@/db/client";
import { endRunAtStep, finishStep, type RunEnd, writeStepFields } from "@/db/queries/workflow-runs";
import type { WorkflowRunStep } from "@/db/schema";
import { countFinishedRun } from "@/lib/metrics/registry";
import { notifyRunFailed } from "@/lib/notifications/events";
import { enqueueStep, enqueueSteps, type QueuedStep } from "./jobs";
import type { StepOf } from "./steps";
import type { Continuation, StepTree } from "./tree";

// What a run does once a step's try has an outcome: the step's row is written and, in the same
// transaction, what comes next — the next step's job, the run's end, or (the last step of a Fan
// Out item) the item's end, counted in its Fan Out; the end that leaves none open ends the Fan
// Out and goes on after it.

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

/** The job of the step at `position` of the place's run (and item). */
export function runStepJob(place: StepPlace, position: number, startAfter?: Date): QueuedStep {
  const fanOut = place.item >= 0 && place.fanOut !== undefined ? (place.tree.at(place.fanOut)!.step as StepOf<"fan_out">) : undefined;
  return {
    runId: place.run.id,
    position,
    stepKey: place.tree.at(position)!.step.key,
    ...(fanOut ? { item: place.item, fanOut: place.fanOut, fanOutConcurrency: fanOut.concurrency } : {}),
    projectId: place.run.projectId,
    userId: place.run.userId,
    startAfter,
  };
}

/** Queues the step at `position` of the place's run (and item) inside `tx`. */
export function enqueueRunStep(tx: Transaction, place: StepPlace, position: number, startAfter?: Date): Promise<void> {
  return enqueueStep(tx, runStepJob(place, position, startAfter));
}

/** Counts a run that ended in the metrics (after its transaction committed). */
function counted(ended: RunEnd["status"] | undefined): void {
  if (ended) countFinishedRun(ended);
}

/**
 * Writes a step's end and what follows it: the next step's job in the same transaction, or the
 * run's end (one grouped statement, finishStep), or inside a Fan Out the item's end (endItem).
 */
export async function settleStep(place: StepPlace, position: number, fields: StepFields, then: StepEnd, startAfter?: Date): Promise<void> {
  const step = { ...fields, finished: true };
  const { id: runId } = place.run;
  const { item } = place;
  if (then.kind === "step") {
    await finishStep({ runId, item, position, step, enqueue: (tx) => enqueueRunStep(tx, place, then.position, startAfter) });
    return;
  }
  const key = place.tree.at(position)!.step.key;
  const end =
    then.kind === "failed"
      ? ({ status: "failed", error: `Step ${key}: ${then.error}` } as const)
      : ({ status: then.kind === "stopped" ? "stopped" : "succeeded" } as const);
  if (item >= 0) {
    counted(await endItem(place, position, fields, end));
    return;
  }
  const written = await finishStep({
    runId,
    item,
    position,
    step,
    run: end,
    ...(end.status === "failed" ? { onRunEnded: notifyRunFailed } : {}),
  });
  counted(written ? end.status : undefined);
}

/** Starts a Fan Out's items inside `tx`: their rows, and the first step's job of each (the workers run Concurrency of them at once). */
export async function startFanOutItems(
  tx: Transaction,
  place: StepPlace,
  { position, first, items }: { position: number; first: number; items: unknown[] },
): Promise<void> {
  await insertFanOutItems(tx, { runId: place.run.id, position, items });
  await enqueueSteps(
    tx,
    items.map((_, item) => runStepJob({ ...place, item, fanOut: position }, first)),
  );
}

/**
 * An item's end (its last step's fields, the item's status): counted in its Fan Out, with the
 * other ends of this event-loop turn in one statement; the end that leaves no item open (or finds
 * none open: its job ran again after a crash) ends the Fan Out. A failed item fails the Fan Out and
 * its run unless On item failure is "continue". Answers how the run ended, if it did.
 */
async function endItem(
  place: StepPlace,
  position: number,
  fields: StepFields,
  end: { status: "succeeded" | "stopped"; error?: undefined } | { status: "failed"; error: string },
): Promise<RunEnd["status"] | undefined> {
  const fanOutPosition = place.fanOut!;
  const runId = place.run.id;
  const fanOut = place.tree.at(fanOutPosition)!.step as StepOf<"fan_out">;
  const top: StepPlace = { ...place, item: -1, fanOut: undefined };
  const itemEnd: ItemEnd = {
    runId,
    fanOut: fanOutPosition,
    item: place.item,
    position,
    stepStatus: fields.status ?? "succeeded",
    stepOutput: fields.output ?? null,
    stepError: fields.error ?? null,
    attempts: fields.attempts ?? null,
    itemStatus: end.status,
    output: fields.output ?? null,
    error: end.error ?? null,
  };
  const db = await getDb();
  if (end.status === "failed" && fanOut.onItemFailure === "fail") {
    const error = `Item ${place.item + 1} failed: ${end.error}`;
    return db.transaction(async (tx) =>
      (await recordFailedItem(tx, itemEnd))
        ? continueInTransaction(tx, top, fanOutPosition, { status: "failed", error }, { kind: "failed", error })
        : undefined,
    );
  }
  if ((await recordItemEnd(itemEnd)) !== 0) return undefined;
  return db.transaction(async (tx) => {
    if (!(await lockFanOutToEnd(tx, { runId, position: fanOutPosition }))) return undefined;
    const result = await fanOutResult(tx, { runId, position: fanOutPosition });
    if (result.bytes > MAX_FAN_OUT_OUTPUT_BYTES) {
      const error = `The items' outputs come to ${(result.bytes / 1024 / 1024).toFixed(1)} MB; a Fan Out keeps at most ${MAX_FAN_OUT_OUTPUT_BYTES / 1024 / 1024} MB: end each item with a step that returns less (a Function keeping the fields you need).`;
      return continueInTransaction(tx, top, fanOutPosition, { status: "failed", error }, { kind: "failed", error });
    }
    const output = { items: result.items, succeeded: result.succeeded, failed: result.failed };
    return continueInTransaction(tx, top, fanOutPosition, { status: "succeeded", output, error: null }, place.tree.after(fanOutPosition));
  });
}

/** A top-level step's end inside `tx` (a Fan Out ended by its join): its row, and the next step's job or the run's end. */
async function continueInTransaction(
  tx: Transaction,
  place: StepPlace,
  position: number,
  fields: StepFields,
  then: StepEnd,
): Promise<RunEnd["status"] | undefined> {
  const runId = place.run.id;
  const key = place.tree.at(position)!.step.key;
  if (then.kind === "step") {
    await writeStepFields(tx, { runId, item: -1, position, step: { ...fields, finished: true } });
    await enqueueRunStep(tx, place, then.position);
    return undefined;
  }
  const run: RunEnd =
    then.kind === "failed"
      ? { status: "failed", error: `Step ${key}: ${then.error}` }
      : { status: then.kind === "stopped" ? "stopped" : "succeeded" };
  const ended = await endRunAtStep(tx, { runId, item: -1, position, step: fields, run });
  if (!ended) return undefined;
  if (run.status === "failed") await notifyRunFailed(tx, ended);
  return run.status;
}
