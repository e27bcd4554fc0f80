"use client";

import { get, useFormState, useWatch } from "react-hook-form";
import type { WebhookSetupInput } from "@/lib/webhooks/setup-schema";
import { type WebhookSetupWarning, webhookSetupWarnings } from "@/lib/webhooks/setup-warnings";

// What the Webhook Setup cards share; each card reads the form from WebhookSetupForm's FormProvider.

/** The message of the error at a field path of the form (e.g. `signature.header`), if any. */
export function useErrorAt(): (path: string) => string | undefined {
  const { errors } = useFormState<WebhookSetupInput>();
  return (path) => (get(errors, path) as { message?: string } | undefined)?.message;
}

/** The warnings shown beside one field, updated as the settings are typed. */
export function SetupWarnings({ field }: { field: WebhookSetupWarning["field"] }) {
  const [signature, eventIdTemplate] = useWatch<WebhookSetupInput, ["signature", "eventIdTemplate"]>({
    name: ["signature", "eventIdTemplate"],
  });
  return webhookSetupWarnings({ signature, eventIdTemplate: eventIdTemplate ?? "" })
    .filter((warning) => warning.field === field)
    .map((warning) => (
      <p key={warning.message} role="status" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
        {warning.message}
      </p>
    ));
}
