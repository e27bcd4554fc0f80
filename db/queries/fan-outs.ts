import "server-only";
import { and, eq, sql } from "drizzle-orm";
import type { Transaction } from "../client";
import { workflowRunItems, workflowRuns, workflowRunSteps, type WorkflowRunStep } from "../schema";

// A Fan Out's items in a run (workflow_run_items): made when the Fan Out starts, queued as
// Concurrency allows, and counted as they end. Every write here is in the transaction of the
// step's end that causes it. The count is the Fan Out's own step row's open_items, counted down
// by one UPDATE per item that ends: PostgreSQL applies such updates one after the other to the
// latest row, so exactly one item's end sees it reach 0.

/** Makes the items of a Fan Out that starts (the first `concurrency` queued, the rest waiting) and its count of open items. */
export async function insertFanOutItems(tx: Transaction, { runId, position, items, concurrency }: { runId: string; position: number; items: unknown[]; concurrency: number }): Promise<void> {
  await tx
    .update(workflowRunSteps)
    .set({ openItems: items.length })
    .where(and(eq(workflowRunSteps.runId, runId), eq(workflowRunSteps.item, -1), eq(workflowRunSteps.position, position)));
  await tx.execute(sql`
    insert into ${workflowRunItems} (run_id, position, item, status, value, started_at)
    select ${runId}::uuid, ${position}::int, t.ordinality - 1, case when t.ordinality <= ${concurrency}::int then 'queued' else 'waiting' end::workflow_item_status,
      t.value, case when t.ordinality <= ${concurrency}::int then now() end
    from jsonb_array_elements(${JSON.stringify(items)}::jsonb) with ordinality as t(value, ordinality)
    on conflict do nothing`);
}

/**
 * Counts one item of a running Fan Out down: answers the items still open, or undefined when the
 * Fan Out is not running or its run has ended (it ended otherwise: nothing more to count). The
 * row stays locked until `tx` ends, so the items' rows the caller reads next are all settled
 * when it answers 0.
 */
export async function countDownFanOut(tx: Transaction, { runId, position }: { runId: string; position: number }): Promise<number | undefined> {
  const [row] = await tx
    .update(workflowRunSteps)
    .set({ openItems: sql`${workflowRunSteps.openItems} - 1` })
    .where(
      and(
        eq(workflowRunSteps.runId, runId),
        eq(workflowRunSteps.item, -1),
        eq(workflowRunSteps.position, position),
        eq(workflowRunSteps.status, "running"),
        sql`exists (select 1 from ${workflowRuns} where ${workflowRuns.id} = ${runId}::uuid and ${workflowRuns.status} in ('queued', 'running'))`,
      ),
    )
    .returning({ openItems: workflowRunSteps.openItems });
  return row?.openItems ?? undefined;
}

/**
 * Writes an item's last step's fields and records how the item ended, unless it had (a job run
 * twice), and with `queueNext` queues the first waiting item (while the run goes on), in one
 * statement: answers whether this end counted and the item queued. Two items ending at once
 * queue two different items (the waiting one is taken SKIP LOCKED).
 */
export async function endFanOutItem(
  tx: Transaction,
  {
    runId,
    position,
    item,
    status,
    output,
    error,
    queueNext,
    step,
  }: {
    runId: string;
    position: number;
    item: number;
    status: "succeeded" | "failed" | "stopped";
    output: Record<string, unknown> | null;
    error: string | null;
    queueNext: boolean;
    /** The item's last step: its position and last fields. */
    step: { position: number; fields: Pick<WorkflowRunStep, "status" | "output" | "error"> & { attempts: WorkflowRunStep["attempts"] | undefined } };
  },
): Promise<{ counted: boolean; next: number | undefined }> {
  const { fields } = step;
  const rows = await tx.execute(sql`
    with last_step as (
      update ${workflowRunSteps} set status = ${fields.status}::workflow_step_status, output = ${fields.output === null ? null : JSON.stringify(fields.output)}::jsonb,
        error = ${fields.error}::text, attempts = coalesce(${fields.attempts === undefined ? null : JSON.stringify(fields.attempts)}::jsonb, attempts), finished_at = now()
      where run_id = ${runId}::uuid and item = ${item}::int and position = ${step.position}::int),
    ended as (
      update ${workflowRunItems} set status = ${status}::workflow_item_status, output = ${output === null ? null : JSON.stringify(output)}::jsonb, error = ${error}::text, finished_at = now()
      where run_id = ${runId}::uuid and position = ${position}::int and item = ${item}::int and status = 'queued'
      returning item),
    next as (
      update ${workflowRunItems} set status = 'queued', started_at = now()
      where run_id = ${runId}::uuid and position = ${position}::int and ${queueNext}::boolean and exists (select 1 from ended)
        and exists (select 1 from ${workflowRuns} where id = ${runId}::uuid and status in ('queued', 'running')) and item = (
        select item from ${workflowRunItems} where run_id = ${runId}::uuid and position = ${position}::int and status = 'waiting'
        order by item limit 1 for update skip locked)
      returning item)
    select (select count(*) from ended)::int as counted, (select item from next) as next`);
  const row = firstRow<{ counted: number; next: number | null }>(rows)!;
  return { counted: row.counted > 0, next: row.next ?? undefined };
}

/** What a Fan Out's items came to, once none is open: each item's output (or `{ error }`) in order, the counts and their stored size. */
export async function fanOutResult(
  tx: Transaction,
  { runId, position }: { runId: string; position: number },
): Promise<{ items: unknown[]; succeeded: number; failed: number; bytes: number }> {
  const rows = await tx.execute(sql`
    select count(*) filter (where status in ('succeeded', 'stopped'))::int as succeeded,
      count(*) filter (where status = 'failed')::int as failed,
      coalesce(sum(pg_column_size(output)), 0)::bigint::text as bytes
    from ${workflowRunItems} where run_id = ${runId}::uuid and position = ${position}::int`);
  const counts = firstRow<{ succeeded: number; failed: number; bytes: string }>(rows)!;
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
