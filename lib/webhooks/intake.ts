import { createHash } from "node:crypto";
import {
  deleteWebhookEventsOlderThan,
  matchWebhookUser,
  recordRejectedWebhookEvent,
  recordWebhookEvent,
  type WebhookUserMatch,
} from "@/db/queries/webhook-events";
import type { DeployedWorkflow, NewRun } from "@/db/queries/workflow-runs";
import { parseJsonBody, readBodyWithin } from "@/lib/api/request-body";
import { AppError } from "@/lib/errors";
import { retentionCutoff } from "@/lib/jobs/retention-cutoff";
import { findUnstorableText, unstorableTextMessage } from "@/lib/jsonb";
import { countDroppedWebhookEvent, countWebhookEvent } from "@/lib/metrics/registry";
import { renderTemplate, TemplateError, templateVariableNames } from "@/lib/resources/template";
import { newRun, runnableFor, startRuns } from "@/lib/workflows/runs";
import { asText, valueAtPath } from "@/lib/workflows/variables";
import { lastKnownWebhookIntakeState, type WebhookIntakeState, webhookIntakeStateAt } from "./intake-state";
import { signedContent, verifyWebhookSignature } from "./verify";

/** A webhook body over this is refused (413), counted while reading. */
export const MAX_WEBHOOK_BYTES = 1024 * 1024;

/**
 * Rejected events stored per resource per minute: the rest are answered alike but only counted
 * (switchboard_webhook_events_dropped_total), so a flood of forged events cannot fill the database.
 */
export const MAX_REJECTED_EVENTS_PER_MINUTE = 100;

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

/** The default Event ID: the SHA-256 (hex) of what the signature covers; empty when nothing is signed. */
function signedContentHash(
  signature: WebhookIntakeState["settings"]["signature"],
  rawBody: Buffer,
  headers: Record<string, string>,
): string {
  const content = signedContent(signature, rawBody, headers);
  return content ? createHash("sha256").update(content).digest("hex") : "";
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

const notFound = () =>
  new AppError("resource_not_found", { message: "No published resource with webhooks set up has this ID in this project." });

/** An event as the resource's settings read it: refused (the reason is kept, the content is not), or accepted with its type, id, user key and what is kept. */
type ReadEvent =
  | { rejected: { signatureOk: boolean; reason: string; error: AppError } }
  | { rejected?: undefined; eventType: string; eventId: string; userKey: string; payload: unknown; kept: Record<string, string> };

/** Signature first (on the raw bytes), then JSON, then the templates: no I/O. */
function readEvent(state: WebhookIntakeState, rawBody: Buffer, headers: Record<string, string>): ReadEvent {
  const { settings } = state;
  const check = verifyWebhookSignature({ signature: settings.signature, secret: state.secrets, rawBody, headers });
  if (!check.ok) {
    const error = new AppError("invalid_signature", { message: `The webhook's signature does not verify: ${check.reason}` });
    return { rejected: { signatureOk: false, reason: `Signature: ${check.reason}`, error } };
  }
  const refused = (reason: string) => ({
    rejected: { signatureOk: true, reason, error: new AppError("invalid_webhook", { message: reason }) },
  });
  let payload: unknown;
  try {
    payload = parseJsonBody(rawBody);
  } catch (error) {
    // Nested past the limit: refused with its own reason (400 invalid_body, naming the limit).
    if (error instanceof AppError && error.code === "invalid_body")
      return { rejected: { signatureOk: true, reason: error.message, error } };
    return {
      rejected: {
        signatureOk: true,
        reason: "The body is not JSON.",
        error: new AppError("invalid_webhook", { message: "The webhook body must be JSON." }),
      },
    };
  }
  const unstorable = findUnstorableText(payload, "body");
  if (unstorable) return refused(unstorableTextMessage(unstorable));
  const kept = Object.fromEntries(
    Object.entries(headers).filter(
      ([name]) => !SECRET_HEADERS.has(name) && !(settings.signature.kind === "hmac" && name === settings.signature.header),
    ),
  );
  try {
    const eventType = renderWebhookTemplate(settings.eventTypeTemplate, { payload, headers });
    if (!eventType) return refused("The Event type template found nothing in this event.");
    // Nothing named an id: the signed content's hash, so a replayed identical event is a duplicate (Signature None signs nothing: every event is new).
    const eventId =
      renderWebhookTemplate(settings.eventIdTemplate, { payload, headers }) || signedContentHash(settings.signature, rawBody, headers);
    const userKey = state.published.level === "app" ? "" : renderWebhookTemplate(settings.userMatchTemplate, { payload, headers });
    return { eventType, eventId, userKey, payload, kept };
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    return refused(error.message);
  }
}

/** Checks against the revision read in each event's one statement: a stale state is read again (at most twice, then the last one read stands). */
const MAX_STATE_READS = 3;

async function receive({
  projectId,
  resourceId,
  request,
}: {
  projectId: string;
  resourceId: string;
  request: Request;
}): Promise<WebhookReceipt> {
  let state = await lastKnownWebhookIntakeState(projectId, resourceId);
  if (!state) throw notFound();
  const rawBody = await readBodyWithin(request, MAX_WEBHOOK_BYTES, `The body is over ${MAX_WEBHOOK_BYTES / 1024 / 1024} MB.`);
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => {
    headers[name.toLowerCase()] = value;
  });

  for (let reads = 1; ; reads++) {
    const event = readEvent(state, rawBody, headers);
    const deployed = event.rejected ? [] : (state.deployed.get(event.eventType) ?? []);
    const { settings } = state;
    const match: WebhookUserMatch | undefined =
      event.rejected || !event.userKey
        ? undefined
        : settings.userMatchField.kind === "profile"
          ? { profilePath: settings.userMatchField.path, value: event.userKey }
          : { userId: event.userKey };
    // One statement: the revision (is this state current? a refusal is checked too: the secret may have changed), the matched user and their own workflow settings.
    const found = await matchWebhookUser({ projectId, resourceId, match, workflowIds: deployed.map((entry) => entry.workflow.id) });
    if (!found) throw notFound();
    if (found.revision > state.revision && reads < MAX_STATE_READS) {
      state = await webhookIntakeStateAt(projectId, resourceId, found.revision);
      if (!state) throw notFound();
      continue;
    }
    if (event.rejected) {
      const stored = await recordRejectedWebhookEvent({
        event: { projectId, resourceId, signatureOk: event.rejected.signatureOk, rejectedReason: event.rejected.reason },
        perMinute: MAX_REJECTED_EVENTS_PER_MINUTE,
      });
      if (!stored) countDroppedWebhookEvent(event.rejected.error.code);
      throw event.rejected.error;
    }
    // Several users' connections claim the value: guessing one could hand another user's event to the wrong account.
    const unmatchedReason = found.ambiguous && match && "profilePath" in match ? ambiguousReason(match) : null;
    return start(
      state,
      event,
      found.userId,
      unmatchedReason,
      deployed.map((entry) => ({ ...entry, userEnabled: found.userSettings.get(entry.workflow.id) ?? null })),
    );
  }
}

