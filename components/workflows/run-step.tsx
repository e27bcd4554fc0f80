import Link from "next/link";
import type { ReactNode } from "react";
import { ScrollableText } from "@/components/ui/scrollable-text";
import { ShowMore } from "@/components/ui/show-more";
import type { StoredStepAttempt } from "@/db/workflow-definition";
import { prettyBody } from "@/lib/json";
import type { WorkflowRunItem } from "@/db/schema";
import { formatDuration, ITEM_STATUS_LABELS, type StepOutputView, type StepStatus } from "@/lib/workflows/run-view";
import { STEPS, type StepType } from "@/lib/workflows/steps";
import { StepStatusBadge } from "./run-status-badge";
import { RunTime } from "./run-time";
import { STEP_VIEWS } from "./steps";
import { HttpStatus, preClassName, type ShownJson, StepOutput } from "./steps/shared";

export { HttpStatus, type ShownJson };

export interface RunStepView {
  /** Its number in the tree: "3", "3.1" (stepNumber). */
  number: string;
  /** Unique on the page: the heading's id. */
  id: string;
  stepKey: string;
  type?: StepType;
  /** What the step does, from the run's version: "POST /tasks", "Wait 60 s". */
  summary?: string;
  status: StepStatus | "not_started";
  startedAt?: Date | null;
  finishedAt?: Date | null;
  error?: string | null;
  output?: StepOutputView;
  attempts: StoredStepAttempt[];
}

function requestText(request: NonNullable<StoredStepAttempt["request"]>, shown: ShownJson) {
  const body = request.body ? prettyBody(request.body, { maxBytes: shown.bytes }) : undefined;
  const text = [
    `${request.method} ${request.url}`,
    ...request.headers.map(([name, value]) => `${name}: ${value}`),
    ...(body ? ["", body.text] : []),
  ].join("\n");
  return { text, truncated: body?.truncated ?? false };
}

function Attempt({ number, attempt, shown }: { number: number; attempt: StoredStepAttempt; shown: ShownJson }) {
  const request = attempt.request && requestText(attempt.request, shown);
  return (
    <li className="space-y-2 rounded-md border border-slate-200 p-3">
      <p className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm">
        <span className="font-medium">Attempt {number}</span>
        <RunTime date={attempt.startedAt} />
        <span className="text-slate-600">{formatDuration(attempt.durationMs)}</span>
        {attempt.status !== undefined && <HttpStatus status={attempt.status} />}
      </p>
      {attempt.error && <p className="text-sm text-red-700">{attempt.error}</p>}
      {request && (
        <details className="rounded-md border border-slate-200 p-3">
          <summary className="cursor-pointer text-sm font-medium">Request sent</summary>
          <ScrollableText label="Request sent" data-testid="run-attempt-request" className={preClassName}>
            {request.text}
          </ScrollableText>
          <ShowMore truncated={request.truncated} shownBytes={shown.bytes} href={shown.moreHref} />
        </details>
      )}
    </li>
  );
}

/** A step's output by its type's result view; a step its version no longer defines, as stored. */
function Output({ type, output, shown }: { type: StepType | undefined; output: StepOutputView; shown: ShownJson }) {
  if (!type) return <StepOutput output={output} shown={shown} />;
  const { Result } = STEP_VIEWS[type];
  return <Result place="run" output={output} shown={shown} />;
}

