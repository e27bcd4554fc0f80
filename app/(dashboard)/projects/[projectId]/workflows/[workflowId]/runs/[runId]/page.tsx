import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { ScrollableText } from "@/components/ui/scrollable-text";
import { ShowMore } from "@/components/ui/show-more";
import { RunAutoRefresh } from "@/components/workflows/run-auto-refresh";
import { RunStatusBadge } from "@/components/workflows/run-status-badge";
import { HttpStatus, type RunFanOutView, RunTree, type RunTreeStepView, type ShownJson } from "@/components/workflows/run-step";
import { RunTime } from "@/components/workflows/run-time";
import { WorkflowHeader } from "@/components/workflows/workflow-header";
import type { WorkflowRunStep } from "@/db/schema";
import { getRun } from "@/db/queries/workflow-runs";
import { countRunItems, getRunDefinition, listItemSteps, listRunItems, listRunStepsOutsideItems } from "@/db/queries/workflow-run-items";
import { prettyBody, prettyJson, shownJson } from "@/lib/json";
import { isUuid } from "@/lib/uuid";
import { RUN_TRIGGER_LABELS } from "@/lib/workflows/definition";
import {
  describeItemCounts,
  describeStepOutput,
  formatDuration,
  isRunActive,
  itemsPageParam,
  parseAfterItem,
  perItemPositions,
  RUN_ITEMS_PAGE_SIZE,
  runDurationMs,
  runPageHref,
  type RunTreeEntry,
  runTreeEntries,
  stepNumber,
} from "@/lib/workflows/run-view";
import { isStepType, stepModule } from "@/lib/workflows/steps";
import { MAX_STORED_BODY_BYTES } from "@/lib/workflows/steps/request";
import { type StepNode, StepTree } from "@/lib/workflows/tree";
import { requireWorkflow } from "@/server/require-workflow";
import { RunButtons } from "./run-buttons";

export const metadata: Metadata = { title: "Run" };

type Params = Promise<{ projectId: string; workflowId: string; runId: string }>;
type SearchParams = Record<string, string | string[] | undefined>;
type Entry = RunTreeEntry<WorkflowRunStep>;

/** The Fan Outs that have started, at any depth of the steps outside items (a Fan Out holds no Fan Out). */
function startedFanOuts(entries: readonly Entry[]): StepNode[] {
  return entries.flatMap((entry) => [
    ...(entry.node?.step.type === "fan_out" && entry.row ? [entry.node] : []),
    ...entry.branches.flatMap((branch) => startedFanOuts(branch.entries)),
  ]);
}

/** What the page shows of a step of the tree; `item` is the Fan Out item it ran for, -1 outside items. */
function stepView(entry: Entry, item: number, shown: ShownJson, fanOuts: ReadonlyMap<number, RunFanOutView>): RunTreeStepView {
  const { node, row } = entry;
  const position = node?.position ?? row!.position;
  const type = node && isStepType(node.step.type) ? node.step.type : undefined;
  return {
    step: {
      number: node ? stepNumber(node) : String(position + 1),
      id: `${item}-${position}`,
      stepKey: row?.stepKey ?? node?.step.key ?? `step ${position + 1}`,
      type,
      summary: node && type ? stepModule(type).summary(node.step) : undefined,
      status: row?.status ?? "not_started",
      startedAt: row?.startedAt,
      finishedAt: row?.finishedAt,
      error: row?.error,
      output: describeStepOutput(row?.output, { bodyCapBytes: MAX_STORED_BODY_BYTES, maxBytes: shown.bytes }),
      attempts: row?.attempts ?? [],
    },
    branches: entry.branches.map((branch) => ({
      label: branch.label,
      steps: branch.entries.map((inner) => stepView(inner, item, shown, fanOuts)),
    })),
    fanOut: item === -1 ? fanOuts.get(position) : undefined,
  };
}

