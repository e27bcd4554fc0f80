import { createHmac, randomBytes } from "node:crypto";
import { Webhook } from "standardwebhooks";
import { describe, expect, it } from "vitest";
import type { StoredWebhookSignature } from "@/db/webhook-settings";
import { webhookSettingsSchema } from "./settings";
import { verifyWebhookSignature } from "./verify";

// Signature verification on raw bytes with real signatures: HMAC computed here with node:crypto,
// Standard Webhooks signed with the standardwebhooks package itself (what a sender uses).

type Hmac = Extract<StoredWebhookSignature, { kind: "hmac" }>;

const SECRET = "whk_current_secret";
const OLD_SECRET = "whk_previous_secret";
const BODY = Buffer.from(JSON.stringify({ type: "task.created", task: { id: "task_1", title: "Ünïcode ✓" } }));
const NOW = Date.UTC(2030, 0, 1, 12, 0, 0);
const NOW_SECONDS = Math.floor(NOW / 1000);

function hmac(overrides: Partial<Hmac> = {}): Hmac {
  return {
    kind: "hmac",
    header: "x-signature",
    algorithm: "sha256",
    encoding: "hex",
    prefix: "",
    content: "body",
    timestampHeader: "",
    toleranceSeconds: 300,
    ...overrides,
  };
}

function sign(settings: Hmac, body: Buffer, { secret = SECRET, timestamp }: { secret?: string; timestamp?: number } = {}): string {
  const signed = settings.content === "timestamp_body" ? Buffer.concat([Buffer.from(`${timestamp}.`), body]) : body;
  return createHmac(settings.algorithm, secret).update(signed).digest(settings.encoding);
}

function check(
  signature: StoredWebhookSignature,
  headers: Record<string, string>,
  { body = BODY, secret = [SECRET], now = NOW }: { body?: Buffer; secret?: string[]; now?: number } = {},
) {
  return verifyWebhookSignature({ signature, secret, rawBody: body, headers, now });
}

const refused = (reason: string | RegExp) => ({ ok: false, reason: typeof reason === "string" ? reason : expect.stringMatching(reason) });