/** One step of a run: its status, error, output (a request's response) and every attempt with the request as sent; `children` are the steps it holds that ran. */
export function RunStep({ step, shown, children }: { step: RunStepView; shown: ShownJson; children?: ReactNode }) {
  const headingId = `run-step-${step.id}`;
  const duration = step.startedAt && step.finishedAt ? step.finishedAt.getTime() - step.startedAt.getTime() : undefined;
  return (
    <section aria-labelledby={headingId} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-center gap-2">
        <h4 id={headingId} className="text-sm font-semibold">
          {step.number}. <code className="font-mono">{step.stepKey}</code>
        </h4>
        <span data-testid="run-step-status">
          <StepStatusBadge status={step.status} />
        </span>
        {step.type && <span className="text-xs text-slate-600">{STEPS[step.type].label}</span>}
        {step.summary && <code className="font-mono text-xs text-slate-600">{step.summary}</code>}
      </div>
      {(step.startedAt || duration !== undefined) && (
        <p className="flex flex-wrap gap-x-4 text-xs text-slate-600">
          {step.startedAt && (
            <span>
              Started <RunTime date={step.startedAt} />
            </span>
          )}
          {duration !== undefined && <span>Took {formatDuration(duration)}</span>}
        </p>
      )}
      {step.error && <p className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">{step.error}</p>}
      {step.output && <Output type={step.type} output={step.output} shown={shown} />}
      {step.attempts.length > 0 && (
        <div>
          <p className="text-sm font-medium">Attempts ({step.attempts.length})</p>
          <ol aria-label={`Attempts of ${step.stepKey}`} className="mt-2 space-y-2">
            {step.attempts.map((attempt, index) => (
              <Attempt key={`${index}-${attempt.startedAt}`} number={index + 1} attempt={attempt} shown={shown} />
            ))}
          </ol>
        </div>
      )}
      {children}
    </section>
  );
}

/** A step of the run's tree with the steps it holds that ran: a Condition's branch, a Fan Out's items. */
export interface RunTreeStepView {
  step: RunStepView;
  /** The lists the run went into (the branch a Condition took), by label: "When true", "Otherwise". */
  branches: { label: string; steps: RunTreeStepView[] }[];
  fanOut?: RunFanOutView;
}

/** A Fan Out's items on the run page: counts by status, and one page of items. */
export interface RunFanOutView {
  /** "3 succeeded, 1 failed". */
  counts: string;
  items: RunItemView[];
  /** The next page of items, when there may be one. */
  nextHref?: string;
  /** Back to the first items, on a later page. */
  firstHref?: string;
}

export interface RunItemView {
  item: number;
  status: WorkflowRunItem["status"];
  durationMs?: number;
  error?: string | null;
  steps: RunTreeStepView[];
}

const ITEM_TONES: Record<WorkflowRunItem["status"], string> = {
  waiting: "bg-slate-100 text-slate-700",
  queued: "bg-sky-50 text-sky-800",
  succeeded: "bg-emerald-50 text-emerald-800",
  failed: "bg-red-50 text-red-700",
  stopped: "bg-amber-50 text-amber-800",
};

function FanOutItems({ fanOut, stepNumber, shown }: { fanOut: RunFanOutView; stepNumber: string; shown: ShownJson }) {
  return (
    <div role="group" aria-label={`Items of step ${stepNumber}`} className="space-y-2 border-l-4 border-indigo-100 pl-4">
      <p className="text-sm font-medium" data-testid="run-fan-out-counts">
        {fanOut.counts}
      </p>
      {fanOut.items.length > 0 && (
        <ol className="space-y-2">
          {fanOut.items.map((item) => (
            <li key={item.item}>
              <details className="rounded-md border border-slate-200 p-3">
                <summary className="flex cursor-pointer flex-wrap items-center gap-x-3 gap-y-1 text-sm">
                  <span className="font-medium">Item {item.item}</span>
                  <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${ITEM_TONES[item.status]}`}>
                    {ITEM_STATUS_LABELS[item.status]}
                  </span>
                  {item.durationMs !== undefined && <span className="text-xs text-slate-600">Took {formatDuration(item.durationMs)}</span>}
                </summary>
                {item.error && <p className="mt-2 text-sm text-red-700">{item.error}</p>}
                {item.steps.length > 0 ? (
                  <RunTree steps={item.steps} shown={shown} />
                ) : (
                  <p className="mt-2 text-sm text-slate-600">No step has run for this item yet.</p>
                )}
              </details>
            </li>
          ))}
        </ol>
      )}
      {(fanOut.firstHref || fanOut.nextHref) && (
        <p className="flex gap-4 text-sm">
          {fanOut.firstHref && (
            <Link href={fanOut.firstHref} scroll={false} className="font-medium text-indigo-700 hover:underline">
              First items
            </Link>
          )}
          {fanOut.nextHref && (
            <Link href={fanOut.nextHref} scroll={false} className="font-medium text-indigo-700 hover:underline">
              Next items
            </Link>
          )}
        </p>
      )}
    </div>
  );
}

/** Steps of a run in tree order, each with the branch it took (a Condition) or its items (a Fan Out) inside it. */
export function RunTree({ steps, shown }: { steps: readonly RunTreeStepView[]; shown: ShownJson }) {
  return (
    <ol className="mt-2 space-y-3">
      {steps.map(({ step, branches, fanOut }) => (
        <li key={step.id}>
          <RunStep step={step} shown={shown}>
            {branches.map((branch) => (
              <div key={branch.label} role="group" aria-label={branch.label} className="border-l-4 border-indigo-100 pl-4">
                <p className="text-sm font-medium">Ran {branch.label}</p>
                <RunTree steps={branch.steps} shown={shown} />
              </div>
            ))}
            {fanOut && <FanOutItems fanOut={fanOut} stepNumber={step.number} shown={shown} />}
          </RunStep>
        </li>
      ))}
    </ol>
  );
}
