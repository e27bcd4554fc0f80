import { describe, expect, it } from "vitest";
import type { StoredWebhookSignature } from "@/db/webhook-settings";
import { DEFAULT_HMAC_SIGNATURE } from "./setup-schema";
import { webhookSetupWarnings } from "./setup-warnings";

// What the Webhook Setup page warns about: an Event ID a replayer can change, and HMAC without a timestamp.

const rawBodyHmac: StoredWebhookSignature = { ...DEFAULT_HMAC_SIGNATURE, header: "x-hub-signature-256", content: "body" };
const timestampHmac: StoredWebhookSignature = { ...rawBodyHmac, content: "timestamp_body", timestampHeader: "X-Hub-Timestamp" };

const fields = (signature: StoredWebhookSignature, eventIdTemplate: string) =>
  webhookSetupWarnings({ signature, eventIdTemplate }).map((warning) => warning.field);

describe("webhookSetupWarnings", () => {
  it("warns that a replayer can change an unsigned header the Event ID reads, naming it", () => {
    const warnings = webhookSetupWarnings({ signature: timestampHmac, eventIdTemplate: "{{headers.x-delivery-id}}" });
    expect(warnings).toEqual([
      {
        field: "eventIdTemplate",
        message: expect.stringContaining("The Event ID reads headers.x-delivery-id, which the signature does not cover"),
      },
    ]);
    expect(warnings[0]!.message).toContain("leave Event ID empty to use a hash of the signed content");
  });

  it("counts only what each signature covers: HMAC's timestamp header, Standard Webhooks' webhook-id and webhook-timestamp, nothing for None", () => {
    expect(fields(timestampHmac, "{{headers.x-hub-timestamp}}-{{payload.id}}")).toEqual([]);
    expect(fields(timestampHmac, "{{headers.webhook-id}}")).toEqual(["eventIdTemplate"]);
    expect(fields({ kind: "standard_webhooks" }, "{{headers.webhook-id}}")).toEqual([]);
    expect(fields({ kind: "standard_webhooks" }, "{{headers.webhook-timestamp}}")).toEqual([]);
    expect(fields({ kind: "standard_webhooks" }, "{{headers.x-tasklab-delivery}}")).toEqual(["eventIdTemplate"]);
    expect(webhookSetupWarnings({ signature: { kind: "none" }, eventIdTemplate: "{{headers.webhook-id}}" })[0]!.message).toContain(
      "Choose HMAC or Standard Webhooks",
    );
    // Header names are read lower-case, as the intake reads them.
    expect(fields(timestampHmac, "{{headers.X-Hub-Timestamp}}")).toEqual([]);
  });

  it("warns that HMAC over the raw body alone has no timestamp, beside the unsigned Event ID when there is one", () => {
    expect(fields(rawBodyHmac, "")).toEqual(["signature"]);
    expect(fields(rawBodyHmac, "{{payload.delivery.id}}")).toEqual(["signature"]);
    // The Standard Webhooks default left in place under HMAC: webhook-id is not signed.
    expect(fields(rawBodyHmac, "{{headers.webhook-id}}")).toEqual(["signature", "eventIdTemplate"]);
    expect(webhookSetupWarnings({ signature: rawBodyHmac, eventIdTemplate: "" })[0]!.message).toMatch(
      /no timestamp: a captured event verifies forever/,
    );
  });

  it("says nothing of an Event ID from the body, an empty one, or one that does not parse (its field error says why)", () => {
    expect(fields(timestampHmac, "{{payload.id}}")).toEqual([]);
    expect(fields(timestampHmac, "")).toEqual([]);
    expect(fields(timestampHmac, "{{headers.x-id")).toEqual([]);
  });
});
