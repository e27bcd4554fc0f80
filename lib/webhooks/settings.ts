import { z } from "zod";
import type { StoredWebhookSettings } from "@/db/webhook-settings";
import { TemplateError, templateVariableNames, validateTemplate } from "@/lib/resources/template";

// The Webhook Setup page's settings: one schema for the form, the save action and the intake.

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const headerName = (what: string) =>
  z
    .string()
    .trim()
    .min(1, { error: `Enter the ${what}.` })
    .max(100)
    .regex(HEADER_NAME, { error: "Header names cannot contain spaces or separators." })
    .transform((value) => value.toLowerCase());

export const webhookSignatureSchema = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("none") }),
  z.object({
    kind: z.literal("hmac"),
    header: headerName("signature header"),
    algorithm: z.enum(["sha256", "sha1"]),
    encoding: z.enum(["hex", "base64"]),
    prefix: z.string().max(40, { error: "Use at most 40 characters." }),
    content: z.enum(["body", "timestamp_body"]),
    timestampHeader: z.string().trim().max(100, { error: "Use at most 100 characters." }),
    toleranceSeconds: z
      .number({ error: "Enter the tolerance in seconds, e.g. 300." })
      .int({ error: "Enter whole seconds." })
      .min(1, { error: "Allow at least 1 second." })
      .max(86_400, { error: "Allow at most 86400 seconds (a day)." }),
  }),
  z.object({ kind: z.literal("standard_webhooks") }),
]);

/** What a Subscription's templates may use. */
export const SUBSCRIPTION_VARIABLES = ["webhook.url", "user.id"];

const subscriptionRequestSchema = z.object({
  method: z.enum(["POST", "PUT", "PATCH", "DELETE"]),
  path: z
    .string()
    .trim()
    .max(2048)
    .refine((path) => path.startsWith("/"), { error: "Enter a path starting with /, relative to the API Base URL." }),
  body: z.string().max(16_384),
});

/** Variables the webhook templates may use: anything in the payload or the headers. */
const OPEN_PREFIXES = ["payload.", "headers."];

const unknownVariable = (name: string) => `Unknown variable "${name}": use payload.* (the JSON body) or headers.* (lower-case names).`;

function checkTemplate(ctx: z.RefinementCtx, path: string, template: string) {
  let names: string[];
  try {
    names = templateVariableNames(template);
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    // A name outside every namespace ({{body.type}}): named, with the webhook namespaces as the hint.
    const notVariable = /^"\{\{\s*(.*?)\s*\}\}" is not a variable/.exec(error.message)?.[1];
    ctx.addIssue({ code: "custom", path: [path], message: notVariable ? unknownVariable(notVariable) : error.message });
    return;
  }
  const unknown = names.find((name) => !OPEN_PREFIXES.some((prefix) => name.startsWith(prefix)));
  if (unknown) ctx.addIssue({ code: "custom", path: [path], message: unknownVariable(unknown) });
}

export const webhookSettingsSchema = z
  .object({
    signature: webhookSignatureSchema,
    eventTypeTemplate: z.string().trim().min(1, { error: "Enter the Event type, e.g. {{payload.type}}." }).max(500),
    eventTypes: z
      .array(
        z
          .string()
          .trim()
          .min(1)
          .max(200)
          .regex(/^[A-Za-z0-9_.:-]+$/, { error: "Use letters, digits and . _ : - (e.g. task.created)." }),
      )
      .min(1, { error: "List at least one event type." })
      .max(50),
    userMatchTemplate: z.string().trim().max(500),
    userMatchField: z.discriminatedUnion("kind", [
      z.object({ kind: z.literal("user_id") }),
      z.object({
        kind: z.literal("profile"),
        path: z
          .string()
          .trim()
          .regex(/^[A-Za-z0-9_]+(\.[A-Za-z0-9_]+)*$/, { error: "Enter a profile field like account_id." }),
        // Profile field is unique: a connect claiming a value another user's VALID connection holds is refused.
        unique: z.boolean().optional(),
      }),
    ]),
    eventIdTemplate: z.string().trim().max(500),
    subscription: z
      .object({ subscribe: subscriptionRequestSchema, unsubscribe: subscriptionRequestSchema.nullable() })
      .nullable()
      .optional(),
  })
  .superRefine((value, ctx) => {
    checkTemplate(ctx, "eventTypeTemplate", value.eventTypeTemplate);
    checkTemplate(ctx, "userMatchTemplate", value.userMatchTemplate);
    checkTemplate(ctx, "eventIdTemplate", value.eventIdTemplate);
    const requests = value.subscription
      ? ([
          ["subscribe", value.subscription.subscribe],
          ["unsubscribe", value.subscription.unsubscribe],
        ] as const)
      : [];
    for (const [name, request] of requests) {
      if (!request) continue;
      for (const field of ["path", "body"] as const) {
        const problems = validateTemplate(request[field], SUBSCRIPTION_VARIABLES);
        if (problems.length) ctx.addIssue({ code: "custom", path: ["subscription", name, field], message: problems.join(" ") });
      }
      if (request.body.trim()) {
        try {
          JSON.parse(request.body);
        } catch {
          ctx.addIssue({
            code: "custom",
            path: ["subscription", name, "body"],
            message: 'The body must be JSON, e.g. {"url": "{{webhook.url}}"}.',
          });
        }
      }
    }
    if (value.signature.kind === "hmac" && value.signature.content === "timestamp_body" && !value.signature.timestampHeader) {
      ctx.addIssue({ code: "custom", path: ["signature", "timestampHeader"], message: "Enter the timestamp header." });
    }
  }) satisfies z.ZodType<StoredWebhookSettings>;

export type WebhookSettings = z.output<typeof webhookSettingsSchema>;

/** What a resource without settings starts from. */
export const DEFAULT_WEBHOOK_SETTINGS: StoredWebhookSettings = {
  signature: { kind: "standard_webhooks" },
  eventTypeTemplate: "{{payload.type}}",
  eventTypes: [],
  userMatchTemplate: "",
  userMatchField: { kind: "user_id" },
  eventIdTemplate: "{{headers.webhook-id}}",
};

/** The name of the webhook signing secret in resource_secrets. */
export const WEBHOOK_SECRET = "webhook_secret";
