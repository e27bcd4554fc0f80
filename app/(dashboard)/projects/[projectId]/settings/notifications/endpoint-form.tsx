"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { applyActionErrors } from "@/components/forms/apply-action-errors";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { FormMessage } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { ShownOnceSecret } from "@/components/ui/shown-once-secret";
import {
  createEndpointSchema,
  type CreateEndpointInput,
  NOTIFICATION_EVENT_LABELS,
  NOTIFICATION_EVENT_TYPES,
} from "@/lib/notifications/schema";
import { createNotificationEndpoint } from "./actions";

/**
 * Adds an endpoint; its signing secret lives only in this component's state, shown once for
 * the team to copy into the receiver that verifies the signatures.
 */
export function AddEndpointForm({ projectId }: { projectId: string }) {
  const router = useRouter();
  const form = useForm<CreateEndpointInput, unknown, z.output<typeof createEndpointSchema>>({
    resolver: zodResolver(createEndpointSchema),
    defaultValues: { projectId, url: "", events: [...NOTIFICATION_EVENT_TYPES] },
  });
  const { errors, isSubmitting } = form.formState;
  const [created, setCreated] = useState<{ url: string; secret: string }>();

  async function onSubmit(values: z.output<typeof createEndpointSchema>) {
    setCreated(undefined);
    const result = await createNotificationEndpoint(values);
    if (!result.ok) return applyActionErrors(form, result);
    form.reset({ projectId, url: "", events: [...NOTIFICATION_EVENT_TYPES] });
    setCreated({ url: result.data.url, secret: result.data.secret });
    router.refresh();
  }

  return (
    <div className="space-y-3">
      <form onSubmit={form.handleSubmit(onSubmit)} className="space-y-4" noValidate>
        <FormMessage error={errors.root?.serverError?.message} />
        <FormField label="Endpoint URL" error={errors.url?.message} hint="An https:// URL of your backend that accepts POST requests.">
          <Input type="url" autoComplete="off" placeholder="https://api.example.com/switchboard-events" {...form.register("url")} />
        </FormField>
        <fieldset className="space-y-2">
          <legend className="text-sm font-medium text-slate-800">Events</legend>
          {NOTIFICATION_EVENT_TYPES.map((type) => (
            <label key={type} className="flex items-start gap-2 text-sm">
              <input
                type="checkbox"
                value={type}
                className="mt-0.5 size-4 rounded border-slate-300 accent-indigo-600"
                {...form.register("events")}
              />
              <span>
                <code className="font-mono text-xs font-medium text-slate-800">{type}</code>
                <span className="block text-xs text-slate-500">{NOTIFICATION_EVENT_LABELS[type]}</span>
              </span>
            </label>
          ))}
          {errors.events && <p className="text-sm text-red-600">{errors.events.message ?? "Pick at least one event."}</p>}
        </fieldset>
        <Button type="submit" disabled={isSubmitting}>
          {isSubmitting ? "Adding…" : "Add endpoint"}
        </Button>
      </form>
      {created && (
        <ShownOnceSecret
          message={
            <>
              Save the signing secret of {created.url} now: it is shown only this once. Your receiver verifies each request&apos;s
              webhook-signature header with it (Standard Webhooks).
            </>
          }
          label="Signing secret"
          value={created.secret}
          copyLabel="Copy signing secret"
          onDone={() => setCreated(undefined)}
        />
      )}
    </div>
  );
}
