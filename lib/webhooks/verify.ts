import { createHmac, timingSafeEqual } from "node:crypto";
import { Webhook, WebhookVerificationError } from "standardwebhooks";
import type { StoredWebhookSignature } from "@/db/webhook-settings";

// Signature verification on the raw bytes of a webhook, before anything parses them.

export type SignatureCheck = { ok: true } | { ok: false; reason: string };

function equalInConstantTime(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/**
 * Checks a webhook's signature. HMAC: the header holds `prefix` + the HMAC (hex or base64) of the
 * body, or of `{timestamp}.{body}` with the timestamp header within the tolerance; several
 * comma- or space-separated signatures may be sent (rotation). Standard Webhooks: the
 * `standardwebhooks` package (webhook-id, webhook-timestamp ±5 min, webhook-signature with
 * several `v1,` signatures). Comparisons are constant-time.
 */
export function verifyWebhookSignature({
  signature,
  secret,
  rawBody,
  headers,
  now = Date.now(),
}: {
  signature: StoredWebhookSignature;
  /** The signing secret(s): the current one first, an older one during rotation. */
  secret: readonly string[];
  rawBody: Buffer;
  headers: Readonly<Record<string, string>>;
  now?: number;
}): SignatureCheck {
  if (signature.kind === "none") return { ok: true };
  if (!secret.length) return { ok: false, reason: "No signing secret is saved for this resource." };
  if (signature.kind === "standard_webhooks") {
    for (const key of secret) {
      try {
        // jsonParse off: the signature is over the bytes; whether they are JSON is the intake's question.
        new Webhook(key).verify(
          rawBody,
          {
            "webhook-id": headers["webhook-id"] ?? "",
            "webhook-timestamp": headers["webhook-timestamp"] ?? "",
            "webhook-signature": headers["webhook-signature"] ?? "",
          },
          { jsonParse: false },
        );
        return { ok: true };
      } catch (error) {
        if (!(error instanceof WebhookVerificationError) && !(error instanceof Error)) throw error;
        // A timestamp too old or new fails for every key alike.
        if (/timestamp/i.test((error as Error).message)) return { ok: false, reason: (error as Error).message };
      }
    }
    return { ok: false, reason: "No matching signature found." };
  }

  const sent = headers[signature.header];
  if (!sent) return { ok: false, reason: `The ${signature.header} header is missing.` };
  if (signature.content === "timestamp_body") {
    const timestamp = headers[signature.timestampHeader.toLowerCase()] ?? "";
    const seconds = Number(timestamp);
    if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now / 1000 - seconds) > signature.toleranceSeconds) {
      return { ok: false, reason: `The ${signature.timestampHeader} header is missing or outside the tolerance.` };
    }
  }
  const signed = signedContent(signature, rawBody, headers)!;
  const candidates = sent
    .split(/[,\s]+/)
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) =>
      signature.prefix && part.startsWith(signature.prefix) ? part.slice(signature.prefix.length) : signature.prefix ? null : part,
    )
    // Hex is case-insensitive; base64 is not.
    .map((part) => (part !== null && signature.encoding === "hex" ? part.toLowerCase() : part));
  for (const key of secret) {
    const expected = createHmac(signature.algorithm, key).update(signed).digest(signature.encoding);
    if (candidates.some((candidate) => candidate !== null && equalInConstantTime(candidate, expected))) return { ok: true };
  }
  return { ok: false, reason: "No matching signature found." };
}

/**
 * The bytes a signature covers: HMAC's raw body or `{timestamp}.{body}`, Standard Webhooks'
 * `{webhook-id}.{webhook-timestamp}.{body}`; null for Signature None (nothing is signed).
 */
export function signedContent(
  signature: StoredWebhookSignature,
  rawBody: Buffer,
  headers: Readonly<Record<string, string>>,
): Buffer | null {
  switch (signature.kind) {
    case "none":
      return null;
    case "standard_webhooks":
      return Buffer.concat([Buffer.from(`${headers["webhook-id"] ?? ""}.${headers["webhook-timestamp"] ?? ""}.`), rawBody]);
    case "hmac":
      return signature.content === "timestamp_body"
        ? Buffer.concat([Buffer.from(`${headers[signature.timestampHeader.toLowerCase()] ?? ""}.`), rawBody])
        : rawBody;
  }
}