describe("HMAC", () => {
  const variants = (["sha256", "sha1"] as const).flatMap((algorithm) =>
    (["hex", "base64"] as const).flatMap((encoding) => (["", "sha256="] as const).map((prefix) => ({ algorithm, encoding, prefix }))),
  );

  describe.each(variants)("$algorithm, $encoding, prefix '$prefix', raw body", (variant) => {
    const settings = hmac(variant);
    const header = (body = BODY, secret = SECRET) => ({ "x-signature": `${variant.prefix}${sign(settings, body, { secret })}` });

    it("accepts the signature of the raw body", () => {
      expect(check(settings, header())).toEqual({ ok: true });
    });

    it("refuses a tampered body", () => {
      const tampered = Buffer.from(BODY.toString().replace("task_1", "task_2"));
      expect(check(settings, header(), { body: tampered })).toEqual(refused("No matching signature found."));
    });

    it("refuses a signature made with another secret", () => {
      expect(check(settings, header(BODY, "not-the-secret"))).toEqual(refused("No matching signature found."));
    });

    it("refuses a missing signature header, naming it", () => {
      expect(check(settings, { "x-other": header()["x-signature"] })).toEqual(refused("The x-signature header is missing."));
    });
  });

  it("needs the prefix when one is set, and takes none when none is set", () => {
    const withPrefix = hmac({ prefix: "sha256=" });
    expect(check(withPrefix, { "x-signature": sign(withPrefix, BODY) })).toEqual(refused("No matching signature found."));
    const bare = hmac();
    expect(check(bare, { "x-signature": `sha256=${sign(bare, BODY)}` })).toEqual(refused("No matching signature found."));
  });

  it("compares the exact bytes: a body re-serialized by a parser no longer verifies", () => {
    const settings = hmac();
    const pretty = Buffer.from(JSON.stringify(JSON.parse(BODY.toString()), null, 2));
    expect(check(settings, { "x-signature": sign(settings, BODY) }, { body: pretty })).toEqual(refused("No matching signature found."));
  });

  it("accepts several signatures in the header (comma- or space-separated) when one matches", () => {
    const settings = hmac({ prefix: "sha256=" });
    const good = `sha256=${sign(settings, BODY)}`;
    const bad = `sha256=${sign(settings, BODY, { secret: "retired" })}`;
    expect(check(settings, { "x-signature": `${bad},${good}` })).toEqual({ ok: true });
    expect(check(settings, { "x-signature": `${bad} ${good}` })).toEqual({ ok: true });
    expect(check(settings, { "x-signature": `${bad}, ${bad}` })).toEqual(refused("No matching signature found."));
  });

  it("rotation: a signature with the previous secret verifies while both are listed", () => {
    const settings = hmac({ encoding: "base64" });
    const headers = { "x-signature": sign(settings, BODY, { secret: OLD_SECRET }) };
    expect(check(settings, headers, { secret: [SECRET, OLD_SECRET] })).toEqual({ ok: true });
    expect(check(settings, headers, { secret: [SECRET] })).toEqual(refused("No matching signature found."));
  });

  it("refuses everything when no secret is saved", () => {
    const settings = hmac();
    expect(check(settings, { "x-signature": sign(settings, BODY) }, { secret: [] })).toEqual(
      refused("No signing secret is saved for this resource."),
    );
  });

  it("settings saved with a mixed-case header name verify against the request's lower-case headers", () => {
    const parsed = webhookSettingsSchema.parse({
      signature: {
        ...hmac(),
        header: "X-Hub-Signature-256",
        prefix: "sha256=",
        content: "timestamp_body",
        timestampHeader: "X-Hub-Timestamp",
      },
      eventTypeTemplate: "{{payload.type}}",
      eventTypes: ["task.created"],
      userMatchTemplate: "",
      userMatchField: { kind: "user_id" },
      eventIdTemplate: "",
    });
    const signature = parsed.signature as Hmac;
    expect(signature.header).toBe("x-hub-signature-256");
    const headers = {
      "x-hub-signature-256": `sha256=${sign(signature, BODY, { timestamp: NOW_SECONDS })}`,
      "x-hub-timestamp": String(NOW_SECONDS),
    };
    expect(check(signature, headers)).toEqual({ ok: true });
  });

  describe.each([
    { algorithm: "sha256", encoding: "hex", prefix: "v1=" },
    { algorithm: "sha1", encoding: "base64", prefix: "" },
  ] as const)("{timestamp}.{body}: $algorithm, $encoding, prefix '$prefix'", (variant) => {
    const settings = hmac({ ...variant, content: "timestamp_body", timestampHeader: "X-Timestamp", toleranceSeconds: 300 });
    const headers = (timestamp: number, body = BODY) => ({
      "x-signature": `${variant.prefix}${sign(settings, body, { timestamp })}`,
      "x-timestamp": String(timestamp),
    });

    it("accepts a signature of timestamp.body within the tolerance, either side of now, up to its edge", () => {
      expect(check(settings, headers(NOW_SECONDS))).toEqual({ ok: true });
      expect(check(settings, headers(NOW_SECONDS - 300))).toEqual({ ok: true });
      expect(check(settings, headers(NOW_SECONDS + 300))).toEqual({ ok: true });
    });

    it("refuses a stale or future timestamp, naming the header", () => {
      const reason = "The X-Timestamp header is missing or outside the tolerance.";
      expect(check(settings, headers(NOW_SECONDS - 301))).toEqual(refused(reason));
      expect(check(settings, headers(NOW_SECONDS + 301))).toEqual(refused(reason));
    });

    it("refuses a missing or non-numeric timestamp header", () => {
      const reason = "The X-Timestamp header is missing or outside the tolerance.";
      const { "x-signature": signature } = headers(NOW_SECONDS);
      expect(check(settings, { "x-signature": signature })).toEqual(refused(reason));
      expect(check(settings, { "x-signature": signature, "x-timestamp": `${NOW_SECONDS}.5` })).toEqual(refused(reason));
      expect(check(settings, { "x-signature": signature, "x-timestamp": "" })).toEqual(refused(reason));
    });

    it("refuses a timestamp header changed after signing (replaying the signature with a fresh time)", () => {
      const signedThen = headers(NOW_SECONDS - 1000);
      expect(check(settings, { ...signedThen, "x-timestamp": String(NOW_SECONDS) })).toEqual(refused("No matching signature found."));
    });

    it("refuses a signature of the body alone, a tampered body and another secret", () => {
      const bodyOnly = `${variant.prefix}${createHmac(variant.algorithm, SECRET).update(BODY).digest(variant.encoding)}`;
      expect(check(settings, { "x-signature": bodyOnly, "x-timestamp": String(NOW_SECONDS) })).toEqual(
        refused("No matching signature found."),
      );
      expect(check(settings, headers(NOW_SECONDS), { body: Buffer.from(`${BODY.toString()} `) })).toEqual(
        refused("No matching signature found."),
      );
      expect(check(settings, headers(NOW_SECONDS), { secret: ["another"] })).toEqual(refused("No matching signature found."));
    });
  });
});

