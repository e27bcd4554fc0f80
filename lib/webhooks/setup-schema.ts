import { z } from "zod";
import type { StoredWebhookSettings, StoredWebhookSignature } from "@/db/webhook-settings";
import { jsonPaths } from "@/lib/workflows/variables";
import { DEFAULT_WEBHOOK_SETTINGS, webhookSettingsSchema } from "./settings";

// The Webhook Setup page's form: the shared webhook settings plus the write-only signing
// secret. The form's zodResolver and the save action both use webhookSetupSchema, in the same
// context (the resource's level and which secret is saved). Nothing here reaches the database.

/** What decides the form's rules beyond the settings' own shape. */
export interface WebhookSetupContext {
  /** The resource's level as webhooks see it (the published one, else the draft's). */
  level: "user" | "app" | null;
  /** The signature kind the saved signing secret belongs to; null when none is saved. */
  savedSecretKind: Exclude<StoredWebhookSignature["kind"], "none"> | null;
}

export const SIGNATURE_LABELS: Record<StoredWebhookSignature["kind"], string> = {
  none: "None",
  hmac: "HMAC",
  standard_webhooks: "Standard Webhooks",
};

/** A `whsec_` secret: base64 of at least 16 random bytes (Standard Webhooks recommends 24 to 64). */
function standardWebhooksSecretProblem(secret: string): string | undefined {
  const base64 = secret.startsWith("whsec_") ? secret.slice("whsec_".length) : secret;
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(base64) || base64.length % 4 !== 0) {
    return "Enter the secret as whsec_ followed by base64, or use Generate secret.";
  }
  const bytes = (base64.length / 4) * 3 - (/=+$/.exec(base64)?.[0].length ?? 0);
  if (bytes < 16) return "This secret is too short: use at least 16 bytes (Generate secret makes 24).";
  return undefined;
}

export function webhookSetupSchema(context: WebhookSetupContext) {
  return webhookSettingsSchema
    .extend({
      /** Write-only: empty keeps the saved secret. */
      signingSecret: z.string().trim().max(1024, { error: "Use at most 1024 characters." }),
    })
    .superRefine(
      (value, ctx) => {
        // Runs beside the settings' own errors (so the form shows them all at once): the value may be partly invalid.
        const kind = (value.signature as { kind?: unknown } | undefined)?.kind;
        const secret = typeof value.signingSecret === "string" ? value.signingSecret : "";
        if ((kind === "hmac" || kind === "standard_webhooks") && !secret && context.savedSecretKind !== kind) {
          ctx.addIssue({
            code: "custom",
            path: ["signingSecret"],
            message:
              kind === "hmac" ? "Enter the signing secret your API signs with." : "Enter the signing secret, or use Generate secret.",
          });
        }
        if (kind === "standard_webhooks" && secret) {
          const problem = standardWebhooksSecretProblem(secret);
          if (problem) ctx.addIssue({ code: "custom", path: ["signingSecret"], message: problem });
        }
        if (context.level !== "app" && typeof value.userMatchTemplate === "string" && !value.userMatchTemplate) {
          ctx.addIssue({
            code: "custom",
            path: ["userMatchTemplate"],
            message: "Enter where the event names its user, e.g. {{payload.account_id}}.",
          });
        }
        const seen = new Set<unknown>();
        (Array.isArray(value.eventTypes) ? value.eventTypes : []).forEach((name, index) => {
          if (seen.has(name)) ctx.addIssue({ code: "custom", path: ["eventTypes", index], message: `"${name}" is listed twice.` });
          seen.add(name);
        });
      },
      { when: (payload) => typeof payload.value === "object" && payload.value !== null },
    );
}

export type WebhookSetupInput = z.input<ReturnType<typeof webhookSetupSchema>>;
export type WebhookSetupValues = z.output<ReturnType<typeof webhookSetupSchema>>;

/** One Event types entry as Add event type checks it (the settings' own rule for a name). */
export const eventTypeNameSchema = webhookSettingsSchema.shape.eventTypes.element;

/** What HMAC starts from when chosen. */
export const DEFAULT_HMAC_SIGNATURE: Extract<StoredWebhookSignature, { kind: "hmac" }> = {
  kind: "hmac",
  header: "",
  algorithm: "sha256",
  encoding: "hex",
  prefix: "",
  content: "body",
  timestampHeader: "",
  toleranceSeconds: 300,
};

/** The form's initial values: the saved settings (or the defaults), never the secret. */
export function webhookSetupValues(settings: StoredWebhookSettings | null): WebhookSetupInput {
  return { ...(settings ?? DEFAULT_WEBHOOK_SETTINGS), signingSecret: "" };
}

/** A Standard Webhooks signing secret: `whsec_` and base64 of 24 random bytes (browser or Node). */
export function generateStandardWebhooksSecret(): string {
  const bytes = globalThis.crypto.getRandomValues(new Uint8Array(24));
  return `whsec_${btoa(String.fromCharCode(...bytes))}`;
}

/** The sample event the workflow editor lists `trigger.*` from ("Use as sample"). */
export interface WebhookSample {
  type: string | null;
  headers: Record<string, string>;
  payload: unknown;
}

const SUGGESTED_VARIABLES = ["payload.type", "payload.id", "headers.webhook-id", "headers.webhook-timestamp"];

/**
 * The variable menu of the webhook templates: every path of the sample event's payload and
 * every header it came with, or a few common ones until there is a sample.
 */
export function webhookTemplateVariables(sample: WebhookSample | null): string[] {
  if (!sample) return SUGGESTED_VARIABLES;
  const payload = jsonPaths("payload", sample.payload).filter((path) => path !== "payload");
  const headers = Object.keys(sample.headers)
    .sort()
    .map((name) => `headers.${name}`);
  return [...new Set([...payload, ...headers])];
}

/** An event as the Webhook Setup page shows it (headers and payload only for accepted events). */
export interface WebhookEventView {
  id: string;
  receivedAt: string;
  eventType: string | null;
  userId: string | null;
  matched: boolean;
  signatureOk: boolean;
  rejectedReason: string | null;
  /** Why an accepted event matched no user although it named one (ambiguous); null otherwise. */
  unmatchedReason: string | null;
  headers: Record<string, string> | null;
  payload: unknown;
  runCount: number;
  runs: { id: string; workflowId: string; workflowName: string; status: string }[];
}
