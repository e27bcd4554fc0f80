"use client";

import { ConfirmActionButton } from "@/components/ui/confirm-action-button";
import { disconnectUser } from "./actions";

/** Disconnect one Connected User from a resource, after a confirmation. */
export function DisconnectUserButton({
  projectId,
  resourceId,
  resourceName,
  userId,
}: {
  projectId: string;
  resourceId: string;
  resourceName: string;
  userId: string;
}) {
  return (
    <ConfirmActionButton
      label="Disconnect"
      accessibleName={`Disconnect ${userId}`}
      title="Disconnect this user?"
      confirmLabel="Remove connection"
      pendingLabel="Removing…"
      failure="Could not disconnect this user."
      action={() => disconnectUser({ projectId, resourceId, userId })}
    >
      <p>
        This deletes the credentials and profile that <span className="break-all font-mono">{userId}</span> saved for {resourceName}. They
        will have to connect again.
      </p>
    </ConfirmActionButton>
  );
}
