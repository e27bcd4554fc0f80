"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Checkbox } from "@/components/ui/checkbox";
import { FormMessage } from "@/components/ui/form-message";
import { setWorkflowEnabledForAll } from "../actions";

/** "Enabled for all users", saved as soon as it changes. */
export function EnabledForAllCheckbox({ projectId, workflowId, enabled }: { projectId: string; workflowId: string; enabled: boolean }) {
  const router = useRouter();
  const [checked, setChecked] = useState(enabled);
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();

  function change(next: boolean) {
    setChecked(next);
    setError(undefined);
    startTransition(async () => {
      const result = await setWorkflowEnabledForAll({ projectId, workflowId, enabled: next });
      if (!result.ok) {
        setChecked(!next);
        setError(result.formError ?? "Could not save the setting.");
        return;
      }
      router.refresh();
    });
  }

  return (
    <div className="space-y-2 rounded-md border border-slate-200 bg-white p-4">
      <Checkbox
        label="Enabled for all users"
        hint="On: the workflow runs for every Connected User unless they turn it off (the SDK's disableWorkflow). Off: only for users who turn it on (enableWorkflow)."
        checked={checked}
        disabled={pending}
        onChange={(event) => change(event.currentTarget.checked)}
      />
      <FormMessage error={error} />
    </div>
  );
}
