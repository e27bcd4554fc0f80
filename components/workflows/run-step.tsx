import { ScrollableText } from "@/components/ui/scrollable-text";
import { ShowMore } from "@/components/ui/show-more";
import type { StoredStepAttempt } from "@/db/workflow-definition";
import { prettyBody } from "@/lib/json";
import { formatDuration, type StepOutputView, type StepStatus } from "@/lib/workflows/run-view";
import { STEPS, type StepType } from "@/lib/workflows/steps";
import { StepStatusBadge } from "./run-status-badge";
import { RunTime } from "./run-time";
import { STEP_VIEWS } from "./steps";
import { HttpStatus, preClassName, type ShownJson, StepOutput } from "./steps/shared";

export { HttpStatus, type ShownJson };

export interface RunStepView {
  /** 1-based, in the workflow's order. */
  position: number;
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
  const text = [`${request.method} ${request.url}`, ...request.headers.map(([name, value]) => `${name}: ${value}`), ...(body ? ["", body.text] : [])].join("\n");
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

/** One step of a run: its status, error, output (a request's response) and every attempt with the request as sent. */
export function RunStep({ step, shown }: { step: RunStepView; shown: ShownJson }) {
  const headingId = `run-step-${step.position}`;
  const duration = step.startedAt && step.finishedAt ? step.finishedAt.getTime() - step.startedAt.getTime() : undefined;
  return (
    <section aria-labelledby={headingId} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <div className="flex flex-wrap items-center gap-2">
        <h4 id={headingId} className="text-sm font-semibold">
          {step.position}. <code className="font-mono">{step.stepKey}</code>
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
    </section>
  );
}
