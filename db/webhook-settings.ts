// A resource's webhook settings as the database stores them (jsonb); lib/webhooks/settings.ts
// validates them with zod.

export type StoredWebhookSignature =
  | { kind: "none" }
  | {
      kind: "hmac";
      header: string;
      algorithm: "sha256" | "sha1";
      encoding: "hex" | "base64";
      /** Text before the signature in the header, e.g. `sha256=`. */
      prefix: string;
      /** What is signed: the raw body, or `{timestamp}.{body}` with the timestamp from a header. */
      content: "body" | "timestamp_body";
      timestampHeader: string;
      toleranceSeconds: number;
    }
  | { kind: "standard_webhooks" };

/** A request through the resource, its templates over `webhook.url` and `user.id`. */
export interface StoredSubscriptionRequest {
  method: "POST" | "PUT" | "PATCH" | "DELETE";
  path: string;
  /** A JSON template; empty sends no body. */
  body: string;
}

export interface StoredWebhookSettings {
  signature: StoredWebhookSignature;
  /** Templates over `payload.*` and `headers.*`. */
  eventTypeTemplate: string;
  eventTypes: string[];
  userMatchTemplate: string;
  /**
   * Match the template's value against the user id, or a User Profile field (a dotted path).
   * `unique`: no two users' VALID connections may hold one value (a connect claiming a held one
   * is refused); otherwise an event whose value several hold is ambiguous and starts nothing.
   */
  userMatchField: { kind: "user_id" } | { kind: "profile"; path: string; unique?: boolean };
  eventIdTemplate: string;
  /**
   * Optional Subscription: registers the webhook URL in a user's account when they connect
   * (retried until it succeeds), and the Unsubscribe request when they disconnect.
   */
  subscription?: { subscribe: StoredSubscriptionRequest; unsubscribe: StoredSubscriptionRequest | null } | null;
}
