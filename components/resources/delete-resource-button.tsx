"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
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
      <dialog
        ref={dialog}
        aria-labelledby={`delete-${resourceId}-title`}
        className="m-auto w-full max-w-md rounded-lg p-6 text-left shadow-xl backdrop:bg-slate-900/40"
      >
        <h2 id={`delete-${resourceId}-title`} className="text-base font-semibold">
          Delete {name}?
        </h2>
        <p className="mt-2 text-sm text-slate-600">
          This deletes the resource and every Connected User&apos;s connection to it. It cannot be undone.
        </p>
        {error && (
          <p role="alert" className="mt-3 text-sm text-red-600">
            {error}
          </p>
        )}
        <div className="mt-6 flex justify-end gap-2">
          <Button variant="secondary" onClick={() => dialog.current?.close()}>
            Cancel
          </Button>
          <Button variant="danger" onClick={confirmDelete} disabled={pending}>
            {pending ? "Deleting…" : "Delete resource"}
          </Button>
        </div>
      </dialog>
    </>
  );
}
