"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/form-message";
import { cancelRun, replayRun, retryRun } from "../actions";

type Pending = "replay" | "retry" | "cancel";

/** Replay (a deployed workflow), Retry from failed step (a failed run), Cancel (a queued or running run). */
export function RunButtons({
  projectId,
  workflowId,
  runId,
  canReplay,
  canRetry,
  canCancel,
}: {
  projectId: string;
  workflowId: string;
  runId: string;
  canReplay: boolean;
  canRetry: boolean;
  canCancel: boolean;
}) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState<Pending>();
  const [, startTransition] = useTransition();
  const runHref = (id: string) => `/projects/${projectId}/workflows/${workflowId}/runs/${id}`;

  function start(which: Pending, failure: string) {
    setError(undefined);
    setPending(which);
    startTransition(async () => {
      const input = { projectId, runId };
      const result = which === "replay" ? await replayRun(input) : which === "retry" ? await retryRun(input) : await cancelRun(input);
      if (!result.ok) {
        setError(result.formError ?? Object.values(result.fieldErrors ?? {})[0]?.[0] ?? failure);
        setPending(undefined);
        return;
      }
      if (result.data) router.push(runHref(result.data.runId));
      else router.refresh();
      setPending(undefined);
    });
  }

  if (!canReplay && !canRetry && !canCancel) return null;
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        {canReplay && (
          <Button variant="secondary" disabled={pending !== undefined} onClick={() => start("replay", "The run could not be replayed.")}>
            {pending === "replay" ? "Replaying…" : "Replay"}
          </Button>
        )}
        {canRetry && (
          <Button variant="secondary" disabled={pending !== undefined} onClick={() => start("retry", "The run could not be retried.")}>
            {pending === "retry" ? "Retrying…" : "Retry from failed step"}
          </Button>
        )}
        {canCancel && (
          <Button variant="danger" disabled={pending !== undefined} onClick={() => start("cancel", "The run could not be cancelled.")}>
            {pending === "cancel" ? "Cancelling…" : "Cancel"}
          </Button>
        )}
      </div>
      <FormMessage error={error} />
    </div>
  );
}
