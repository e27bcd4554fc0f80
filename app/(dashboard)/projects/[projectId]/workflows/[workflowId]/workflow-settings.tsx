"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Checkbox } from "@/components/ui/checkbox";
import { FormMessage } from "@/components/ui/form-message";
import { setWorkflowEnabledForAll, setWorkflowEndUsersMayStart } from "../actions";

type SaveSetting = typeof setWorkflowEnabledForAll;

/** A workflow setting, saved as soon as it changes. */
function SettingCheckbox({
  label,
  hint,
  value,
  save,
}: {
  label: string;
  hint: string;
  value: boolean;
  save: (next: boolean) => ReturnType<SaveSetting>;
}) {
  const router = useRouter();
  const [checked, setChecked] = useState(value);
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();

  function change(next: boolean) {
    setChecked(next);
    setError(undefined);
    startTransition(async () => {
      const result = await save(next);
      if (!result.ok) {
        setChecked(!next);
        setError(result.formError ?? "Could not save the setting.");
        return;
      }
      router.refresh();
    });
  }

  return (
    <div className="space-y-2">
      <Checkbox label={label} hint={hint} checked={checked} disabled={pending} onChange={(event) => change(event.currentTarget.checked)} />
      <FormMessage error={error} />
    </div>
  );
}

/** "Enabled for all users" and "End users may start this workflow". */
export function WorkflowSettings({
  projectId,
  workflowId,
  enabledForAll,
  endUsersMayStart,
}: {
  projectId: string;
  workflowId: string;
  enabledForAll: boolean;
  endUsersMayStart: boolean;
}) {
  return (
    <div className="space-y-4 rounded-md border border-slate-200 bg-white p-4">
      <SettingCheckbox
        label="Enabled for all users"
        hint="On: the workflow runs for every Connected User unless they turn it off (the SDK's disableWorkflow). Off: only for users who turn it on (enableWorkflow)."
        value={enabledForAll}
        save={(enabled) => setWorkflowEnabledForAll({ projectId, workflowId, enabled })}
      />
      <SettingCheckbox
        label="End users may start this workflow"
        hint="A workflow that uses an App-Level resource sends the app's credentials, so only your backend (a Secret Key) starts it. On: a user's User Token may start it too (a Request run, an App Event)."
        value={endUsersMayStart}
        save={(enabled) => setWorkflowEndUsersMayStart({ projectId, workflowId, enabled })}
      />
    </div>
  );
}
