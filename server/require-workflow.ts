import "server-only";
import { notFound } from "next/navigation";
import { cache } from "react";
import { isUuid } from "@/lib/uuid";
import { getWorkflow } from "@/db/queries/workflows";
import { loadWorkflowEditor } from "@/lib/workflows/workflows";
import { requireProjectAccess } from "./require-user";

/** A workflow of a project the user is a member of; 404 otherwise. Read once per request. */
export const requireWorkflow = cache(async (projectId: string, workflowId: string) => {
  await requireProjectAccess(projectId);
  if (!isUuid(workflowId)) notFound();
  const workflow = await getWorkflow({ projectId, workflowId });
  if (!workflow) notFound();
  return workflow;
});

/** Everything the editor shows; 404 for a workflow the user may not see. */
export const requireWorkflowEditor = cache(async (projectId: string, workflowId: string) => {
  await requireProjectAccess(projectId);
  if (!isUuid(workflowId)) notFound();
  const view = await loadWorkflowEditor({ projectId, workflowId });
  if (!view) notFound();
  return view;
});
