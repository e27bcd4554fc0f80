import { z } from "zod";
import type { WorkflowRun, WorkflowRunItem, WorkflowRunStatus, WorkflowRunStep } from "@/db/schema";
import type { StoredRunTrigger } from "@/db/workflow-definition";
import { userIdProblem } from "@/lib/auth/user-token";
import { type PrettyJson, prettyBody, prettyJson } from "@/lib/json";
import { RUN_TRIGGER_LABELS } from "./definition";
import { isStepType, stepModule } from "./steps";
import type { StepListField } from "./steps/module";
import type { StepNode, StepTree } from "./tree";

// What the Runs tab shows of runs: status labels, the list's search params, the Replay /
// Retry / Cancel actions' input, durations, a step's stored output as a person reads it, and the
// run's tree of steps (Condition branches, Fan Out items a page at a time).

export const RUN_STATUSES = [
  "queued",
  "running",
  "succeeded",
  "failed",
  "stopped",
  "cancelled",
] as const satisfies readonly WorkflowRunStatus[];

export const RUN_STATUS_LABELS: Record<WorkflowRunStatus, string> = {
  queued: "Queued",
  running: "Running",
  succeeded: "Succeeded",
  failed: "Failed",
  stopped: "Stopped",
  cancelled: "Cancelled",
};

export type StepStatus = WorkflowRunStep["status"];

export const STEP_STATUS_LABELS: Record<StepStatus, string> = {
  pending: "Pending",
  running: "Running",
  succeeded: "Succeeded",
  failed: "Failed",
  stopped: "Stopped",
  skipped: "Skipped",
};

/** A run still in progress: its page refreshes itself, and it may be cancelled. */
export function isRunActive(status: WorkflowRunStatus): boolean {
  return status === "queued" || status === "running";
}

const firstValue = (value: unknown) => (Array.isArray(value) ? value[0] : value);
const blankToUndefined = (value: unknown) => {
  const first = firstValue(value);
  if (typeof first !== "string") return first;
  const trimmed = first.trim();
  return trimmed === "" ? undefined : trimmed;
};

/** listRunsPage's cursors are base64url; anything else is not one of our links. */
const CURSOR = /^[A-Za-z0-9_-]{1,512}$/;

/**
 * The Runs list's search params. An unknown status is ignored (All); a user ID the SDK would
 * refuse, or a `before` that is not a cursor, fails: the page answers 404.
 */
export const runsSearchParamsSchema = z.object({
  status: z.preprocess(blankToUndefined, z.enum(RUN_STATUSES).optional().catch(undefined)),
  userId: z.preprocess(
    blankToUndefined,
    z
      .string()
      .refine((value) => userIdProblem(value) === undefined, { error: "Not a user ID." })
      .optional(),
  ),
  before: z.preprocess(blankToUndefined, z.string().regex(CURSOR, { error: "Not a page cursor." }).optional()),
});
export type RunsSearchParams = z.output<typeof runsSearchParamsSchema>;

/** A Runs list URL with these filters (and page); empty values are left out. */
export function runsListHref(base: string, { status, userId, before }: Partial<RunsSearchParams>): string {
  const query = new URLSearchParams();
  if (status) query.set("status", status);
  if (userId) query.set("userId", userId);
  if (before) query.set("before", before);
  const search = query.toString();
  return search ? `${base}?${search}` : base;
}

/** Replay, Retry from failed step and Cancel: the run, in the project the caller is a member of. */
export const runActionSchema = z.object({
  projectId: z.uuid({ error: "Not a valid Project ID." }),
  runId: z.uuid({ error: "Not a valid run ID." }),
});
export type RunActionInput = z.input<typeof runActionSchema>;

