import type { Metadata } from "next";
import Link from "next/link";
import { ImportConfigForm } from "@/components/as-code/import-config-form";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { ListPageHeader } from "@/components/ui/list-page-header";
import { UtcTime } from "@/components/ui/utc-time";
import { WorkflowStatus } from "@/components/workflows/workflow-status";
import { listWorkflows } from "@/db/queries/workflows";
import { describeTrigger } from "@/lib/workflows/definition";
import { hasUndeployedChanges } from "@/lib/workflows/workflows";
import { requireProjectAccess } from "@/server/require-user";
import { DeleteWorkflowButton } from "./delete-workflow-button";

export const metadata: Metadata = { title: "Workflows" };

export default async function WorkflowsPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  await requireProjectAccess(projectId);
  const workflows = await listWorkflows({ projectId });
  const createHref = `/projects/${projectId}/workflows/new`;

  return (
    <div className="max-w-5xl">
      <ListPageHeader
        title="Workflows"
        description="Run requests through your resources when your app sends an event, on a request, on a schedule or when your API sends a webhook."
        create={workflows.length > 0 ? { href: createHref, label: "Create Workflow" } : undefined}
        tools={<ImportConfigForm projectId={projectId} what="workflow" />}
      />
      <DataTable
        className="mt-6"
        rows={workflows}
        rowKey={(workflow) => workflow.id}
        empty={
          <EmptyState
            title="No workflows yet"
            description="A workflow has one trigger and ordered steps: requests to your published resources, conditions and delays."
            actionHref={createHref}
            actionLabel="Create Workflow"
          />
        }
        columns={[
          {
            header: "Name",
            className: "font-medium",
            cell: (workflow) => (
              <Link href={`/projects/${projectId}/workflows/${workflow.id}`} className="text-indigo-700 hover:underline">
                {workflow.name}
              </Link>
            ),
          },
          {
            header: "Trigger",
            cell: (workflow) =>
              workflow.trigger ? (
                describeTrigger(workflow.trigger, workflow.triggerResourceName ?? undefined)
              ) : (
                <span className="text-slate-500">None</span>
              ),
          },
          {
            header: "Status",
            cell: (workflow) => (
              <WorkflowStatus deployedVersion={workflow.deployedVersion} undeployedChanges={hasUndeployedChanges(workflow)} />
            ),
          },
          { header: "Last updated", className: "text-slate-600", cell: (workflow) => <UtcTime date={workflow.updatedAt} /> },
          {
            header: "Actions",
            hideHeader: true,
            className: "text-right",
            cell: (workflow) => <DeleteWorkflowButton projectId={projectId} workflowId={workflow.id} name={workflow.name} />,
          },
        ]}
      />
    </div>
  );
}
