import type { Metadata } from "next";
import Link from "next/link";
import { ImportConfigForm } from "@/components/as-code/import-config-form";
import { EmptyState } from "@/components/ui/empty-state";
import { ListPageHeader } from "@/components/ui/list-page-header";
import { UtcTime } from "@/components/ui/utc-time";
import { WorkflowStatus } from "@/components/workflows/workflow-status";
import { listWorkflows } from "@/db/queries/workflows";
import { describeTrigger } from "@/lib/workflows/definition";
import { hasUndeployedChanges } from "@/lib/workflows/workflows";
import { requireProjectAccess } from "../../../require-user";
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
      {workflows.length === 0 ? (
        <EmptyState
          title="No workflows yet"
          description="A workflow has one trigger and ordered steps: requests to your published resources, conditions and delays."
          actionHref={createHref}
          actionLabel="Create Workflow"
        />
      ) : (
        <div className="mt-6 overflow-hidden rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-left text-sm">
            <thead className="bg-slate-50 text-xs uppercase text-slate-500">
              <tr>
                <th className="px-4 py-2 font-medium">Name</th>
                <th className="px-4 py-2 font-medium">Trigger</th>
                <th className="px-4 py-2 font-medium">Status</th>
                <th className="px-4 py-2 font-medium">Last updated</th>
                <th className="px-4 py-2 font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {workflows.map((workflow) => (
                <tr key={workflow.id}>
                  <td className="px-4 py-2 font-medium">
                    <Link href={`/projects/${projectId}/workflows/${workflow.id}`} className="text-indigo-700 hover:underline">
                      {workflow.name}
                    </Link>
                  </td>
                  <td className="px-4 py-2">
                    {workflow.trigger ? (
                      describeTrigger(workflow.trigger, workflow.triggerResourceName ?? undefined)
                    ) : (
                      <span className="text-slate-500">None</span>
                    )}
                  </td>
                  <td className="px-4 py-2">
                    <WorkflowStatus deployedVersion={workflow.deployedVersion} undeployedChanges={hasUndeployedChanges(workflow)} />
                  </td>
                  <td className="px-4 py-2 text-slate-600">
                    <UtcTime date={workflow.updatedAt} />
                  </td>
                  <td className="px-4 py-2 text-right">
                    <DeleteWorkflowButton projectId={projectId} workflowId={workflow.id} name={workflow.name} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
