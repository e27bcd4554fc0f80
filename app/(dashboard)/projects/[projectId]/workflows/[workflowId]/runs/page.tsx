import type { Metadata } from "next";
import Form from "next/form";
import Link from "next/link";
import { notFound } from "next/navigation";
import { DataTable } from "@/components/ui/data-table";
import { EmptyMessage } from "@/components/ui/empty-state";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { FilterActions } from "@/components/ui/list-navigation";
import { Select } from "@/components/ui/select";
import { RunAutoRefresh } from "@/components/workflows/run-auto-refresh";
import { RunStatusBadge } from "@/components/workflows/run-status-badge";
import { RunTime } from "@/components/workflows/run-time";
import { WorkflowHeader } from "@/components/workflows/workflow-header";
import { MAX_USER_ID_LENGTH } from "@/lib/auth/user-token";
import { AppError } from "@/lib/errors";
import {
  describeTrigger,
  formatDuration,
  isRunActive,
  RUN_STATUS_LABELS,
  RUN_STATUSES,
  runDurationMs,
  runsListHref,
  runsSearchParamsSchema,
} from "@/lib/workflows/run-view";
import { listRunsPage, type RunPage } from "@/lib/workflows/runs";
import { requireWorkflow } from "@/server/require-workflow";

export const metadata: Metadata = { title: "Runs" };

type Params = Promise<{ projectId: string; workflowId: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function WorkflowRunsPage({ params, searchParams }: { params: Params; searchParams: SearchParams }) {
  const { projectId, workflowId } = await params;
  const workflow = await requireWorkflow(projectId, workflowId);
  const parsed = runsSearchParamsSchema.safeParse(await searchParams);
  if (!parsed.success) notFound();
  const { status, userId, before } = parsed.data;

  let page: RunPage;
  try {
    page = await listRunsPage({ projectId, workflowId, status, userId, before });
  } catch (error) {
    // A `before` that decodes to no cursor: not a link we made.
    if (error instanceof AppError && error.code === "invalid_input") notFound();
    throw error;
  }

  const base = `/projects/${projectId}/workflows/${workflowId}/runs`;
  const filtered = status !== undefined || userId !== undefined;
  const anyActive = page.runs.some((run) => isRunActive(run.status));

  return (
    <div className="max-w-5xl space-y-6">
      <WorkflowHeader projectId={projectId} workflowId={workflowId} name={workflow.name} current="runs" />
      <div>
        <h2 className="text-lg font-semibold">Runs</h2>
        <p className="mt-1 text-sm text-slate-600">
          {workflow.deployedVersion === null
            ? "This workflow is not deployed yet: runs start once you Deploy it in the Editor."
            : `Every run of the deployed versions, newest first. Version ${workflow.deployedVersion} is deployed now.`}
        </p>
      </div>

      <Form action={base} className="flex flex-wrap items-end gap-2">
        <div className="w-44">
          <FormField label="Status">
            <Select key={status ?? ""} name="status" defaultValue={status ?? ""}>
              <option value="">All</option>
              {RUN_STATUSES.map((value) => (
                <option key={value} value={value}>
                  {RUN_STATUS_LABELS[value]}
                </option>
              ))}
            </Select>
          </FormField>
        </div>
        <div className="w-72">
          <FormField label="User ID">
            <Input
              key={userId ?? ""}
              name="userId"
              type="search"
              defaultValue={userId ?? ""}
              autoComplete="off"
              maxLength={MAX_USER_ID_LENGTH}
              spellCheck={false}
            />
          </FormField>
        </div>
        <FilterActions filtered={filtered} clearHref={base} />
      </Form>

      {anyActive && <RunAutoRefresh note="Some runs are in progress: this list refreshes every 2 s." />}
      <DataTable
        rows={page.runs}
        rowKey={(run) => run.id}
        rowClassName="hover:bg-slate-50"
        caption={`Runs of ${workflow.name}, newest first`}
        empty={
          <EmptyMessage>
            <p>{filtered ? "No runs match these filters." : before ? "No older runs." : "No runs yet."}</p>
            {!filtered && !before && (
              <p className="mt-1">
                {workflow.deployedVersion === null
                  ? "Deploy the workflow, then start it with its trigger."
                  : "A run appears here as soon as the workflow's trigger starts one."}
              </p>
            )}
          </EmptyMessage>
        }
        columns={[
          {
            header: "Status",
            cell: (run) => (
              <Link
                href={`${base}/${run.id}`}
                className="inline-flex items-center gap-2 rounded hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
              >
                <RunStatusBadge status={run.status} /> <span className="sr-only">run {run.id.slice(0, 8)}</span>
              </Link>
            ),
          },
          { header: "Trigger", className: "text-slate-700", cell: (run) => describeTrigger(run.trigger) },
          {
            header: "User",
            className: "max-w-56",
            cell: (run) =>
              run.userId ? (
                <code className="block truncate font-mono text-xs" title={run.userId}>
                  {run.userId}
                </code>
              ) : (
                <span className="text-slate-600">App</span>
              ),
          },
          { header: "Version", className: "text-slate-700", cell: (run) => `v${run.version}` },
          {
            header: "Started",
            className: "whitespace-nowrap text-slate-600",
            cell: (run) => (run.startedAt ? <RunTime date={run.startedAt} /> : "—"),
          },
          {
            header: "Duration",
            className: "whitespace-nowrap text-slate-600",
            cell: (run) => {
              const duration = runDurationMs(run);
              return duration === undefined ? "—" : formatDuration(duration);
            },
          },
        ]}
        pager={{
          label: "Pages of runs",
          noun: "runs",
          newestHref: before ? runsListHref(base, { status, userId }) : undefined,
          olderHref: page.next ? runsListHref(base, { status, userId, before: page.next }) : undefined,
        }}
      />
    </div>
  );
}
