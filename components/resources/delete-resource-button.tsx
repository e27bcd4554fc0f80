"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { deleteResource } from "./actions";

/** Delete, after a confirmation that says what goes with the resource. */
export function DeleteResourceButton({ projectId, resourceId, name }: { projectId: string; resourceId: string; name: string }) {
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();

  function confirmDelete() {
    startTransition(async () => {
      const result = await deleteResource({ projectId, resourceId });
      if (!result.ok) {
        setError(result.formError ?? "Could not delete the resource.");
        return;
      }
      dialog.current?.close();
      router.refresh();
    });
  }

  return (
    <>
      <Button variant="danger" onClick={() => dialog.current?.showModal()} aria-label={`Delete ${name}`}>
        Delete
      </Button>
      <ConfirmDialog
        ref={dialog}
        title={`Delete ${name}?`}
        confirmLabel={pending ? "Deleting…" : "Delete resource"}
        confirmVariant="danger"
        pending={pending}
        error={error}
        onConfirm={confirmDelete}
      >
        This deletes the resource and every Connected User&apos;s connection to it. It cannot be undone.
      </ConfirmDialog>
    </>
  );
}