/** "850 ms", "4.2 s", "3 min 5 s", "2 h 14 min". */
export function formatDuration(ms: number): string {
  const value = Math.max(0, Math.round(ms));
  if (value < 1000) return `${value} ms`;
  if (value < 60_000) return `${(Math.floor(value / 100) / 10).toFixed(1)} s`;
  const seconds = Math.floor(value / 1000);
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min`;
}

/** How long a finished run took, from its start; undefined while it runs or when it never started. */
export function runDurationMs(run: Pick<WorkflowRun, "startedAt" | "finishedAt">): number | undefined {
  if (!run.startedAt || !run.finishedAt) return undefined;
  return run.finishedAt.getTime() - run.startedAt.getTime();
}

/** What a run's trigger is called in the list: "App Event task.sync", "Request", "Scheduler", "Tool call". */
export function describeTrigger(trigger: StoredRunTrigger): string {
  const label = RUN_TRIGGER_LABELS[trigger.kind] ?? trigger.kind;
  const name = trigger.kind === "app_event" ? trigger.input.name : undefined;
  return typeof name === "string" && name ? `${label} ${name}` : label;
}

const responseOutputSchema = z.object({
  status: z.number().int(),
  headers: z.record(z.string(), z.string()),
  body: z.unknown(),
  truncated: z.boolean().optional(),
});

export type StepOutputView =
  | { kind: "response"; status: number; headers: [string, string][]; body: PrettyJson; truncated: boolean; capBytes: number }
  | { kind: "value"; json: PrettyJson };

/**
 * A step's stored output as the run page shows it: a Request step's response (status,
 * headers, pretty body, and whether the engine cut the body at `bodyCapBytes`), or any other
 * step's output as JSON; what is pretty-printed stops at `maxBytes` (the page offers more).
 */
export function describeStepOutput(
  output: Record<string, unknown> | null | undefined,
  { bodyCapBytes, maxBytes }: { bodyCapBytes: number; maxBytes: number },
): StepOutputView | undefined {
  if (!output) return undefined;
  const response = responseOutputSchema.safeParse(output);
  if (!response.success) return { kind: "value", json: prettyJson(output, { maxBytes }) };
  const { status, headers, body, truncated } = response.data;
  // The engine keeps at most bodyCapBytes of a text body; a body that long was (most likely) cut there.
  // A UTF-8 character split at the cut becomes U+FFFD (3 bytes), so allow for 3 bytes either way.
  const cut = truncated ?? (typeof body === "string" && new TextEncoder().encode(body).length >= bodyCapBytes - 3);
  return {
    kind: "response",
    status,
    headers: Object.entries(headers),
    body: prettyBody(body, { maxBytes }),
    truncated: cut,
    capBytes: bodyCapBytes,
  };
}

/** How an HTTP status reads: 2xx success, 3xx redirect, 4xx client error, 5xx server error. */
export function httpStatusTone(status: number): "success" | "redirect" | "client-error" | "server-error" {
  if (status < 300) return "success";
  if (status < 400) return "redirect";
  if (status < 500) return "client-error";
  return "server-error";
}

// ---- A run's tree: its steps in tree order, Condition branches that ran, Fan Out items a page at a time.

/** One step of a run's tree as the run page shows it: the step, what the run did of it, and the lists of it the run went into. */
export interface RunTreeEntry<Row> {
  /** The step in the run's version; absent for a row the version does not define. */
  node: StepNode | undefined;
  row: Row | undefined;
  /** The lists the run went into (a Condition's branch), with their steps; a Fan Out's steps for each item are shown by item instead. */
  branches: { field: string; label: string; entries: RunTreeEntry<Row>[] }[];
}

function heldLists(node: StepNode): readonly StepListField[] {
  return isStepType(node.step.type) ? (stepModule(node.step.type).lists ?? []) : [];
}

/**
 * The steps of one list of a run's tree (the top level, or with `within` a Fan Out's steps for
 * each item) with what `rows` (one item's, or those outside items) say the run did. A list a step
 * holds is shown when the run went into it (a row in it): the branch a Condition took; the steps
 * of a list not taken have no rows and are left out. At the top level, rows the version does not
 * define come last, as stored.
 */
export function runTreeEntries<Row extends { position: number }>(
  tree: StepTree,
  rows: readonly Row[],
  within?: { parent: StepNode; list: string },
): RunTreeEntry<Row>[] {
  const byPosition = new Map(rows.map((row) => [row.position, row]));
  const ran = (entry: RunTreeEntry<Row>): boolean => entry.row !== undefined || entry.branches.length > 0;
  const entriesOf = (parent: StepNode | undefined, list: string): RunTreeEntry<Row>[] =>
    tree.nodes.filter((node) => node.parent === parent && node.list === list).map(entryOf);
  const entryOf = (node: StepNode): RunTreeEntry<Row> => ({
    node,
    row: byPosition.get(node.position),
    branches: heldLists(node)
      .filter((held) => !held.perItem)
      .map((held) => ({ field: held.field, label: held.label, entries: entriesOf(node, held.field) }))
      .filter((branch) => branch.entries.some(ran)),
  });
  const entries = entriesOf(within?.parent, within?.list ?? "steps");
  if (within) return entries;
  const undefinedRows = rows.filter((row) => !tree.at(row.position));
  return [...entries, ...undefinedRows.map((row) => ({ node: undefined, row, branches: [] }))];
}

/**
 * A step's number in the editor and on the run page: "3" at the top level, "3.1" in a list of
 * step 3. A step's lists number on from one another (When true 3.1 and 3.2, then Otherwise 3.3),
 * so that every number names one step.
 */
export function stepNumber(node: StepNode): string {
  if (!node.parent) return String(node.index + 1);
  const holder = node.parent.step as unknown as Record<string, unknown>;
  const lists = heldLists(node.parent);
  const earlier = lists.slice(
    0,
    lists.findIndex((held) => held.field === node.list),
  );
  const offset = earlier.reduce((total, held) => total + ((holder[held.field] as unknown[] | undefined)?.length ?? 0), 0);
  return `${stepNumber(node.parent)}.${offset + node.index + 1}`;
}

/** The steps for each item of a Fan Out, every level: what an item's rows are read by. */
export function perItemPositions(tree: StepTree, fanOut: StepNode): number[] {
  return tree.nodes.filter((node) => node.fanOut === fanOut).map((node) => node.position);
}

export const ITEM_STATUS_LABELS: Record<WorkflowRunItem["status"], string> = {
  waiting: "Waiting",
  queued: "Running",
  succeeded: "Succeeded",
  failed: "Failed",
  stopped: "Stopped",
};

/** A Fan Out's items on the run page: this many a page. */
export const RUN_ITEMS_PAGE_SIZE = 20;

/** The run page's search parameter for where the Fan Out at `position`'s page of items starts: after the item it holds. */
export function itemsPageParam(position: number): string {
  return `after${position}`;
}

/** The item a page of items starts after, from its search parameter: -1 (the first page) unless a whole number ≥ 0. */
export function parseAfterItem(value: unknown): number {
  const text = firstValue(value);
  return typeof text === "string" && /^\d{1,9}$/.test(text) ? Number(text) : -1;
}

/** The run page's URL (as a query string) with `param` set to `value`, or removed when undefined; the other parameters stay. */
export function runPageHref(
  searchParams: Readonly<Record<string, string | string[] | undefined>>,
  param: string,
  value: string | undefined,
): string {
  const query = new URLSearchParams();
  for (const [name, given] of Object.entries(searchParams)) {
    if (name === param) continue;
    for (const one of Array.isArray(given) ? given : given === undefined ? [] : [given]) query.append(name, one);
  }
  if (value !== undefined) query.set(param, value);
  const search = query.toString();
  return search ? `?${search}` : "?";
}

/** "3 succeeded, 1 failed", and the items not done yet: "…, 5 running, 10 waiting". */
export function describeItemCounts(counts: Readonly<Partial<Record<WorkflowRunItem["status"], number>>>): string {
  const parts = [`${counts.succeeded ?? 0} succeeded`, `${counts.failed ?? 0} failed`];
  if (counts.stopped) parts.push(`${counts.stopped} stopped`);
  if (counts.queued) parts.push(`${counts.queued} running`);
  if (counts.waiting) parts.push(`${counts.waiting} waiting`);
  return parts.join(", ");
}
