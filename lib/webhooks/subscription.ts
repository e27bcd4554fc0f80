import { getConnection, setSubscriptionStatus } from "@/db/queries/connections";
import { getResource } from "@/db/queries/resources";
import type { Resource } from "@/db/schema";
import type { StoredSubscriptionRequest } from "@/db/webhook-settings";
import { ConfigError, type ConfigEnv, publicUrl } from "@/lib/config/env";
import { projectOutboundPolicy } from "@/lib/connections/request";
import { openConnectionSession } from "@/lib/connections/session";
import { AppError } from "@/lib/errors";
import type { OutboundPolicy } from "@/lib/http/client";
import { log } from "@/lib/log";
import { renderPathTemplate, renderTemplate } from "@/lib/resources/template";
import { enqueueSubscription, type SubscriptionJob } from "./jobs";

// The optional webhook Subscription: when a user connects, a request through the resource
// registers the resource's webhook URL in their account (a job, retried with backoff until it
// succeeds or its retries run out); when they disconnect, the Unsubscribe request.

/** The path of a resource's webhook URL (the intake route). */
export function webhookPath(resource: Pick<Resource, "projectId" | "id">): string {
  return `/projects/${resource.projectId}/resources/${resource.id}/webhook`;
}

/**
 * The resource's webhook URL, from the configured public URL only (publicUrl): what the Webhook
 * Setup page shows and what a Subscription registers. A ConfigError when a PostgreSQL deployment
 * has no public URL configured.
 */
export function webhookUrl(resource: Pick<Resource, "projectId" | "id">, env?: ConfigEnv): string {
  return `${publicUrl(env)}${webhookPath(resource)}`;
}

// A deployment without a public URL refuses every Subscription alike: said once per process, not per connect.
let refusalLogged = false;

/** The webhook URL for a Subscription request, or why none can be sent (the missing public URL, logged once). */
function subscriptionWebhookUrl(resource: Resource, env: ConfigEnv | undefined): { url: string } | { refused: string } {
  try {
    return { url: webhookUrl(resource, env) };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    if (!refusalLogged) {
      refusalLogged = true;
      log.error({ resourceId: resource.id }, error.message);
    }
    return { refused: error.message };
  }
}

/** Renders a subscription request: the path URL-encoded, the JSON body with its values JSON-escaped. */
function renderSubscriptionCall(request: StoredSubscriptionRequest, values: { "webhook.url": string; "user.id": string }) {
  const escaped = Object.fromEntries(Object.entries(values).map(([name, value]) => [name, JSON.stringify(value).slice(1, -1)]));
  return {
    method: request.method,
    path: renderPathTemplate(request.path, values),
    body: request.body.trim() ? renderTemplate(request.body, escaped) : undefined,
  };
}

/**
 * Queues the Subscription of a connection that was just made (when the resource has one); without a
 * public URL it is refused, and the connection shows why. `env`: the configuration (process.env by default).
 */
export async function queueSubscription({
  connectionId,
  resource,
  env,
}: {
  connectionId: string;
  resource: Resource;
  env?: ConfigEnv;
}): Promise<void> {
  if (!resource.webhook?.subscription) return;
  const target = subscriptionWebhookUrl(resource, env);
  if ("refused" in target) return setSubscriptionStatus({ connectionId, status: "failed", error: target.refused });
  await setSubscriptionStatus({ connectionId, status: "pending", error: null });
  await enqueueSubscription({ connectionId, webhookUrl: target.url });
}

/** Sends one subscription request for a connection; throws (so the job is retried) when it fails. */
export async function runSubscription({
  connectionId,
  webhookUrl: url,
  lastAttempt,
}: SubscriptionJob & { lastAttempt: boolean }): Promise<void> {
  const connection = await getConnection({ connectionId });
  if (!connection || connection.kind !== "user" || !connection.userId) return; // disconnected meanwhile
  const resource = await getResource({ projectId: connection.projectId, resourceId: connection.resourceId });
  const subscription = resource?.webhook?.subscription;
  if (!resource || !subscription) return;
  let failure: string | undefined;
  try {
    const session = await openConnectionSession({
      resource,
      target: { kind: "user", userId: connection.userId },
      policy: await projectOutboundPolicy(resource.projectId),
    });
    const { response } = await session.send(
      renderSubscriptionCall(subscription.subscribe, { "webhook.url": url, "user.id": connection.userId }),
    );
    if (response.status >= 400) failure = `The subscription request answered ${response.status}.`;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    failure = error.message;
  }
  if (!failure) return setSubscriptionStatus({ connectionId, status: "subscribed", error: null });
  await setSubscriptionStatus({ connectionId, status: lastAttempt ? "failed" : "pending", error: failure });
  throw new Error("The subscription request failed; it will be retried.");
}

/** The Unsubscribe request, sent once as a user disconnects (before their credentials are deleted); answers what failed, if anything. */
export async function unsubscribe({
  resource,
  userId,
  policy,
  env,
}: {
  resource: Resource;
  userId: string;
  policy: OutboundPolicy;
  env?: ConfigEnv;
}): Promise<string | undefined> {
  const request = resource.webhook?.subscription?.unsubscribe;
  if (!request) return undefined;
  const target = subscriptionWebhookUrl(resource, env);
  if ("refused" in target) return target.refused;
  try {
    const session = await openConnectionSession({ resource, target: { kind: "user", userId }, policy });
    const { response } = await session.send(renderSubscriptionCall(request, { "webhook.url": target.url, "user.id": userId }));
    return response.status >= 400 ? `The unsubscribe request answered ${response.status}.` : undefined;
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    return error.message;
  }
}
