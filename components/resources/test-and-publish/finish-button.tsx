"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmDialog } from "@/components/ui/confirm-dialog";
import { publishResource } from "../actions";

/** Finish publishes; without a successful test since the last change, it asks first. */
export function FinishButton({
  projectId,
  resourceId,
  needsConfirmation,
}: {
  projectId: string;
  resourceId: string;
  needsConfirmation: boolean;
}) {
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();

  function publish() {
    startTransition(async () => {
      const result = await publishResource({ projectId, resourceId });
      if (!result.ok) {
        setError(result.formError ?? "Could not publish the resource.");
        return;
      }
      dialog.current?.close();
      router.push(`/projects/${projectId}/resources`);
      router.refresh();
    });
  }

  return (
    <>
      {error && !needsConfirmation && (
        <p role="alert" className="text-sm text-red-600">
          {error}
        </p>
      )}
      <Button onClick={() => (needsConfirmation ? dialog.current?.showModal() : publish())} disabled={pending}>
        {pending ? "Publishing…" : "Finish"}
      </Button>
      <ConfirmDialog
        ref={dialog}
        title="Publish without a successful test?"
        confirmLabel="Publish anyway"
        pending={pending}
        error={error}
        onConfirm={publish}
      >
        No test request has succeeded since the configuration last changed. Connections and requests will use this configuration once it is
        published.
      </ConfirmDialog>
    </>
  );
}
