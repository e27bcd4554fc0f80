import "server-only";
import { and, asc, count, eq, gt, inArray, sql } from "drizzle-orm";
import { getDb } from "../client";
import { workflowRunItems, workflowRunSteps, workflowVersions, type WorkflowRunItem, type WorkflowRunStep } from "../schema";
import type { StoredWorkflowDefinition } from "../workflow-definition";

// What the run page reads of a run's tree: the definition of the run's version, the steps that
// ran outside any Fan Out item, and a Fan Out's items a page at a time (keyset on the item's
// index) with their steps. Each read is a range of a primary key: workflow_run_items
// (run_id, position, item), workflow_run_steps (run_id, item, position).

/** The definition of the version a run used. */
export async function getRunDefinition({
  workflowId,
  version,
}: {
  workflowId: string;
  version: number;
}): Promise<StoredWorkflowDefinition | undefined> {
  const db = await getDb();
  const [row] = await db
    .select({ definition: workflowVersions.definition })
    .from(workflowVersions)
    .where(and(eq(workflowVersions.workflowId, workflowId), eq(workflowVersions.version, version)));
  return row?.definition;
}

/** The steps a run ran outside Fan Out items (item -1), in tree order. */
export async function listRunStepsOutsideItems({ runId }: { runId: string }): Promise<WorkflowRunStep[]> {
  const db = await getDb();
  return db
    .select()
    .from(workflowRunSteps)
    .where(and(eq(workflowRunSteps.runId, runId), eq(workflowRunSteps.item, -1)))
    .orderBy(asc(workflowRunSteps.position));
}

/** A Fan Out's item as the run page lists it (its value and output stay in the database: its steps show what it did). */
export type RunItemSummary = Pick<WorkflowRunItem, "item" | "status" | "error" | "startedAt" | "finishedAt">;

/**
 * An item's status as the run page shows it: the engine queues every item when its Fan Out starts
 * (the workers run Concurrency of them at once), so a queued item none of whose steps has started
 * yet is Waiting. (Its steps follow its Fan Out in the tree; a later Fan Out's items have the same
 * numbers, but run only once this one has ended.)
 */
// Qualified by hand: drizzle names a single table's columns unqualified, which inside the subquery would be the step's own.
const shownItemStatus = sql<WorkflowRunItem["status"]>`case when workflow_run_items.status = 'queued' and not exists (
    select 1 from ${workflowRunSteps} s where s.run_id = workflow_run_items.run_id and s.item = workflow_run_items.item and s.position > workflow_run_items.position)
  then 'waiting' else workflow_run_items.status::text end`;

/** The Fan Out at `position`'s items after item `afterItem` (by default from the first), at most `limit`, by index. */
export async function listRunItems({
  runId,
  position,
  afterItem = -1,
  limit,
}: {
  runId: string;
  position: number;
  afterItem?: number;
  limit: number;
}): Promise<RunItemSummary[]> {
  const db = await getDb();
  return db
    .select({
      item: workflowRunItems.item,
      status: shownItemStatus,
      error: workflowRunItems.error,
      startedAt: workflowRunItems.startedAt,
      finishedAt: workflowRunItems.finishedAt,
    })
    .from(workflowRunItems)
    .where(and(eq(workflowRunItems.runId, runId), eq(workflowRunItems.position, position), gt(workflowRunItems.item, afterItem)))
    .orderBy(asc(workflowRunItems.item))
    .limit(limit);
}

/** How many of the Fan Out at `position`'s items are in each status (statuses with none are 0). */
export async function countRunItems({
  runId,
  position,
}: {
  runId: string;
  position: number;
}): Promise<Record<WorkflowRunItem["status"], number>> {
  const db = await getDb();
  const rows = await db
    .select({ status: shownItemStatus, count: count() })
    .from(workflowRunItems)
    .where(and(eq(workflowRunItems.runId, runId), eq(workflowRunItems.position, position)))
    .groupBy(shownItemStatus);
  const counts: Record<WorkflowRunItem["status"], number> = { waiting: 0, queued: 0, succeeded: 0, failed: 0, stopped: 0 };
  for (const row of rows) counts[row.status] = Number(row.count);
  return counts;
}

/**
 * The steps run for these items of one Fan Out, by item then tree order. Items are numbered per
 * Fan Out, so `positions` (its steps for each item) tells its items' steps from another Fan Out's.
 */
export async function listItemSteps({
  runId,
  items,
  positions,
}: {
  runId: string;
  items: readonly number[];
  positions: readonly number[];
}): Promise<WorkflowRunStep[]> {
  if (!items.length || !positions.length) return [];
  const db = await getDb();
  return db
    .select()
    .from(workflowRunSteps)
    .where(
      and(
        eq(workflowRunSteps.runId, runId),
        inArray(workflowRunSteps.item, [...items]),
        inArray(workflowRunSteps.position, [...positions]),
      ),
    )
    .orderBy(asc(workflowRunSteps.item), asc(workflowRunSteps.position));
}
