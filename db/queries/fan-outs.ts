import "server-only";
import { and, eq, sql } from "drizzle-orm";
import { getDb, type Transaction } from "../client";
import { groupStatements } from "../group-statements";
import { workflowRunItems, workflowRuns, workflowRunSteps, type WorkflowRunStep } from "../schema";

// A Fan Out's items in a run (workflow_run_items): made, all queued, when the Fan Out starts (the
// workers run Concurrency of them at once: lib/workflows/step-queue.ts), and counted as they end.
// The count is the Fan Out's own step row's open_items, counted down as items end, in the
// statement that records their ends: PostgreSQL applies such updates one after the other to the
// latest row, so exactly one end sees it reach 0.

/** Makes the items of a Fan Out that starts, all queued, and its count of open items. */
export async function insertFanOutItems(
  tx: Transaction,
  { runId, position, items }: { runId: string; position: number; items: unknown[] },
): Promise<void> {
  await tx
    .update(workflowRunSteps)
    .set({ openItems: items.length })
    .where(and(eq(workflowRunSteps.runId, runId), eq(workflowRunSteps.item, -1), eq(workflowRunSteps.position, position)));
  await tx.execute(sql`
    insert into ${workflowRunItems} (run_id, position, item, status, value, started_at)
    select ${runId}::uuid, ${position}::int, t.ordinality - 1, 'queued', t.value, now()
    from jsonb_array_elements(${JSON.stringify(items)}::jsonb) with ordinality as t(value, ordinality)
    on conflict do nothing`);
}

/** How a Fan Out item's last step ended: its fields, and the item's end. */
export interface ItemEnd {
  runId: string;
  /** The Fan Out's position, the item, and its last step's position. */
  fanOut: number;
  item: number;
  position: number;
  stepStatus: WorkflowRunStep["status"];
  stepOutput: Record<string, unknown> | null;
  stepError: string | null;
  /** Null: the step's attempts stay as they are. */
  attempts: WorkflowRunStep["attempts"] | null;
  itemStatus: "succeeded" | "failed" | "stopped";
  /** The item's output (its last step's) and error. */
  output: Record<string, unknown> | null;
  error: string | null;
}

const GROUPED_ENDS = 32;

/**
 * Items' ends in one statement (`ends`: the json text of ItemEnd[], one item at most once): each
 * last step's fields, each item's end unless it had ended (a job run twice), and each Fan Out's
 * count of open items down by the ends that counted, while the Fan Out runs in a running run.
 * Answers, per end, the open items its Fan Out has left (null: the Fan Out has ended otherwise).
 */
async function writeItemEnds(ends: ItemEnd[]): Promise<(number | null)[]> {
  const db = await getDb();
  const rows = await db.execute(sql`
    with item_end as (
      select * from jsonb_to_recordset(${JSON.stringify(ends)}::jsonb) as e(
        "runId" uuid, "fanOut" int, item int, position int, "stepStatus" workflow_step_status, "stepOutput" jsonb, "stepError" text,
        attempts jsonb, "itemStatus" workflow_item_status, output jsonb, error text)
      limit ${sql.raw(String(GROUPED_ENDS))}),
    last_step as (
      update ${workflowRunSteps} s set status = e."stepStatus", output = e."stepOutput", error = e."stepError",
        attempts = coalesce(e.attempts, s.attempts), finished_at = now()
      from item_end e where s.run_id = e."runId" and s.item = e.item and s.position = e.position),
    ended as (
      update ${workflowRunItems} i set status = e."itemStatus", output = e.output, error = e.error, finished_at = now()
      from item_end e where i.run_id = e."runId" and i.position = e."fanOut" and i.item = e.item and i.status = 'queued'
      returning i.run_id, i.position),
    counted as (select run_id, position, count(*)::int as n from ended group by run_id, position),
    counted_down as (
      update ${workflowRunSteps} s set open_items = s.open_items - c.n
      from counted c, ${workflowRuns} r
      where s.run_id = c.run_id and s.item = -1 and s.position = c.position and s.status = 'running'
        and r.id = s.run_id and r.status in ('queued', 'running')
      returning s.run_id, s.position, s.open_items)
    select e."runId" as "runId", e.item as item, coalesce(d.open_items, (
        select s.open_items from ${workflowRunSteps} s join ${workflowRuns} r on r.id = s.run_id
        where s.run_id = e."runId" and s.item = -1 and s.position = e."fanOut" and s.status = 'running' and r.status in ('queued', 'running')
          and not exists (select 1 from counted c where c.run_id = e."runId" and c.position = e."fanOut"))) as open
    from item_end e left join counted_down d on d.run_id = e."runId" and d.position = e."fanOut"`);
  const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as { runId: string; item: number; open: number | null }[];
  const open = new Map(list.map((row) => [`${row.runId}:${row.item}`, row.open]));
  return ends.map((end) => open.get(`${end.runId}:${end.item}`) ?? null);
}

