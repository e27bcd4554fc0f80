"use client";

import { useFormContext, useWatch } from "react-hook-form";
import { TemplateField } from "@/components/resources/wizard/template-field";
import { Card } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { FormField } from "@/components/ui/form-field";
import { Select } from "@/components/ui/select";
import type { WebhookSetupInput } from "@/lib/webhooks/setup-schema";
import { useErrorAt } from "./webhook-setup-fields";

/** The Subscription card (User-Level resources): the request that registers the webhook URL when a user connects, and its undo. */
export function SubscriptionCard() {
  const { setValue } = useFormContext<WebhookSetupInput>();
  const subscription = useWatch<WebhookSetupInput, "subscription">({ name: "subscription" });

  return (
    <Card
      title="Subscription"
      description="Optional: a request through this resource that registers the webhook URL in a user's account when they connect, and its undo when they disconnect."
    >
      <div className="space-y-4">
        <Checkbox
          label="Subscribe users when they connect"
          hint="Sent with the user's credentials; a failure is shown on Connected Users and retried."
          checked={!!subscription}
          onChange={(event) =>
            setValue(
              "subscription",
              event.target.checked
                ? { subscribe: { method: "POST", path: "/webhooks", body: '{"url": "{{webhook.url}}"}' }, unsubscribe: null }
                : null,
              {
                shouldDirty: true,
              },
            )
          }
        />
        {subscription && (
          <>
            <SubscriptionRequestFields name="subscription.subscribe" title="Subscribe" />
            <Checkbox
              label="Unsubscribe when they disconnect"
              checked={!!subscription.unsubscribe}
              onChange={(event) =>
                setValue(
                  "subscription.unsubscribe",
                  event.target.checked ? { method: "DELETE", path: "/webhooks/{{user.id}}", body: "" } : null,
                  { shouldDirty: true },
                )
              }
            />
            {subscription.unsubscribe && <SubscriptionRequestFields name="subscription.unsubscribe" title="Unsubscribe" />}
          </>
        )}
      </div>
    </Card>
  );
}

const SUBSCRIPTION_VARIABLES = ["webhook.url", "user.id"];

/** Method, Path and Body of a Subscription request; templates over {{webhook.url}} and {{user.id}}. */
function SubscriptionRequestFields({ name, title }: { name: "subscription.subscribe" | "subscription.unsubscribe"; title: string }) {
  const { control, register } = useFormContext<WebhookSetupInput>();
  const errorAt = useErrorAt();
  return (
    <fieldset className="space-y-3 rounded-md border border-slate-200 p-3">
      <legend className="px-1 text-sm font-medium">{title} request</legend>
      <div className="w-40">
        <FormField label={`${title} method`} error={errorAt(`${name}.method`)}>
          <Select {...register(`${name}.method`)}>
            {["POST", "PUT", "PATCH", "DELETE"].map((method) => (
              <option key={method}>{method}</option>
            ))}
          </Select>
        </FormField>
      </div>
      <TemplateField
        control={control}
        name={`${name}.path`}
        label={`${title} path`}
        variables={SUBSCRIPTION_VARIABLES}
        placeholder="/webhooks"
        error={errorAt(`${name}.path`)}
      />
      <TemplateField
        control={control}
        name={`${name}.body`}
        label={`${title} body`}
        variables={SUBSCRIPTION_VARIABLES}
        rows={3}
        placeholder='{"url": "{{webhook.url}}"}'
        error={errorAt(`${name}.body`)}
      />
    </fieldset>
  );
}
