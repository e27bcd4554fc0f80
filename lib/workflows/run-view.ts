import { z } from "zod";
import type { WorkflowRun, WorkflowRunStatus, WorkflowRunStep } from "@/db/schema";
import type { StoredRunTrigger } from "@/db/workflow-definition";
import { userIdProblem } from "@/lib/auth/user-token";
import { type PrettyJson, prettyBody, prettyJson } from "@/lib/json";
import { TRIGGER_KIND_LABELS } from "./definition";

// What the Runs tab shows of runs: status labels, the list's search params, the Replay /
// Retry / Cancel actions' input, durations, and a step's stored output as a person reads it.

export const RUN_STATUSES = ["queued", "running", "succeeded", "failed", "stopped", "cancelled"] as const satisfies readonly WorkflowRunStatus[];

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

/** What a run's trigger is called in the list: "App Event task.sync", "Request", "Scheduler". */
export function describeTrigger(trigger: StoredRunTrigger): string {
  const label = TRIGGER_KIND_LABELS[trigger.kind] ?? trigger.kind;
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
  return { kind: "response", status, headers: Object.entries(headers), body: prettyBody(body, { maxBytes }), truncated: cut, capBytes: bodyCapBytes };
}

/** How an HTTP status reads: 2xx success, 3xx redirect, 4xx client error, 5xx server error. */
export function httpStatusTone(status: number): "success" | "redirect" | "client-error" | "server-error" {
  if (status < 300) return "success";
  if (status < 400) return "redirect";
  if (status < 500) return "client-error";
  return "server-error";
}
