import { getUserConnection } from "@/db/queries/connections";
import { readBodyWithin } from "@/lib/api/request-body";
import { getResourceWithSecret } from "@/db/queries/resources";
import { deleteWebhookEventsOlderThan, findUserByProfileField, recordRejectedWebhookEvent, recordWebhookEvent } from "@/db/queries/webhook-events";
import { type DeployedWorkflow, listDeployedWorkflowsForEvent, type NewRun } from "@/db/queries/workflow-runs";
import type { Resource } from "@/db/schema";
import type { StoredWebhookSettings } from "@/db/webhook-settings";
import { AppError } from "@/lib/errors";
import { countWebhookEvent } from "@/lib/metrics/registry";
import { decryptResourceSecret } from "@/lib/resources/secrets";
import { renderTemplate, TemplateError, templateVariableNames } from "@/lib/resources/template";
import { enqueueStep } from "@/lib/workflows/engine";
import { runnableFor } from "@/lib/workflows/runs";
import { asText, valueAtPath } from "@/lib/workflows/variables";
import { WEBHOOK_SECRET } from "./settings";
import { verifyWebhookSignature } from "./verify";

/** A webhook body over this is refused (413), counted while reading. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

/** Headers never kept with an event: they carry credentials or the signature itself. */
const SECRET_HEADERS = new Set(["authorization", "cookie", "proxy-authorization", "webhook-signature", "x-api-key"]);

/** A webhook template's value, from `payload.*` (the JSON body) and `headers.*` (lower-case names). */
function renderWebhookTemplate(template: string, event: { payload: unknown; headers: Record<string, string> }): string {
  const values = Object.fromEntries(
    templateVariableNames(template).map((name) => {
      const [root, ...path] = name.split(".");
      return [name, asText(valueAtPath(root === "payload" ? event.payload : event.headers, path))];
    }),
  );
  return renderTemplate(template, values);
}

/**
 * Which Connected User an event is for (the User matching template's value, as a user id or a
 * User Profile field), and the deployed workflows on its type read for that user — for a user
 * id both at once (whether the user is connected decides whether the workflows count).
 */
async function matchUserAndWorkflows(
  resource: Resource,
  settings: StoredWebhookSettings,
  key: string,
  eventType: string,
): Promise<{ userId: string | undefined; deployed: DeployedWorkflow[] }> {
  const event = { kind: "resource_event" as const, resourceId: resource.id, type: eventType };
  const workflowsFor = (userId: string | undefined) => listDeployedWorkflowsForEvent({ projectId: resource.projectId, event, forUser: userId });
  if (!key) return { userId: undefined, deployed: [] };
  if (settings.userMatchField.kind === "profile") {
    const userId = await findUserByProfileField({ resourceId: resource.id, path: settings.userMatchField.path, value: key });
    return { userId, deployed: userId === undefined ? [] : await workflowsFor(userId) };
  }
  const [connection, deployed] = await Promise.all([getUserConnection({ projectId: resource.projectId, resourceId: resource.id, userId: key }), workflowsFor(key)]);
  return connection ? { userId: key, deployed } : { userId: undefined, deployed: [] };
}

export interface WebhookReceipt {
  received: true;
  duplicate: boolean;
  eventType: string;
  matched: boolean;
  runIds: string[];
}

/**
 * Webhook intake (`POST /projects/{projectId}/resources/{resourceId}/webhook`): verifies the
 * signature on the raw bytes first, then reads the event's type, user and id from the JSON
 * body with the resource's templates, and stores the event with its runs (every deployed
 * workflow on "<Resource> Triggers → that type" enabled for the matched user; App-Level
 * resources: once per event) in one transaction. No outbound call.
 */
export async function receiveWebhook(delivery: { projectId: string; resourceId: string; request: Request }): Promise<WebhookReceipt> {
  try {
    const receipt = await receive(delivery);
    countWebhookEvent(receipt.duplicate ? "duplicate" : receipt.matched ? "accepted" : "unmatched");
    return receipt;
  } catch (error) {
    // Refused (invalid_signature, invalid_webhook, payload_too_large, resource_not_found, …) or failed.
    countWebhookEvent(error instanceof AppError ? error.code : "internal_error");
    throw error;
  }
}

