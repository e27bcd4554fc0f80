import type { StoredWebhookSettings, StoredWebhookSignature } from "@/db/webhook-settings";
import { TemplateError, templateVariableNames } from "@/lib/resources/template";

// The Webhook Setup page's warnings: settings that verify events yet let a replay through. Computed
// from the settings alone (the form shows them as they are typed; no I/O).

export interface WebhookSetupWarning {
  /** The field the warning is shown beside. */
  field: "signature" | "eventIdTemplate";
  message: string;
}

/** The headers (lower-case) a signature covers: a sender cannot change them without breaking it. */
function signedHeaders(signature: StoredWebhookSignature): string[] {
  switch (signature.kind) {
    case "none":
      return [];
    case "standard_webhooks":
      return ["webhook-id", "webhook-timestamp"];
    case "hmac":
      return signature.content === "timestamp_body" && signature.timestampHeader ? [signature.timestampHeader.toLowerCase()] : [];
  }
}

/** The headers the Event ID template reads (lower-case, as the intake reads them); none while it does not parse. */
function headersRead(template: string): string[] {
  try {
    return templateVariableNames(template)
      .filter((name) => name.startsWith("headers."))
      .map((name) => name.slice("headers.".length).toLowerCase());
  } catch (error) {
    if (error instanceof TemplateError) return []; // the field's own error says what is wrong
    throw error;
  }
}

export function webhookSetupWarnings(settings: Pick<StoredWebhookSettings, "signature" | "eventIdTemplate">): WebhookSetupWarning[] {
  const { signature } = settings;
  const warnings: WebhookSetupWarning[] = [];
  if (signature.kind === "hmac" && signature.content === "body") {
    warnings.push({
      field: "signature",
      message:
        "HMAC over the raw body alone has no timestamp: a captured event verifies forever, so whoever sees one can send it again at any time. " +
        "Sign {timestamp}.{body} if your API can. Meanwhile a repeat of an event still kept is a duplicate by its Event ID (by default a hash of the body).",
    });
  }
  const covered = signedHeaders(signature);
  const unsigned = [...new Set(headersRead(settings.eventIdTemplate))].filter((name) => !covered.includes(name));
  if (unsigned.length) {
    const names = unsigned.map((name) => `headers.${name}`).join(", ");
    warnings.push({
      field: "eventIdTemplate",
      message:
        `The Event ID reads ${names}, which the signature does not cover: whoever replays an event can change ${unsigned.length === 1 ? "it" : "them"}, ` +
        "and the replay passes for a new event that starts its workflows again. " +
        (signature.kind === "none"
          ? "Choose HMAC or Standard Webhooks so events are signed."
          : "Take the ID from the body (e.g. {{payload.id}}), or leave Event ID empty to use a hash of the signed content."),
    });
  }
  return warnings;
}
