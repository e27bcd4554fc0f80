"use client";

import { useActionState } from "react";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { FormMessage } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import type { PortalField } from "@/lib/connect-portal/portal";
import type { KeysFormState } from "./actions";

const MAX_SHOWN = 2000;

/**
 * API Keys: one field per key (secret ones as passwords, never filled back in), and Connect. Works
 * without JavaScript: the server action answers the page again with what went wrong.
 */
export function KeysForm({
  fields,
  action,
}: {
  fields: PortalField[];
  action: (previous: KeysFormState, form: FormData) => Promise<KeysFormState>;
}) {
  const [state, formAction, pending] = useActionState(action, {});
  if (state.final && state.failure) return <FormMessage error={state.failure.message} />;
  const failure = state.failure;
  return (
    <form action={formAction} className="space-y-4">
      {fields.map((field) => (
        <FormField key={field.key} label={field.label} error={failure?.fields?.[field.key]}>
          <Input
            name={field.key}
            type={field.secret ? "password" : "text"}
            required
            autoComplete="off"
            spellCheck={false}
            maxLength={16 * 1024}
            defaultValue={field.secret ? "" : (state.kept?.[field.key] ?? "")}
            // A new try starts the secret fields empty again.
            key={`${field.key}-${failure ? failure.message : ""}`}
          />
        </FormField>
      ))}
      {failure && (
        <div role="alert" className="space-y-2 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700">
          <p>{failure.message}</p>
          {failure.answer && (
            <>
              <p className="font-medium">The API answered {failure.answer.status}:</p>
              <pre className="max-h-40 overflow-auto whitespace-pre-wrap break-all rounded bg-white p-2 font-mono text-xs text-slate-800">
                {(failure.answer.body ?? "").slice(0, MAX_SHOWN) || "(no body)"}
              </pre>
            </>
          )}
        </div>
      )}
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Connecting…" : "Connect"}
      </Button>
    </form>
  );
}
