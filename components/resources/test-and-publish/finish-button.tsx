"use client";

import { useRouter } from "next/navigation";
import { useRef, useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { publishResource } from "../actions";

/** Finish publishes; without a successful test since the last change, it asks first. */
export function FinishButton({ projectId, resourceId, needsConfirmation }: { projectId: string; resourceId: string; needsConfirmation: boolean }) {
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
      {error && (
        <p role="alert" className="text-sm text-red-600">
          {error}
        </p>
      )}
      <Button onClick={() => (needsConfirmation ? dialog.current?.showModal() : publish())} disabled={pending}>
        {pending ? "Publishing…" : "Finish"}
      </Button>
      <dialog ref={dialog} aria-labelledby={`publish-${resourceId}-title`} className="m-auto w-full max-w-md rounded-lg p-6 shadow-xl backdrop:bg-slate-900/40">
        <h2 id={`publish-${resourceId}-title`} className="text-base font-semibold">
          Publish without a successful test?
        </h2>
        <p className="mt-2 text-sm text-slate-600">
          No test request has succeeded since the configuration last changed. Connections and requests will use this configuration
          once it is published.
        </p>
        <div className="mt-6 flex justify-end gap-2">
          <Button variant="secondary" onClick={() => dialog.current?.close()}>
            Cancel
          </Button>
          <Button onClick={publish} disabled={pending}>
            Publish anyway
          </Button>
        </div>
      </dialog>
    </>
  );
}
