import "server-only";
import { and, eq, inArray, sql } from "drizzle-orm";
import type { Transaction } from "../client";
import { workflowRunItems, workflowRuns, workflowRunSteps, type WorkflowRunStep } from "../schema";

// A Fan Out's items in a run (workflow_run_items): made when the Fan Out starts, queued as
// Concurrency allows, and counted as they end. Every write here is in the transaction of the
// step's end that causes it, under a lock on the Fan Out's own step row, so two items ending at
// once are counted one after the other and exactly one of them sees the last.

/** Makes the items of a Fan Out that starts: the first `concurrency` queued, the rest waiting. */
export async function insertFanOutItems(tx: Transaction, { runId, position, items, concurrency }: { runId: string; position: number; items: unknown[]; concurrency: number }): Promise<void> {
  await tx.execute(sql`
    insert into ${workflowRunItems} (run_id, position, item, status, value, started_at)
    select ${runId}::uuid, ${position}::int, t.ordinality - 1, case when t.ordinality <= ${concurrency}::int then 'queued' else 'waiting' end::workflow_item_status,
      t.value, case when t.ordinality <= ${concurrency}::int then now() end
    from jsonb_array_elements(${JSON.stringify(items)}::jsonb) with ordinality as t(value, ordinality)
    on conflict do nothing`);
}

/**
 * Locks a Fan Out's step row until `tx` ends and answers whether its run goes on (an ended run's
 * items are not counted any more): the joins of one Fan Out's items take turns.
 */
export async function lockFanOut(tx: Transaction, { runId, position }: { runId: string; position: number }): Promise<boolean> {
  const rows = await tx
    .select({ status: workflowRuns.status })
    .from(workflowRunSteps)
    .innerJoin(workflowRuns, eq(workflowRuns.id, workflowRunSteps.runId))
    .where(and(eq(workflowRunSteps.runId, runId), eq(workflowRunSteps.item, -1), eq(workflowRunSteps.position, position)))
    .for("update", { of: workflowRunSteps });
  return rows[0]?.status === "running" || rows[0]?.status === "queued";
}

/** Records how an item ended, unless it had (a job run twice): answers whether this end counted. */
export async function endFanOutItem(
  tx: Transaction,
  { runId, position, item, status, output, error }: { runId: string; position: number; item: number; status: "succeeded" | "failed" | "stopped"; output: Record<string, unknown> | null; error: string | null },
): Promise<boolean> {
  const updated = await tx
    .update(workflowRunItems)
    .set({ status, output, error, finishedAt: sql`now()` })
    .where(and(eq(workflowRunItems.runId, runId), eq(workflowRunItems.position, position), eq(workflowRunItems.item, item), eq(workflowRunItems.status, "queued")))
    .returning({ item: workflowRunItems.item });
  return updated.length > 0;
}

/** Queues the first waiting item, if any: its index. */
export async function queueNextFanOutItem(tx: Transaction, { runId, position }: { runId: string; position: number }): Promise<number | undefined> {
  const rows = await tx.execute(sql`
    update ${workflowRunItems} set status = 'queued', started_at = now()
    where run_id = ${runId}::uuid and position = ${position}::int and item = (
      select item from ${workflowRunItems} where run_id = ${runId}::uuid and position = ${position}::int and status = 'waiting' order by item limit 1)
    returning item`);
  return firstRow<{ item: number }>(rows)?.item;
}

/** What a Fan Out's items come to once none is open: each item's output (or `{ error }`) in order, the counts and their stored size; undefined while any is open. */
export async function fanOutResult(
  tx: Transaction,
  { runId, position }: { runId: string; position: number },
): Promise<{ items: unknown[]; succeeded: number; failed: number; bytes: number } | undefined> {
  const rows = await tx.execute(sql`
    select count(*) filter (where status in ('waiting', 'queued'))::int as open,
      count(*) filter (where status in ('succeeded', 'stopped'))::int as succeeded,
      count(*) filter (where status = 'failed')::int as failed,
      coalesce(sum(pg_column_size(output)), 0)::bigint::text as bytes
    from ${workflowRunItems} where run_id = ${runId}::uuid and position = ${position}::int`);
  const counts = firstRow<{ open: number; succeeded: number; failed: number; bytes: string }>(rows)!;
  if (counts.open > 0) return undefined;
  const items = await tx.execute(sql`
    select coalesce(jsonb_agg(case when status = 'failed' then jsonb_build_object('error', error) else output end order by item), '[]'::jsonb) as items
    from ${workflowRunItems} where run_id = ${runId}::uuid and position = ${position}::int`);
  const list = firstRow<{ items: unknown[] | string }>(items)!.items;
  return { items: typeof list === "string" ? (JSON.parse(list) as unknown[]) : list, succeeded: counts.succeeded, failed: counts.failed, bytes: Number(counts.bytes) };
}

/** The first row of a raw query's result, whichever driver ran it (postgres.js answers an array, PGlite `{ rows }`). */
function firstRow<Row>(result: unknown): Row | undefined {
  return Array.isArray(result) ? (result[0] as Row | undefined) : (result as { rows: Row[] }).rows[0];
}

/** The step rows of some Fan Out items (Retry from failed step copies them). */
export async function listItemStepRows(tx: Transaction, { runId, items }: { runId: string; items: number[] }): Promise<WorkflowRunStep[]> {
  if (!items.length) return [];
  return tx.select().from(workflowRunSteps).where(and(eq(workflowRunSteps.runId, runId), inArray(workflowRunSteps.item, items)));
}