async function receive({ projectId, resourceId, request }: { projectId: string; resourceId: string; request: Request }): Promise<WebhookReceipt> {
  const found = await getResourceWithSecret({ projectId, resourceId, secretName: WEBHOOK_SECRET });
  const resource = found?.resource;
  const settings = resource?.webhook;
  if (!found || !resource?.published || !settings) throw new AppError("resource_not_found", { message: "No published resource with webhooks set up has this ID in this project." });
  const rawBody = await readBodyWithin(request, MAX_WEBHOOK_BYTES, `The body is over ${MAX_WEBHOOK_BYTES / 1024 / 1024} MB.`);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });

  const secret = found.ciphertext === null ? [] : [decryptResourceSecret(resource.id, WEBHOOK_SECRET, found.ciphertext)];
  const check = verifyWebhookSignature({ signature: settings.signature, secret, rawBody, headers });
  if (!check.ok) {
    await recordRejectedWebhookEvent({ projectId, resourceId, signatureOk: false, rejectedReason: `Signature: ${check.reason}` });
    throw new AppError("invalid_signature", { message: `The webhook's signature does not verify: ${check.reason}` });
  }

  let payload: unknown;
  try {
    payload = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(rawBody));
  } catch {
    await recordRejectedWebhookEvent({ projectId, resourceId, signatureOk: true, rejectedReason: "The body is not JSON." });
    throw new AppError("invalid_webhook", { message: "The webhook body must be JSON." });
  }
  const kept = Object.fromEntries(
    Object.entries(headers).filter(([name]) => !SECRET_HEADERS.has(name) && !(settings.signature.kind === "hmac" && name === settings.signature.header)),
  );
  let eventType: string;
  let eventId: string;
  let userKey: string;
  try {
    eventType = renderWebhookTemplate(settings.eventTypeTemplate, { payload, headers });
    eventId = renderWebhookTemplate(settings.eventIdTemplate, { payload, headers });
    userKey = resource.published.level === "app" ? "" : renderWebhookTemplate(settings.userMatchTemplate, { payload, headers });
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    await recordRejectedWebhookEvent({ projectId, resourceId, signatureOk: true, rejectedReason: error.message });
    throw new AppError("invalid_webhook", { message: error.message });
  }
  if (!eventType) {
    await recordRejectedWebhookEvent({ projectId, resourceId, signatureOk: true, rejectedReason: "The Event type template found nothing in this event." });
    throw new AppError("invalid_webhook", { message: "The Event type template found nothing in this event." });
  }

  const appLevel = resource.published.level === "app";
  const { userId, deployed } = appLevel
    ? { userId: undefined, deployed: await listDeployedWorkflowsForEvent({ projectId, event: { kind: "resource_event", resourceId, type: eventType } }) }
    : await matchUserAndWorkflows(resource, settings, userKey, eventType);
  const matched = appLevel || userId !== undefined;
  let runs: NewRun[] = [];
  if (matched) {
    const { runnable } = await runnableFor(projectId, deployed, userId);
    runs = runnable.map((entry) => ({
      projectId,
      workflowId: entry.workflow.id,
      version: entry.version.version,
      userId: userId ?? null,
      trigger: { kind: "resource_event", input: { type: eventType, payload, headers: kept } },
    }));
  }
  const recorded = await recordWebhookEvent({
    event: { projectId, resourceId, eventId: eventId || null, eventType, userId: userId ?? null, matched, signatureOk: true, headers: kept, payload },
    runs,
    enqueue: (tx, run) => enqueueStep(tx, { runId: run.id, position: 0, userId: run.userId }),
  });
  if (recorded.duplicate) return { received: true, duplicate: true, eventType, matched, runIds: [] };
  return { received: true, duplicate: false, eventType, matched, runIds: recorded.runs.map((run) => run.id) };
}

/** Webhook events are kept this long (the Events list), then deleted by the retention job (every 10 minutes). */
export const WEBHOOK_EVENT_RETENTION_DAYS = 30;

export function deleteExpiredWebhookEvents(now = new Date()): Promise<number> {
  return deleteWebhookEventsOlderThan({ olderThan: new Date(now.getTime() - WEBHOOK_EVENT_RETENTION_DAYS * 24 * 60 * 60 * 1000) });
}
