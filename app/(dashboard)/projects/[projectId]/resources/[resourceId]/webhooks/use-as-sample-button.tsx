"use client";

import { useMutation } from "@tanstack/react-query";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/form-message";
import { saveEventAsSample } from "./actions";

/** Use as sample: the workflow editor then lists this event's payload and headers as trigger.* variables. */
export function UseAsSampleButton({ projectId, resourceId, eventId }: { projectId: string; resourceId: string; eventId: string }) {
  const keep = useMutation({
    mutationFn: async () => {
      const result = await saveEventAsSample({ projectId, resourceId, eventId });
      if (!result.ok) throw new Error(result.formError ?? "The event could not be kept as the sample.");
    },
  });
  return (
    <div className="flex flex-wrap items-center gap-3">
      <Button variant="secondary" onClick={() => keep.mutate()} disabled={keep.isPending}>
        {keep.isPending ? "Saving…" : "Use as sample"}
      </Button>
      <FormMessage
        error={keep.error?.message}
        success={keep.isSuccess ? "Kept as the sample event: the workflow editor lists its payload and headers." : undefined}
      />
    </div>
  );
}
