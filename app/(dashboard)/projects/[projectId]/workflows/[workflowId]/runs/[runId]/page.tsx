import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { z } from "zod";
import { ScrollableText } from "@/components/ui/scrollable-text";
import { RunAutoRefresh } from "@/components/workflows/run-auto-refresh";
import { RunStatusBadge } from "@/components/workflows/run-status-badge";
import { ShowMore } from "@/components/ui/show-more";
import { RunStep, type RunStepView, type ShownJson } from "@/components/workflows/run-step";
import { RunTime } from "@/components/workflows/run-time";
import { WorkflowHeader } from "@/components/workflows/workflow-header";
import { getWorkflowVersion } from "@/db/queries/workflows";
import { AppError } from "@/lib/errors";
import { stepModule } from "@/lib/workflows/steps";
import { MAX_STORED_BODY_BYTES } from "@/lib/workflows/steps/request";
import { TRIGGER_KIND_LABELS } from "@/lib/workflows/definition";
import { prettyJson, shownJson } from "@/lib/json";
import { describeStepOutput, formatDuration, isRunActive, runDurationMs } from "@/lib/workflows/run-view";
import { getRunDetail, type RunDetail } from "@/lib/workflows/runs";
import { requireWorkflow } from "../../../require-workflow";
import { RunButtons } from "./run-buttons";

export const metadata: Metadata = { title: "Run" };

type Params = Promise<{ projectId: string; workflowId: string; runId: string }>;

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium text-slate-600 uppercase">{label}</dt>
      <dd className="mt-0.5 text-sm text-slate-900">{children}</dd>
    </div>
  );
}

export default async function WorkflowRunPage({ params, searchParams }: { params: Params; searchParams: Promise<{ more?: string | string[] }> }) {
  const { projectId, workflowId, runId } = await params;
  // Each JSON value prints at most this much; "Show more" (?more=n) prints one step more.
  const shown: ShownJson = shownJson((await searchParams).more);
  const workflow = await requireWorkflow(projectId, workflowId);
  if (!z.uuid().safeParse(runId).success) notFound();
  let detail: RunDetail;
  try {
    detail = await getRunDetail({ projectId, runId });
  } catch (error) {
    if (error instanceof AppError && error.code === "run_not_found") notFound();
    throw error;
  }
  const { run, steps: rows } = detail;
  if (run.workflowId !== workflowId) notFound();

  // Every step of the run's version, in order, with what the run did of it so far.
  const definition = (await getWorkflowVersion({ workflowId, version: run.version }))?.definition.steps ?? [];
  const count = Math.max(definition.length, ...rows.map((row) => row.position + 1));
  const steps: RunStepView[] = Array.from({ length: count }, (_, position) => {
    const defined = definition[position];
    const row = rows.find((candidate) => candidate.position === position);
    return {
      position: position + 1,
      stepKey: row?.stepKey ?? defined?.key ?? `step ${position + 1}`,
      type: defined?.type,
      summary: defined ? stepModule(defined.type).summary(defined) : undefined,
      status: row?.status ?? "not_started",
      startedAt: row?.startedAt,
      finishedAt: row?.finishedAt,
      error: row?.error,
      output: describeStepOutput(row?.output, { bodyCapBytes: MAX_STORED_BODY_BYTES, maxBytes: shown.bytes }),
      attempts: row?.attempts ?? [],
    };
  });

  const base = `/projects/${projectId}/workflows/${workflowId}/runs`;
  const active = isRunActive(run.status);
  const duration = runDurationMs(run);
  const triggerInput = prettyJson(run.trigger.input, { maxBytes: shown.bytes });
  const eventName = run.trigger.kind === "app_event" && typeof run.trigger.input.name === "string" ? run.trigger.input.name : undefined;

  return (
    <div className="max-w-5xl space-y-6">
      <WorkflowHeader projectId={projectId} workflowId={workflowId} name={workflow.name} current="runs" />
      <p className="text-sm">
        <Link href={base} className="text-indigo-700 hover:underline">
          <span aria-hidden="true">← </span>All runs
        </Link>
      </p>

      <section aria-labelledby="run-heading" className="space-y-4 rounded-lg border border-slate-200 bg-white p-6">
        <div className="flex flex-wrap items-start justify-between gap-4">
          <div className="space-y-1">
            <h2 id="run-heading" className="flex flex-wrap items-center gap-3 text-lg font-semibold">
              Run <code className="font-mono text-base">{run.id.slice(0, 8)}</code>
              <span data-testid="run-status">
                <RunStatusBadge status={run.status} />
              </span>
            </h2>
            <p className="text-xs text-slate-600">
              Run ID <code className="font-mono">{run.id}</code>
            </p>
          </div>
          <RunButtons
            projectId={projectId}
            workflowId={workflowId}
            runId={run.id}
            canReplay={workflow.deployedVersion !== null}
            canRetry={run.status === "failed"}
            canCancel={active}
          />
        </div>
        {active && <RunAutoRefresh note="In progress: this page refreshes every 2 s." />}

        <dl className="grid grid-cols-2 gap-4 sm:grid-cols-4">
          <Field label="Trigger">
            {TRIGGER_KIND_LABELS[run.trigger.kind] ?? run.trigger.kind}
            {eventName && <code className="ml-1 font-mono text-xs">{eventName}</code>}
          </Field>
          <Field label="User">
            {run.userId ? <code className="font-mono text-xs break-all">{run.userId}</code> : <span className="text-slate-600">App (no Connected User)</span>}
          </Field>
          <Field label="Version">v{run.version}</Field>
          <Field label="Duration">{duration === undefined ? "—" : formatDuration(duration)}</Field>
          <Field label="Triggered">
            <RunTime date={run.createdAt} />
          </Field>
          <Field label="Started">{run.startedAt ? <RunTime date={run.startedAt} /> : "—"}</Field>
          <Field label="Finished">{run.finishedAt ? <RunTime date={run.finishedAt} /> : "—"}</Field>
          {run.sourceRunId && (
            <Field label="Repeats">
              <Link href={`${base}/${run.sourceRunId}`} className="text-indigo-700 hover:underline">
                Run <code className="font-mono text-xs">{run.sourceRunId.slice(0, 8)}</code>
              </Link>
            </Field>
          )}
        </dl>
        {run.error && (
          <div className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
            <p className="font-medium">Error</p>
            <p className="mt-1 break-words">{run.error}</p>
          </div>
        )}
        <div>
          <h3 className="text-sm font-semibold">Trigger input</h3>
          <ScrollableText label="Trigger input" data-testid="run-trigger-input" className="mt-2 max-h-96 overflow-auto rounded bg-slate-50 p-3 font-mono text-xs whitespace-pre-wrap break-all">
            {triggerInput.text}
          </ScrollableText>
          <ShowMore truncated={triggerInput.truncated} shownBytes={shown.bytes} href={shown.moreHref} />
        </div>
      </section>

      <section aria-labelledby="steps-heading" className="space-y-3">
        <h3 id="steps-heading" className="text-base font-semibold">
          Steps
        </h3>
        {steps.length === 0 ? (
          <p className="text-sm text-slate-600">This version has no steps.</p>
        ) : (
          <ol className="space-y-3">
            {steps.map((step) => (
              <li key={step.position}>
                <RunStep step={step} shown={shown} />
              </li>
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}