const groupedItemEnd = groupStatements(writeItemEnds, { maxBatch: GROUPED_ENDS, keyOf: (end) => `${end.runId}:${end.item}` });

/**
 * Records an item's end (with the other ends of this process's event-loop turn, in one statement:
 * db/group-statements.ts) and answers the open items its Fan Out has left, or null when the Fan
 * Out has ended otherwise. An end already recorded (a job run twice) is not counted again, but
 * still answers the count: 0 then means its Fan Out still has to be ended (endFanOut).
 */
export function recordItemEnd(end: ItemEnd): Promise<number | null> {
  return groupedItemEnd(end);
}

/**
 * Inside `tx`: locks a Fan Out that has no open items left and still runs in a running run, to
 * end it; false when another end of it came first (it is no longer running) or it has open items.
 */
export async function lockFanOutToEnd(tx: Transaction, { runId, position }: { runId: string; position: number }): Promise<boolean> {
  const rows = await tx
    .select({ position: workflowRunSteps.position })
    .from(workflowRunSteps)
    .innerJoin(workflowRuns, eq(workflowRuns.id, workflowRunSteps.runId))
    .where(
      and(
        eq(workflowRunSteps.runId, runId),
        eq(workflowRunSteps.item, -1),
        eq(workflowRunSteps.position, position),
        eq(workflowRunSteps.status, "running"),
        eq(workflowRunSteps.openItems, 0),
        sql`${workflowRuns.status} in ('queued', 'running')`,
      ),
    )
    .for("update", { of: workflowRunSteps });
  return rows.length > 0;
}

/** Inside `tx`: records a failed item's end and its last step's fields; answers whether this end counted (it had not ended before). */
export async function recordFailedItem(tx: Transaction, end: ItemEnd): Promise<boolean> {
  await tx
    .update(workflowRunSteps)
    .set({
      status: end.stepStatus,
      output: end.stepOutput,
      error: end.stepError,
      ...(end.attempts ? { attempts: end.attempts } : {}),
      finishedAt: sql`now()`,
    })
    .where(and(eq(workflowRunSteps.runId, end.runId), eq(workflowRunSteps.item, end.item), eq(workflowRunSteps.position, end.position)));
  const updated = await tx
    .update(workflowRunItems)
    .set({ status: end.itemStatus, output: end.output, error: end.error, finishedAt: sql`now()` })
    .where(
      and(
        eq(workflowRunItems.runId, end.runId),
        eq(workflowRunItems.position, end.fanOut),
        eq(workflowRunItems.item, end.item),
        eq(workflowRunItems.status, "queued"),
      ),
    )
    .returning({ item: workflowRunItems.item });
  return updated.length > 0;
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
  return {
    items: typeof list === "string" ? (JSON.parse(list) as unknown[]) : list,
    succeeded: counts.succeeded,
    failed: counts.failed,
    bytes: Number(counts.bytes),
  };
}

/** The first row of a raw query's result, whichever driver ran it (postgres.js answers an array, PGlite `{ rows }`). */
function firstRow<Row>(result: unknown): Row | undefined {
  return Array.isArray(result) ? (result[0] as Row | undefined) : (result as { rows: Row[] }).rows[0];
}
