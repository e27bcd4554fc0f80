"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import { applyActionErrors } from "@/components/forms/apply-action-errors";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { FormMessage } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import type { RequiredKey } from "@/lib/resources/required-keys";
import { SecretField } from "../wizard/secret-field";
import { saveTestCredentials } from "../actions";

/**
 * Test credentials: every key a Connected User supplies. Secret ones are write-only; plain
 * ones (inputs, API keys not marked secret) show their saved value.
 */
export function TestCredentialsForm({
  projectId,
  resourceId,
  keys,
  savedValues,
  savedSecrets,
}: {
  projectId: string;
  resourceId: string;
  keys: readonly RequiredKey[];
  savedValues: Readonly<Record<string, string>>;
  savedSecrets: readonly string[];
}) {
  const router = useRouter();
  const [saved, setSaved] = useState(false);
  const form = useForm<Record<string, string>>({
    defaultValues: Object.fromEntries(keys.map((key) => [key.key, key.secret ? "" : (savedValues[key.key] ?? "")])),
  });
  const { errors, isSubmitting } = form.formState;

  async function onSubmit(values: Record<string, string>) {
    setSaved(false);
    const result = await saveTestCredentials({ projectId, resourceId, values });
    if (!result.ok) return applyActionErrors(form, result);
    // Secrets are write-only: once saved, their fields empty out (and then show as set), so a
    // later save cannot resend a token the API has since rotated.
    form.reset(Object.fromEntries(keys.map((key) => [key.key, key.secret ? "" : (values[key.key] ?? "")])));
    setSaved(true);
    router.refresh();
  }

  return (
    <form onSubmit={form.handleSubmit(onSubmit)} className="space-y-4" noValidate>
      <FormMessage error={errors.root?.serverError?.message} success={saved ? "Test credentials saved." : undefined} />
      {keys.map((key) =>
        key.secret ? (
          <SecretField
            // Remounts once the value is saved, to show it as set.
            key={`${key.key}:${savedSecrets.includes(key.key)}`}
            label={key.label}
            isSet={savedSecrets.includes(key.key)}
            error={errors[key.key]?.message}
            registration={form.register(key.key)}
          />
        ) : (
          <FormField key={key.key} label={key.label} error={errors[key.key]?.message}>
            <Input autoComplete="off" spellCheck={false} {...form.register(key.key)} />
          </FormField>
        ),
      )}
      {keys.some((key) => key.optional && key.key === "access_token") && (
        <p className="text-xs text-slate-500">Leave the Access Token empty to get one with the Refresh Token.</p>
      )}
      {keys.some((key) => key.optional && key.key === "refresh_token") && (
        <p className="text-xs text-slate-500">
          The Refresh Token is optional: without one, the access token cannot be renewed once it expires.
        </p>
      )}
      <Button type="submit" variant="secondary" disabled={isSubmitting}>
        {isSubmitting ? "Saving…" : "Save test credentials"}
      </Button>
    </form>
  );
}
