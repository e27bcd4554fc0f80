import { getResource, listResourceSecretNames } from "@/db/queries/resources";
import {
  getWebhookEvent,
  listWebhookEventRuns,
  listWebhookEvents,
  saveWebhookSample,
  saveWebhookSettings,
  webhookListenStart,
} from "@/db/queries/webhook-events";
import type { Resource, WebhookEvent } from "@/db/schema";
import { type AuditActor, changedFields } from "@/lib/audit/audit-log";
import { ConfigError, type ConfigEnv } from "@/lib/config/env";
import { AppError, invalidInputError } from "@/lib/errors";
import { encryptResourceSecret } from "@/lib/resources/secrets";
import { WEBHOOK_SECRET } from "./settings";
import { webhookPath, webhookUrl } from "./subscription";
import {
  type WebhookEventView,
  type WebhookSample,
  type WebhookSetupContext,
  type WebhookSetupInput,
  webhookSetupSchema,
  webhookSetupValues,
  webhookTemplateVariables,
} from "./setup-schema";

// The Webhook Setup page (resource tab Webhooks): its settings and write-only signing secret,
// Listen for test event, Use as sample and the Events list. Every call names the project, and
// the resource and event must belong to it.

const resourceNotFound = () => new AppError("resource_not_found", { message: "No resource with this ID in this project." });

/** The level webhooks see: the published configuration's, else the draft's. */
function webhookLevel(resource: Resource): "user" | "app" | null {
  return resource.published?.level ?? resource.level;
}

function setupContext(resource: Resource, secretNames: readonly string[]): WebhookSetupContext {
  const kind = resource.webhook?.signature.kind;
  return {
    level: webhookLevel(resource),
    savedSecretKind: secretNames.includes(WEBHOOK_SECRET) && kind && kind !== "none" ? kind : null,
  };
}

/** Everything the Webhook Setup page shows about a resource. It holds no secret: only whether one is set. */
export interface WebhookSetupView {
  resourceId: string;
  name: string;
  published: boolean;
  level: "user" | "app" | null;
  /** Whether webhook settings were ever saved: until then the resource receives nothing. */
  configured: boolean;
  context: WebhookSetupContext;
  values: WebhookSetupInput;
  sample: WebhookSample | null;
  /** The template fields' variable menu. */
  variables: string[];
  /** The webhook URL, from the configured public URL (its path alone when there is none). */
  webhookUrl: string;
  /** Why there is no public URL (Subscriptions are refused until it is set); null when there is one. */
  publicUrlProblem: string | null;
}

/** The webhook URL as a Subscription registers it, or its path with what to configure when it cannot be built. */
function shownWebhookUrl(resource: Resource, env: ConfigEnv | undefined): { webhookUrl: string; publicUrlProblem: string | null } {
  try {
    return { webhookUrl: webhookUrl(resource, env), publicUrlProblem: null };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { webhookUrl: webhookPath(resource), publicUrlProblem: error.message };
  }
}

/** `env`: the configuration the webhook URL is built from (process.env by default). */
export async function loadWebhookSetup({ resource, env }: { resource: Resource; env?: ConfigEnv }): Promise<WebhookSetupView> {
  const context = setupContext(resource, await listResourceSecretNames({ resourceId: resource.id }));
  return {
    ...shownWebhookUrl(resource, env),
    resourceId: resource.id,
    name: resource.name,
    published: resource.published !== null,
    level: context.level,
    configured: resource.webhook !== null,
    context,
    values: webhookSetupValues(resource.webhook),
    sample: resource.webhookSample,
    variables: webhookTemplateVariables(resource.webhookSample),
  };
}

/**
 * Save on the Webhook Setup page: the settings (same schema as the form, in the resource's
 * context), and the signing secret encrypted under WEBHOOK_SECRET in the same transaction — a
 * new one replaces the saved one, an empty field keeps it, Signature None removes it.
 */
