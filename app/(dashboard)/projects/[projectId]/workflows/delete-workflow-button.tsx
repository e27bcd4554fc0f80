"use client";

import { ConfirmActionButton } from "@/components/ui/confirm-action-button";
import { deleteWorkflow } from "./actions";

/** Delete, after a confirmation that says what goes with the workflow. */
export function DeleteWorkflowButton({ projectId, workflowId, name }: { projectId: string; workflowId: string; name: string }) {
  return (
    <ConfirmActionButton
      label="Delete"
      accessibleName={`Delete ${name}`}
      title={`Delete ${name}?`}
      confirmLabel="Delete workflow"
      pendingLabel="Deleting…"
      failure="Could not delete the workflow."
      action={() => deleteWorkflow({ projectId, workflowId })}
    >
      This deletes the workflow, its deployed versions and its run history, and stops its schedule. It cannot be undone.
    </ConfirmActionButton>
  );
}
