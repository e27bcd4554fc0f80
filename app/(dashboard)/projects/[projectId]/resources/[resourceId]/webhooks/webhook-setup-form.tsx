"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useState } from "react";
import { FormProvider, type Resolver, useForm } from "react-hook-form";
import { applyActionErrors } from "@/components/forms/apply-action-errors";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/form-message";
import { type WebhookSetupContext, type WebhookSetupInput, webhookSetupSchema } from "@/lib/webhooks/setup-schema";
import { saveWebhookSetup } from "./actions";
import { EventTypesCard } from "./event-types-card";
import { SignatureCard } from "./signature-card";
import { SubscriptionCard } from "./subscription-card";
import { UserMatchingCard } from "./user-matching-card";

/**
 * The Webhook Setup form: Signature (with the write-only Signing secret), Event type and Event
 * types, User matching, Subscription, each a card of its own that reads the form from here.
 * Validated by the same schema as the save action, in the same context; the saved secret never
 * reaches the browser, only whether it is set.
 */
export function WebhookSetupForm({
  projectId,
  resourceId,
  resourceName,
  values,
  context,
  variables,
}: {
  projectId: string;
  resourceId: string;
  resourceName: string;
  values: WebhookSetupInput;
  context: WebhookSetupContext;
  variables: readonly string[];
}) {
  const form = useForm<WebhookSetupInput>({
    // Typed as the form's own values: the action is sent those (getValues) and validates them with
    // this schema. The context changes once a save lands (a secret is now set); useForm takes the new resolver.
    resolver: zodResolver(webhookSetupSchema(context)) as unknown as Resolver<WebhookSetupInput>,
    defaultValues: values,
  });
  const { errors, isSubmitting } = form.formState;
  const [saves, setSaves] = useState(0);
  const [success, setSuccess] = useState<string>();
  const appLevel = context.level === "app";

  const save = form.handleSubmit(async () => {
    setSuccess(undefined);
    // The action validates the form's own values with the same schema.
    const result = await saveWebhookSetup({ projectId, resourceId, values: form.getValues() });
    if (!result.ok) return applyActionErrors(form, result);
    // Emptying the secret also puts away a generated one (SignatureCard shows it while the form holds it).
    form.reset({ ...form.getValues(), signingSecret: "" });
    setSaves((count) => count + 1);
    setSuccess("Saved.");
  });

  return (
    <FormProvider {...form}>
      <form onSubmit={save} className="space-y-6" noValidate>
        <FormMessage error={errors.root?.serverError?.message} />
        <SignatureCard savedSecretKind={context.savedSecretKind} saves={saves} />
        <EventTypesCard resourceName={resourceName} variables={variables} />
        <UserMatchingCard appLevel={appLevel} variables={variables} />
        {!appLevel && <SubscriptionCard />}
        <div className="flex items-center gap-3">
          <Button type="submit" disabled={isSubmitting}>
            {isSubmitting ? "Saving…" : "Save"}
          </Button>
          <FormMessage success={success} />
        </div>
      </form>
    </FormProvider>
  );
}
