import type { Metadata } from "next";
import { headers } from "next/headers";
import { ExportConfigButton } from "@/components/as-code/export-config-button";
import { UtcTime } from "@/components/ui/utc-time";
import { WorkflowHeader } from "@/components/workflows/workflow-header";
import { WorkflowStatus } from "@/components/workflows/workflow-status";
import { resourceSlug } from "@/lib/resources/schema";
import { requireWorkflowEditor } from "@/server/require-workflow";
import { WorkflowSettings } from "./workflow-settings";
import { WorkflowEditorForm } from "./workflow-editor-form";

type Params = Promise<{ projectId: string; workflowId: string }>;

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { projectId, workflowId } = await params;
  const view = await requireWorkflowEditor(projectId, workflowId);
  return { title: view.workflow.name };
}

export default async function WorkflowEditorPage({ params }: { params: Params }) {
  const { projectId, workflowId } = await params;
  const view = await requireWorkflowEditor(projectId, workflowId);
  const requestHeaders = await headers();
  const origin = `${requestHeaders.get("x-forwarded-proto") ?? "http"}://${requestHeaders.get("host")}`;

  return (
    <div className="max-w-4xl space-y-6">
      <WorkflowHeader projectId={projectId} workflowId={workflowId} name={view.workflow.name} current="editor" />
      <ExportConfigButton
        projectId={projectId}
        target={{ kind: "workflow", workflowId }}
        fileName={`${resourceSlug(view.workflow.name)}.workflow.json`}
      />
      <p className="flex flex-wrap items-center gap-2 text-sm text-slate-600">
        <span>Status</span>
        <span data-testid="workflow-status">
          <WorkflowStatus deployedVersion={view.workflow.deployedVersion} undeployedChanges={view.undeployedChanges} />
        </span>
        {view.workflow.deployedAt && (
          <span>
            · deployed <UtcTime date={view.workflow.deployedAt} />
          </span>
        )}
      </p>
      <WorkflowSettings
        projectId={projectId}
        workflowId={workflowId}
        enabledForAll={view.workflow.enabledForAll}
        endUsersMayStart={view.workflow.endUsersMayStart}
      />
      <WorkflowEditorForm
        projectId={projectId}
        workflowId={workflowId}
        values={view.values}
        resources={view.resources}
        triggerResources={view.triggerResources}
        variableContext={view.variableContext}
        requestRunUrl={`${origin}/projects/${projectId}/sdk/workflows/${workflowId}/runs`}
      />
    </div>
  );
}