function ambiguousReason(match: { profilePath: string; value: string }): string {
  const value = match.value.length > 200 ? `${match.value.slice(0, 200).toWellFormed()}…` : match.value;
  return `Ambiguous: more than one VALID connection has ${match.profilePath} = ${JSON.stringify(value)} in its User Profile, so nothing ran. Tick Profile field is unique to refuse a second connection claiming a value.`;
}

/** Stores an accepted event with the runs it starts (App-Level: once per event; else for the matched user only). */
async function start(
  state: WebhookIntakeState,
  event: Exclude<ReadEvent, { rejected: object }>,
  matchedUserId: string | undefined,
  unmatchedReason: string | null,
  deployed: DeployedWorkflow[],
): Promise<WebhookReceipt> {
  const { projectId, resourceId } = state;
  const { eventType, payload, kept } = event;
  const appLevel = state.published.level === "app";
  const userId = appLevel ? undefined : matchedUserId;
  const matched = appLevel || userId !== undefined;
  let runs: NewRun[] = [];
  if (matched) {
    const { runnable } = await runnableFor(projectId, deployed, userId);
    runs = runnable.map((entry) =>
      newRun({
        workflow: entry.workflow,
        version: entry.version.version,
        userId: userId ?? null,
        trigger: { kind: "resource_event", input: { type: eventType, payload, headers: kept } },
      }),
    );
  }
  // The event and its runs are one statement: startRuns queues each run's first step beside it.
  const recorded = await startRuns(runs, {
    store: (runs, enqueue) =>
      recordWebhookEvent({
        event: {
          projectId,
          resourceId,
          eventId: event.eventId || null,
          eventType,
          userId: userId ?? null,
          matched,
          unmatchedReason,
          signatureOk: true,
          headers: kept,
          payload,
        },
        runs,
        enqueue,
      }),
  });
  if (recorded.duplicate) return { received: true, duplicate: true, eventType, matched, runIds: [] };
  return { received: true, duplicate: false, eventType, matched, runIds: recorded.runIds };
}

/** Webhook events are kept this long (the Events list), then deleted by the retention job (every 10 minutes). */
export const WEBHOOK_EVENT_RETENTION_DAYS = 30;

/** Rejected events (anyone can send them) are kept this long. */
export const REJECTED_WEBHOOK_EVENT_RETENTION_DAYS = 7;

export function deleteExpiredWebhookEvents(now = new Date()): Promise<number> {
  return deleteWebhookEventsOlderThan({
    olderThan: retentionCutoff(now, WEBHOOK_EVENT_RETENTION_DAYS),
    rejectedOlderThan: retentionCutoff(now, REJECTED_WEBHOOK_EVENT_RETENTION_DAYS),
  });
}