/** A started Fan Out's counts and one page of its items (keyset on the item index, from the page's search parameter), each with its steps. */
async function fanOutView(runId: string, tree: StepTree, fanOut: StepNode, search: SearchParams, shown: ShownJson): Promise<RunFanOutView> {
  const param = itemsPageParam(fanOut.position);
  const after = parseAfterItem(search[param]);
  const [counts, found] = await Promise.all([
    countRunItems({ runId, position: fanOut.position }),
    listRunItems({ runId, position: fanOut.position, afterItem: after, limit: RUN_ITEMS_PAGE_SIZE + 1 }),
  ]);
  const page = found.slice(0, RUN_ITEMS_PAGE_SIZE);
  const rows = await listItemSteps({ runId, items: page.map((item) => item.item), positions: perItemPositions(tree, fanOut) });
  const body = (isStepType(fanOut.step.type) ? (stepModule(fanOut.step.type).lists ?? []) : []).filter((held) => held.perItem);
  return {
    counts: describeItemCounts(counts),
    items: page.map((item) => {
      const itemRows = rows.filter((row) => row.item === item.item);
      const entries = body.flatMap((held) => runTreeEntries(tree, itemRows, { parent: fanOut, list: held.field }));
      return {
        item: item.item,
        status: item.status,
        durationMs: item.startedAt && item.finishedAt ? item.finishedAt.getTime() - item.startedAt.getTime() : undefined,
        error: item.error,
        steps: entries.filter((entry) => entry.row || entry.branches.length).map((entry) => stepView(entry, item.item, shown, new Map())),
      };
    }),
    nextHref: found.length > RUN_ITEMS_PAGE_SIZE ? runPageHref(search, param, String(page.at(-1)!.item)) : undefined,
    firstHref: after >= 0 ? runPageHref(search, param, undefined) : undefined,
  };
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs font-medium text-slate-600 uppercase">{label}</dt>
      <dd className="mt-0.5 text-sm text-slate-900">{children}</dd>
    </div>
  );
}

export default async function WorkflowRunPage({ params, searchParams }: { params: Params; searchParams: Promise<SearchParams> }) {
  const { projectId, workflowId, runId } = await params;
  const search = await searchParams;
  // Each JSON value prints at most this much; "Show more" (?more=n) prints one step more.
  const shown: ShownJson = shownJson(search.more);
  const workflow = await requireWorkflow(projectId, workflowId);
  if (!isUuid(runId)) notFound();
  // The run alone (getRunDetail would read every item's steps too): its steps are read below, items a page at a time.
  const run = await getRun({ projectId, runId });
  if (!run || run.workflowId !== workflowId) notFound();

  // The run's version as a tree: the steps outside Fan Out items in tree order (a Condition's
  // branch under it), each started Fan Out with one page of its items.
  const [definition, rows] = await Promise.all([
    getRunDefinition({ workflowId, version: run.version }),
    listRunStepsOutsideItems({ runId }),
  ]);
  const tree = new StepTree(definition?.steps ?? []);
  const entries = runTreeEntries(tree, rows);
  const fanOuts = new Map(
    await Promise.all(
      startedFanOuts(entries).map(async (node) => [node.position, await fanOutView(run.id, tree, node, search, shown)] as const),
    ),
  );
  const steps = entries.map((entry) => stepView(entry, -1, shown, fanOuts));
  const answerBody = run.answer ? prettyBody(run.answer.body, { maxBytes: shown.bytes }) : undefined;

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
            {RUN_TRIGGER_LABELS[run.trigger.kind] ?? run.trigger.kind}
            {eventName && <code className="ml-1 font-mono text-xs">{eventName}</code>}
          </Field>
          <Field label="User">
            {run.userId ? (
              <code className="font-mono text-xs break-all">{run.userId}</code>
            ) : (
              <span className="text-slate-600">App (no Connected User)</span>
            )}
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
          <ScrollableText
            label="Trigger input"
            data-testid="run-trigger-input"
            className="mt-2 max-h-96 overflow-auto rounded bg-slate-50 p-3 font-mono text-xs whitespace-pre-wrap break-all"
          >
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
          <RunTree steps={steps} shown={shown} />
        )}
      </section>

      {run.answer && answerBody && (
        <section aria-labelledby="answer-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-6">
          <h3 id="answer-heading" className="flex flex-wrap items-center gap-3 text-base font-semibold">
            Answered <HttpStatus status={run.answer.status} testId="run-answer-status" />
            {run.answeredAt && (
              <span className="text-xs font-normal text-slate-600">
                <RunTime date={run.answeredAt} />
              </span>
            )}
          </h3>
          <details className="rounded-md border border-slate-200 p-3">
            <summary className="cursor-pointer text-sm font-medium">Headers ({Object.keys(run.answer.headers).length})</summary>
            <ScrollableText label="Headers answered" className="mt-2 overflow-x-auto font-mono text-xs whitespace-pre-wrap">
              {Object.entries(run.answer.headers)
                .map(([name, value]) => `${name}: ${value}`)
                .join("\n")}
            </ScrollableText>
          </details>
          <div className="rounded-md border border-slate-200 p-3">
            <p className="text-sm font-medium">Body</p>
            <ScrollableText
              label="Body answered"
              data-testid="run-answer-body"
              className="mt-2 max-h-96 overflow-auto rounded bg-slate-50 p-2 font-mono text-xs whitespace-pre-wrap break-all"
            >
              {answerBody.text || <span className="text-slate-500">(empty)</span>}
            </ScrollableText>
            <ShowMore truncated={answerBody.truncated} shownBytes={shown.bytes} href={shown.moreHref} />
          </div>
        </section>
      )}
    </div>
  );
}
