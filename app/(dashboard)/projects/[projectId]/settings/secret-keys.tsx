"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { applyActionErrors } from "@/components/forms/apply-action-errors";
import { Button } from "@/components/ui/button";
import { ConfirmActionButton } from "@/components/ui/confirm-action-button";
import { FormField } from "@/components/ui/form-field";
import { FormMessage } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { ShownOnceSecret } from "@/components/ui/shown-once-secret";
import { createSecretKeySchema, type CreateSecretKeyInput } from "@/lib/projects/schema";
import { createSecretKey, revokeSecretKey } from "./actions";

/**
 * Creates a secret key on the server, which keeps only its hash; the key lives only in this
 * component's state, shown once for the user to copy.
 */
export function CreateSecretKeyForm({ projectId }: { projectId: string }) {
  const router = useRouter();
  const form = useForm<CreateSecretKeyInput, unknown, z.output<typeof createSecretKeySchema>>({
    resolver: zodResolver(createSecretKeySchema),
    defaultValues: { projectId, name: "" },
  });
  const { errors, isSubmitting } = form.formState;
  const [created, setCreated] = useState<{ name: string; key: string }>();

  async function onSubmit(values: z.output<typeof createSecretKeySchema>) {
    setCreated(undefined);
    const result = await createSecretKey(values);
    if (!result.ok) return applyActionErrors(form, result);
    form.reset({ projectId, name: "" });
    setCreated(result.data);
    router.refresh();
  }

  return (
    <div className="space-y-3">
      <form onSubmit={form.handleSubmit(onSubmit)} className="space-y-3" noValidate>
        <FormMessage error={errors.root?.serverError?.message} />
        <div className="flex items-start gap-2">
          <div className="flex-1">
            <FormField label="Key name" error={errors.name?.message} hint="What will use the key, such as “billing backend”.">
              <Input autoComplete="off" maxLength={64} {...form.register("name")} />
            </FormField>
          </div>
          {/* Lines the button up with the input, below the label. */}
          <Button type="submit" disabled={isSubmitting} className="mt-6 shrink-0">
            {isSubmitting ? "Creating…" : "Create secret key"}
          </Button>
        </div>
      </form>
      {created && (
        <ShownOnceSecret
          message={
            <>
              Save the secret key “{created.name}” now: it is shown only this once. Switchboard keeps only a hash of it and cannot show it
              again. Keep it on your backend, never in a browser or a repository.
            </>
          }
          label="Secret key"
          value={created.key}
          copyLabel="Copy secret key"
          onDone={() => setCreated(undefined)}
        />
      )}
    </div>
  );
}

export function RevokeSecretKeyButton({ projectId, keyId, name }: { projectId: string; keyId: string; name: string }) {
  return (
    <ConfirmActionButton
      label="Revoke"
      accessibleName={`Revoke secret key ${name}`}
      title="Revoke this secret key?"
      confirmLabel="Revoke secret key"
      pendingLabel="Revoking…"
      failure="Could not revoke the key."
      action={() => revokeSecretKey({ projectId, keyId })}
    >
      <p>Calls made with this key will be refused at once. This cannot be undone.</p>
      <p className="mt-2 break-all font-medium text-slate-800">{name}</p>
    </ConfirmActionButton>
  );
}
