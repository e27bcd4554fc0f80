import { saveResource } from "@/db/queries/resources";
import { saveWebhookSettings } from "@/db/queries/webhook-events";
import type { StoredWebhookSettings } from "@/db/webhook-settings";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";
import { encryptResourceSecret } from "@/lib/resources/secrets";
import { WEBHOOK_SECRET, webhookSettingsSchema } from "@/lib/webhooks/settings";

/** TaskLab's webhooks as its docs describe them: Standard Webhooks, the type and the account id in the payload. */
export function taskLabWebhookSettings(overrides: Partial<StoredWebhookSettings> = {}): StoredWebhookSettings {
  return webhookSettingsSchema.parse({
    signature: { kind: "standard_webhooks" },
    eventTypeTemplate: "{{payload.type}}",
    eventTypes: ["task.created", "task.updated"],
    userMatchTemplate: "{{payload.account_id}}",
    userMatchField: { kind: "user_id" },
    eventIdTemplate: "{{headers.webhook-id}}",
    ...overrides,
  });
}

/** Saves a resource's webhook settings and (when given) its signing secret, as the Webhook Setup page does; throws when either is refused. */
export async function setUpWebhooks({
  projectId,
  resourceId,
  webhook,
  secret,
}: {
  projectId: string;
  resourceId: string;
  webhook: StoredWebhookSettings;
  secret?: string;
}): Promise<void> {
  if (!(await saveWebhookSettings({ projectId, resourceId, webhook, actor: SYSTEM_ACTOR, changes: [] })))
    throw new Error("the webhook settings were not saved");
  if (secret === undefined) return;
  const saved = await saveResource({
    projectId,
    resourceId,
    update: {},
    setSecrets: [encryptResourceSecret(resourceId, WEBHOOK_SECRET, secret)],
    actor: SYSTEM_ACTOR,
    changes: [],
  });
  if (!saved || !("id" in saved)) throw new Error("the webhook signing secret was not saved");
}
