import type { Metadata } from "next";
import { requireProjectAccess } from "@/server/require-user";
import { CreateWorkflowForm } from "./create-workflow-form";

export const metadata: Metadata = { title: "Create Workflow" };

export default async function NewWorkflowPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  await requireProjectAccess(projectId);
  return (
    <div className="max-w-3xl space-y-6">
      <h1 className="text-2xl font-semibold">Create Workflow</h1>
      <CreateWorkflowForm projectId={projectId} />
    </div>
  );
}
