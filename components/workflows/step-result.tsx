import type { StepType } from "@/lib/workflows/steps";
import { STEP_VIEWS } from "./steps";

// How a step of a Test went: its status, note and error, then its type's result view (a
// Request step's request as sent and response).

export type StepResultStatus = "succeeded" | "failed" | "stopped" | "skipped";

export interface StepResultView {
  key: string;
  type: StepType;
  status: StepResultStatus;
  /** The request as sent, secrets masked. */
  request?: { method: string; url: string; headers: [string, string][]; body: string | undefined };
  response?: { status: number; headers: Record<string, string>; body: string; durationMs: number };
  /** The step's output, when it has one (a Function's parameters, result and console lines). */
  output?: Record<string, unknown>;
  error?: string;
  note?: string;
  /** A Fan Out's first items: each item's status and the outcome of its steps. */
  items?: FanOutItemResultView[];
}

/** One item of a Fan Out in a Test. */
export interface FanOutItemResultView {
  index: number;
  status: "succeeded" | "failed" | "stopped";
  steps: StepResultView[];
}

export interface WorkflowTestView {
  status: "succeeded" | "failed" | "stopped";
  steps: StepResultView[];
}

const STATUS_LABELS: Record<StepResultStatus, string> = {
  succeeded: "Succeeded",
  failed: "Failed",
  stopped: "Stopped",
  skipped: "Skipped",
};

const STATUS_CLASSES: Record<StepResultStatus, string> = {
  succeeded: "bg-emerald-50 text-emerald-700",
  failed: "bg-red-50 text-red-700",
  stopped: "bg-amber-50 text-amber-800",
  skipped: "bg-slate-100 text-slate-600",
};

const TEST_SUMMARIES: Record<WorkflowTestView["status"], string> = {
  succeeded: "Test succeeded: every step ran.",
  failed: "Test failed: a step failed, the steps after it were skipped.",
  stopped: "Test stopped: a condition did not hold, the steps after it were skipped.",
};

function responseStatusClass(status: number): string {
  if (status < 300) return "bg-emerald-50 text-emerald-700";
  if (status < 400) return "bg-sky-50 text-sky-700";
  if (status < 500) return "bg-amber-50 text-amber-800";
  return "bg-red-50 text-red-700";
}

export function TestStepStatus({ status }: { status: StepResultStatus }) {
  return <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${STATUS_CLASSES[status]}`}>{STATUS_LABELS[status]}</span>;
}

/** One step's outcome in the last Test, labelled "Result of <step key>". */
export function StepResult({ step }: { step: StepResultView }) {
  const { Result } = STEP_VIEWS[step.type];
  return (
    <div role="group" aria-label={`Result of ${step.key}`} className="space-y-3 rounded-md border border-slate-200 bg-slate-50 p-4">
      <div className="flex flex-wrap items-center gap-2">
        <h4 className="text-sm font-semibold">Last test</h4>
        <span data-testid="step-status">
          <TestStepStatus status={step.status} />
        </span>
        {step.response && (
          <span className="text-sm">
            <span
              data-testid="step-response-status"
              className={`rounded px-2 py-0.5 font-mono font-semibold ${responseStatusClass(step.response.status)}`}
            >
              {step.response.status}
            </span>{" "}
            <span className="text-slate-600">{`in ${step.response.durationMs} ms`}</span>
          </span>
        )}
      </div>
      {step.note && <p className="text-sm text-slate-700">{step.note}</p>}
      {step.error && (
        <p data-testid="step-error" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {step.error}
        </p>
      )}
      <Result place="test" result={step} />
    </div>
  );
}

/** What Test showed overall; each step's outcome is shown inline, in its step (StepResult). */
export function TestSummary({ status }: { status: WorkflowTestView["status"] }) {
  return (
    <section aria-label="Test result">
      <p data-testid="test-summary" className={`rounded-md px-3 py-2 text-sm font-medium ${STATUS_CLASSES[status]}`}>
        {TEST_SUMMARIES[status]}
      </p>
    </section>
  );
}
