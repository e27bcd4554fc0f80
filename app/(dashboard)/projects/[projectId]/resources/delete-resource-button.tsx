"use client";

import { ConfirmActionButton } from "@/components/ui/confirm-action-button";
import { deleteResource } from "@/components/resources/actions";

/** Delete, after a confirmation that says what goes with the resource. */
export function DeleteResourceButton({ projectId, resourceId, name }: { projectId: string; resourceId: string; name: string }) {
  return (
    <ConfirmActionButton
      label="Delete"
      accessibleName={`Delete ${name}`}
      title={`Delete ${name}?`}
      confirmLabel="Delete resource"
      pendingLabel="Deleting…"
      failure="Could not delete the resource."
      action={() => deleteResource({ projectId, resourceId })}
    >
      This deletes the resource and every Connected User&apos;s connection to it. It cannot be undone.
    </ConfirmActionButton>
  );
}
