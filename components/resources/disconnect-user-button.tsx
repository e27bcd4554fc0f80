"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { disconnectUser } from "./connected-users-actions";

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
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();

  function confirmDisconnect() {
    startTransition(async () => {
      const result = await disconnectUser({ projectId, resourceId, userId });
      if (!result.ok) {
        setError(result.formError ?? "Could not disconnect this user.");
        return;
      }
      dialog.current?.close();
      router.refresh();
    });
  }

  return (
    <>
      <Button
        variant="danger"
        onClick={() => {
          setError(undefined);
          dialog.current?.showModal();
        }}
        aria-label={`Disconnect ${userId}`}
      >
        Disconnect
      </Button>
      <ConfirmDialog
        ref={dialog}
        title="Disconnect this user?"
        confirmLabel={pending ? "Removing…" : "Remove connection"}
        confirmVariant="danger"
        pending={pending}
        error={error}
        onConfirm={confirmDisconnect}
      >
        <p>
          This deletes the credentials and profile that <span className="break-all font-mono">{userId}</span> saved for{" "}
          {resourceName}. They will have to connect again.
        </p>
      </ConfirmDialog>
    </>
  );
}