export async function saveWebhookSetup({
  projectId,
  resourceId,
  values,
  actor,
}: {
  projectId: string;
  resourceId: string;
  values: unknown;
  actor: AuditActor;
}): Promise<{ secretSet: boolean }> {
  const resource = await getResource({ projectId, resourceId });
  if (!resource) throw resourceNotFound();
  const secretNames = await listResourceSecretNames({ resourceId });
  const context = setupContext(resource, secretNames);
  const parsed = webhookSetupSchema(context).safeParse(values);
  if (!parsed.success) throw invalidInputError(parsed.error);
  const { signingSecret, ...webhook } = parsed.data;
  const secret =
    webhook.signature.kind === "none"
      ? { name: WEBHOOK_SECRET, delete: true as const }
      : signingSecret
        ? encryptResourceSecret(resourceId, WEBHOOK_SECRET, signingSecret)
        : undefined;
  const secretChanged = secret !== undefined && !("delete" in secret && !secretNames.includes(WEBHOOK_SECRET));
  const changes = [
    ...changedFields(resource.webhook ?? {}, webhook, { prefix: "webhook" }),
    ...(secretChanged ? [`secrets.${WEBHOOK_SECRET}`] : []),
  ];
  if (!(await saveWebhookSettings({ projectId, resourceId, webhook, secret, actor, changes }))) throw resourceNotFound();
  return { secretSet: webhook.signature.kind !== "none" };
}

async function toEventViews(projectId: string, events: readonly WebhookEvent[]): Promise<WebhookEventView[]> {
  const runs = await listWebhookEventRuns({ projectId, runIds: events.flatMap((event) => event.runIds) });
  return events.map((event) => {
    const rejected = event.rejectedReason !== null;
    return {
      id: event.id,
      receivedAt: event.receivedAt.toISOString(),
      eventType: event.eventType,
      userId: event.userId,
      matched: event.matched,
      signatureOk: event.signatureOk,
      rejectedReason: event.rejectedReason,
      unmatchedReason: event.unmatchedReason,
      // A rejected event's content is not kept; never show it even if a row had some.
      headers: rejected ? null : event.headers,
      payload: rejected ? null : event.payload,
      runCount: event.runIds.length,
      runs: runs.filter((run) => event.runIds.includes(run.id)),
    };
  });
}

/**
 * Listen for test event: called without `since` it answers the time listening starts (the
 * database's clock); with it, the first event received since then, if any.
 */
export async function pollWebhookTestEvent({
  projectId,
  resourceId,
  since,
}: {
  projectId: string;
  resourceId: string;
  since?: Date;
}): Promise<{ since: string; event: WebhookEventView | null }> {
  if (!since) {
    const now = await webhookListenStart({ projectId, resourceId });
    if (!now) throw resourceNotFound();
    return { since: now.toISOString(), event: null };
  }
  if (!(await getResource({ projectId, resourceId }))) throw resourceNotFound();
  const events = await listWebhookEvents({ projectId, resourceId, since, limit: 20 });
  const first = events.at(-1);
  return { since: since.toISOString(), event: first ? ((await toEventViews(projectId, [first]))[0] ?? null) : null };
}

/** An event of this resource, or webhook_event_not_found. */
async function requireEvent(projectId: string, resourceId: string, eventId: string): Promise<WebhookEvent> {
  const event = await getWebhookEvent({ projectId, eventId });
  if (!event || event.resourceId !== resourceId) throw new AppError("webhook_event_not_found");
  return event;
}

/** Use as sample: the event's type, headers and payload become what the workflow editor lists `trigger.*` from. */
export async function keepWebhookEventAsSample({
  projectId,
  resourceId,
  eventId,
}: {
  projectId: string;
  resourceId: string;
  eventId: string;
}): Promise<WebhookSample> {
  const event = await requireEvent(projectId, resourceId, eventId);
  if (event.rejectedReason !== null || event.headers === null) {
    throw new AppError("invalid_input", { message: "This event was rejected and its content was not kept: send another one." });
  }
  const sample: WebhookSample = { type: event.eventType, headers: event.headers, payload: event.payload };
  if (!(await saveWebhookSample({ projectId, resourceId, sample }))) throw resourceNotFound();
  return sample;
}

export const WEBHOOK_EVENTS_PAGE_SIZE = 50;

/** The Events list: newest first, optionally of one type and before a time (the next page). */
export async function listWebhookEventViews({
  projectId,
  resourceId,
  eventType,
  before,
}: {
  projectId: string;
  resourceId: string;
  eventType?: string;
  before?: Date;
}): Promise<WebhookEventView[]> {
  const events = await listWebhookEvents({ projectId, resourceId, eventType, before, limit: WEBHOOK_EVENTS_PAGE_SIZE });
  return toEventViews(projectId, events);
}

export async function getWebhookEventView({
  projectId,
  resourceId,
  eventId,
}: {
  projectId: string;
  resourceId: string;
  eventId: string;
}): Promise<WebhookEventView> {
  const [view] = await toEventViews(projectId, [await requireEvent(projectId, resourceId, eventId)]);
  return view!;
}
