import type { WorkflowRunStatus } from "@/db/schema";
import { RUN_STATUS_LABELS, STEP_STATUS_LABELS, type StepStatus } from "@/lib/workflows/run-view";

const base = "inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap";

const RUN_TONES: Record<WorkflowRunStatus, string> = {
  queued: "bg-slate-100 text-slate-700",
  running: "bg-sky-50 text-sky-800",
  succeeded: "bg-emerald-50 text-emerald-800",
  failed: "bg-red-50 text-red-700",
  stopped: "bg-amber-50 text-amber-800",
  cancelled: "bg-violet-50 text-violet-800",
};

const STEP_TONES: Record<StepStatus, string> = {
  pending: "bg-slate-100 text-slate-700",
  running: RUN_TONES.running,
  succeeded: RUN_TONES.succeeded,
  failed: RUN_TONES.failed,
  stopped: RUN_TONES.stopped,
  skipped: "bg-white text-slate-600 ring-1 ring-slate-200 ring-inset",
};

function Dot({ pulse }: { pulse: boolean }) {
  return <span aria-hidden="true" className={`size-1.5 rounded-full bg-current ${pulse ? "motion-safe:animate-pulse" : ""}`} />;
}

/** A run's status: Queued, Running, Succeeded, Failed, Stopped or Cancelled, each its own colour. */
export function RunStatusBadge({ status }: { status: WorkflowRunStatus }) {
  return (
    <span data-status={status} className={`${base} ${RUN_TONES[status]}`}>
      <Dot pulse={status === "running"} />
      {RUN_STATUS_LABELS[status]}
    </span>
  );
}

/** A step's status in a run; "Not started" for a step the run has not reached. */
export function StepStatusBadge({ status }: { status: StepStatus | "not_started" }) {
  if (status === "not_started") {
    return <span className={`${base} border border-dashed border-slate-300 text-slate-600`}>Not started</span>;
  }
  return (
    <span data-status={status} className={`${base} ${STEP_TONES[status]}`}>
      <Dot pulse={status === "running"} />
      {STEP_STATUS_LABELS[status]}
    </span>
  );
}