describe("Standard Webhooks", () => {
  const signature: StoredWebhookSignature = { kind: "standard_webhooks" };
  const newSecret = () => `whsec_${randomBytes(24).toString("base64")}`;
  const secret = newSecret();

  /** The three headers a sender adds, signed by the standardwebhooks package. */
  function signed(body: Buffer | string, { key = secret, id = "msg_1", at = new Date() }: { key?: string; id?: string; at?: Date } = {}) {
    return {
      "webhook-id": id,
      "webhook-timestamp": String(Math.floor(at.getTime() / 1000)),
      "webhook-signature": new Webhook(key).sign(id, at, typeof body === "string" ? body : body.toString()),
    };
  }
  const verify = (headers: Record<string, string>, { body = BODY, keys = [secret] }: { body?: Buffer; keys?: string[] } = {}) =>
    verifyWebhookSignature({ signature, secret: keys, rawBody: body, headers });

  it("accepts an event signed by the standardwebhooks package", () => {
    expect(verify(signed(BODY))).toEqual({ ok: true });
  });

  it("refuses a tampered body, a changed webhook-id and another secret", () => {
    expect(verify(signed(BODY), { body: Buffer.from(BODY.toString().replace("task_1", "task_9")) })).toEqual(
      refused("No matching signature found."),
    );
    expect(verify({ ...signed(BODY), "webhook-id": "msg_2" })).toEqual(refused("No matching signature found."));
    expect(verify(signed(BODY, { key: newSecret() }))).toEqual(refused("No matching signature found."));
  });

  it("refuses a timestamp older or newer than 5 minutes, saying so", () => {
    const minutes = (n: number) => new Date(Date.now() + n * 60_000);
    expect(verify(signed(BODY, { at: minutes(-4) }))).toEqual({ ok: true });
    expect(verify(signed(BODY, { at: minutes(-6) }))).toEqual(refused(/timestamp too old/i));
    expect(verify(signed(BODY, { at: minutes(6) }))).toEqual(refused(/timestamp too new/i));
    // Even with the right key listed second: a stale event fails for every key alike.
    expect(verify(signed(BODY, { at: minutes(-6) }), { keys: [newSecret(), secret] })).toEqual(refused(/timestamp too old/i));
  });

  it("refuses an event without the webhook-* headers", () => {
    const rest: Record<string, string> = { ...signed(BODY) };
    delete rest["webhook-signature"];
    expect(verify(rest).ok).toBe(false);
    expect(verify({}).ok).toBe(false);
  });

  it("accepts two v1 signatures when one of them matches (the sender rotating its secret)", () => {
    const headers = signed(BODY);
    const other = signed(BODY, { key: newSecret() })["webhook-signature"];
    expect(verify({ ...headers, "webhook-signature": `${other} ${headers["webhook-signature"]}` })).toEqual({ ok: true });
    expect(verify({ ...headers, "webhook-signature": `${headers["webhook-signature"]} ${other}` })).toEqual({ ok: true });
    expect(verify({ ...headers, "webhook-signature": `${other} ${other}` })).toEqual(refused("No matching signature found."));
    // Only v1 signatures count.
    expect(verify({ ...headers, "webhook-signature": headers["webhook-signature"].replace("v1,", "v2,") })).toEqual(
      refused("No matching signature found."),
    );
  });

  it("rotation on our side: an event signed with the previous secret verifies while both are listed", () => {
    const previous = newSecret();
    expect(verify(signed(BODY, { key: previous }), { keys: [secret, previous] })).toEqual({ ok: true });
    expect(verify(signed(BODY, { key: previous }), { keys: [secret] })).toEqual(refused("No matching signature found."));
  });

  it("verifies the signature only: a correctly signed body that is not JSON is not a signature failure", () => {
    // The intake answers such a body 400 invalid_webhook; a 401 would tell the sender its secret is wrong.
    const body = Buffer.from("not json at all");
    expect(verify(signed(body), { body })).toEqual({ ok: true });
  });

  it("refuses when no secret is saved", () => {
    expect(verify(signed(BODY), { keys: [] })).toEqual(refused("No signing secret is saved for this resource."));
  });
});

describe("None", () => {
  it("accepts anything", () => {
    expect(verifyWebhookSignature({ signature: { kind: "none" }, secret: [], rawBody: BODY, headers: {} })).toEqual({ ok: true });
  });
});
