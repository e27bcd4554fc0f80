"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { type KeyboardEvent, useState } from "react";
import { type Control, get, type Resolver, type UseFormRegister, useForm, useWatch } from "react-hook-form";
import { applyActionErrors } from "@/components/forms/apply-action-errors";
import { SecretField } from "@/components/resources/wizard/secret-field";
import { TemplateField } from "@/components/resources/wizard/template-field";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { Checkbox } from "@/components/ui/checkbox";
import { CopyButton } from "@/components/ui/copy-button";
import { FormField } from "@/components/ui/form-field";
import { FormMessage } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { RadioGroup } from "@/components/ui/radio-group";
import { Select } from "@/components/ui/select";
import type { StoredWebhookSignature } from "@/db/webhook-settings";
import {
  DEFAULT_HMAC_SIGNATURE,
  eventTypeNameSchema,
  generateStandardWebhooksSecret,
  SIGNATURE_LABELS,
  type WebhookSetupContext,
  type WebhookSetupInput,
  webhookSetupSchema,
} from "@/lib/webhooks/setup-schema";
import { type WebhookSetupWarning, webhookSetupWarnings } from "@/lib/webhooks/setup-warnings";
import { saveWebhookSetup } from "./actions";

type SignatureKind = StoredWebhookSignature["kind"];
type HmacSignature = Extract<StoredWebhookSignature, { kind: "hmac" }>;

const SIGNATURE_OPTIONS = [
  { value: "none", label: SIGNATURE_LABELS.none, description: "Events are not signed." },
  { value: "hmac", label: SIGNATURE_LABELS.hmac, description: "An HMAC of the body (or timestamp and body) in a header you name." },
  {
    value: "standard_webhooks",
    label: SIGNATURE_LABELS.standard_webhooks,
    description: "webhook-id, webhook-timestamp and webhook-signature headers, with a whsec_ secret.",
  },
] as const;

const MATCH_OPTIONS = [
  { value: "user_id", label: "User ID", description: "The Connected User's ID: the sub of their User Token." },
  { value: "profile", label: "Profile field", description: "A field of the User Profile kept on their connection." },
] as const;

/**
 * The Webhook Setup form: Signature (with the write-only Signing secret), Event type and Event
 * types, User matching and Event ID. Validated by the same schema as the save action, in the
 * same context; the saved secret never reaches the browser, only whether it is set.
 */
export function WebhookSetupForm({
  projectId,
  resourceId,
  resourceName,
  values,
  context,
  variables,
}: {
  projectId: string;
  resourceId: string;
  resourceName: string;
  values: WebhookSetupInput;
  context: WebhookSetupContext;
  variables: readonly string[];
}) {
  const form = useForm<WebhookSetupInput>({
    // Typed as the form's own values: the action is sent those (getValues) and validates them with
    // this schema. The context changes once a save lands (a secret is now set); useForm takes the new resolver.
    resolver: zodResolver(webhookSetupSchema(context)) as unknown as Resolver<WebhookSetupInput>,
    defaultValues: values,
  });
  const { control, register, setValue } = form;
  const { errors, isSubmitting } = form.formState;
  const current = useWatch({ control }) as WebhookSetupInput;
  const signature = current.signature;
  // Switching Signature (or Match against) back and forth keeps what was typed for HMAC (or the path).
  const [hmacValues, setHmacValues] = useState<HmacSignature>(DEFAULT_HMAC_SIGNATURE);
  const [profilePath, setProfilePath] = useState("");
  const [newEventType, setNewEventType] = useState("");
  const [newEventTypeError, setNewEventTypeError] = useState<string>();
  const [generated, setGenerated] = useState<string>();
  const [saves, setSaves] = useState(0);
  const [success, setSuccess] = useState<string>();
  const errorAt = (path: string): string | undefined => (get(errors, path) as { message?: string } | undefined)?.message;
  const appLevel = context.level === "app";
  const secretSet = context.savedSecretKind !== null && context.savedSecretKind === signature.kind;
  const warnings = webhookSetupWarnings({ signature, eventIdTemplate: current.eventIdTemplate ?? "" });

  // Called once the radio has set signature.kind: the rest of the object is still the previous kind's.
  function chooseSignature(kind: SignatureKind) {
    const previous = form.getValues("signature");
    if ("header" in previous) setHmacValues({ ...previous, kind: "hmac" });
    setGenerated(undefined);
    form.clearErrors(["signature", "signingSecret"]);
    setValue("signature", kind === "hmac" ? hmacValues : { kind }, { shouldDirty: true });
    setValue("signingSecret", "");
  }

  function chooseMatchField(kind: "user_id" | "profile") {
    const previous = form.getValues("userMatchField");
    if ("path" in previous) setProfilePath(previous.path);
    form.clearErrors("userMatchField");
    setValue("userMatchField", kind === "profile" ? { kind, path: profilePath } : { kind }, { shouldDirty: true });
  }

  function addEventType() {
    const parsed = eventTypeNameSchema.safeParse(newEventType);
    if (!parsed.success) return setNewEventTypeError(parsed.error.issues[0]?.message ?? "Enter an event type, e.g. task.created.");
    const listed = form.getValues("eventTypes");
    if (listed.includes(parsed.data)) return setNewEventTypeError(`"${parsed.data}" is listed already.`);
    setValue("eventTypes", [...listed, parsed.data], { shouldDirty: true, shouldValidate: form.formState.isSubmitted });
    setNewEventType("");
    setNewEventTypeError(undefined);
  }

  function removeEventType(name: string) {
    setValue(
      "eventTypes",
      form.getValues("eventTypes").filter((listed) => listed !== name),
      { shouldDirty: true, shouldValidate: form.formState.isSubmitted },
    );
  }

  function onNewEventTypeKeyDown(event: KeyboardEvent<HTMLInputElement>) {
    if (event.key !== "Enter") return;
    event.preventDefault();
    addEventType();
  }

  function generateSecret() {
    const secret = generateStandardWebhooksSecret();
    setGenerated(secret);
    form.clearErrors("signingSecret");
    setValue("signingSecret", secret, { shouldDirty: true });
  }

  function discardGenerated() {
    setGenerated(undefined);
    setValue("signingSecret", "");
  }

  const save = form.handleSubmit(async () => {
    setSuccess(undefined);
    // The action validates the form's own values with the same schema.
    const result = await saveWebhookSetup({ projectId, resourceId, values: form.getValues() });
    if (!result.ok) return applyActionErrors(form, result);
    form.reset({ ...form.getValues(), signingSecret: "" });
    setGenerated(undefined);
    setSaves((count) => count + 1);
    setSuccess("Saved.");
  });

  const eventTypesError = errorAt("eventTypes") ?? current.eventTypes.map((_, index) => errorAt(`eventTypes.${index}`)).find(Boolean);

  return (
    <form onSubmit={save} className="space-y-6" noValidate>
      <FormMessage error={errors.root?.serverError?.message} />

      <Card title="Signature" description="How Switchboard checks that an event comes from your API: on the raw body, before reading it.">
        <div className="space-y-4">
          <RadioGroup
            legend="Signature"
            options={SIGNATURE_OPTIONS}
            error={errorAt("signature")}
            inputProps={register("signature.kind", { onChange: (event) => chooseSignature(event.target.value as SignatureKind) })}
          />

          {signature.kind === "none" && (
            <p role="note" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
              Anyone who knows this URL can send events that start your workflows. Choose HMAC or Standard Webhooks unless your API cannot
              sign its requests.
            </p>
          )}

          {signature.kind === "hmac" && (
            <div className="grid gap-4 sm:grid-cols-2">
              <FormField label="Signature header" error={errorAt("signature.header")} hint="The header your API puts the signature in.">
                <Input
                  autoComplete="off"
                  spellCheck={false}
                  placeholder="X-Signature-256"
                  className="font-mono"
                  {...register("signature.header")}
                />
              </FormField>
              <FormField
                label="Prefix"
                error={errorAt("signature.prefix")}
                hint="Text before the signature, e.g. sha256=. Leave empty if none."
              >
                <Input
                  autoComplete="off"
                  spellCheck={false}
                  placeholder="sha256="
                  className="font-mono"
                  {...register("signature.prefix")}
                />
              </FormField>
              <FormField label="Algorithm" error={errorAt("signature.algorithm")}>
                <Select {...register("signature.algorithm")}>
                  <option value="sha256">SHA-256</option>
                  <option value="sha1">SHA-1</option>
                </Select>
              </FormField>
              <FormField label="Encoding" error={errorAt("signature.encoding")}>
                <Select {...register("signature.encoding")}>
                  <option value="hex">hex</option>
                  <option value="base64">base64</option>
                </Select>
              </FormField>
              <FormField label="Signed content" error={errorAt("signature.content")} hint="What your API computes the HMAC of.">
                <Select {...register("signature.content")}>
                  <option value="body">Raw body</option>
                  <option value="timestamp_body">{"{timestamp}.{body}"}</option>
                </Select>
              </FormField>
              {(signature as Partial<HmacSignature>).content === "timestamp_body" && (
                <>
                  <FormField
                    label="Timestamp header"
                    error={errorAt("signature.timestampHeader")}
                    hint="Unix seconds, sent in this header."
                  >
                    <Input
                      autoComplete="off"
                      spellCheck={false}
                      placeholder="X-Timestamp"
                      className="font-mono"
                      {...register("signature.timestampHeader")}
                    />
                  </FormField>
                  <FormField
                    label="Tolerance (seconds)"
                    error={errorAt("signature.toleranceSeconds")}
                    hint="Events whose timestamp is further from now are refused."
                  >
                    <Input
                      type="number"
                      min={1}
                      max={86_400}
                      step={1}
                      {...register("signature.toleranceSeconds", { valueAsNumber: true })}
                    />
                  </FormField>
                </>
              )}
            </div>
          )}
          <SetupWarnings warnings={warnings} field="signature" />

          {signature.kind === "standard_webhooks" && (
            <p className="text-sm text-slate-600">
              Your API signs each event with the <code className="font-mono text-xs">standardwebhooks</code> libraries or as the
              specification says: <code className="font-mono text-xs">webhook-id</code>,{" "}
              <code className="font-mono text-xs">webhook-timestamp</code> (within 5 minutes) and{" "}
              <code className="font-mono text-xs">webhook-signature</code> (several signatures are accepted while you rotate secrets).
            </p>
          )}

          {signature.kind !== "none" && (
            <div className="space-y-3">
              {generated ? (
                <div className="space-y-1">
                  <p className="text-sm font-medium text-slate-800">New signing secret</p>
                  <div className="flex items-center gap-2">
                    <code
                      data-testid="generated-signing-secret"
                      className="min-w-0 flex-1 truncate rounded-md bg-slate-100 px-3 py-2 font-mono text-xs"
                    >
                      {generated}
                    </code>
                    <CopyButton value={generated} label="Copy signing secret" />
                  </div>
                  <p className="text-xs text-amber-800">Copy it into your API now: once saved, it is never shown again.</p>
                  {errorAt("signingSecret") && <p className="text-sm text-red-600">{errorAt("signingSecret")}</p>}
                </div>
              ) : (
                <SecretField
                  key={`${signature.kind}-${saves}-${secretSet}`}
                  label="Signing secret"
                  isSet={secretSet}
                  error={errorAt("signingSecret")}
                  registration={register("signingSecret")}
                />
              )}
              {signature.kind === "standard_webhooks" && (
                <div className="flex items-center gap-3">
                  <Button variant="secondary" onClick={generateSecret}>
                    Generate secret
                  </Button>
                  {generated && (
                    <Button variant="ghost" onClick={discardGenerated}>
                      Discard
                    </Button>
                  )}
                </div>
              )}
            </div>
          )}
        </div>
      </Card>

      <Card title="Event types" description="Which events your API sends: the type of each, and its ID for de-duplication.">
        <div className="space-y-4">
          <TemplateField
            control={control}
            name="eventTypeTemplate"
            label="Event type"
            variables={variables}
            placeholder="{{payload.type}}"
            error={errorAt("eventTypeTemplate")}
            hint="Where an event names its type, e.g. {{payload.type}}. Type {{ to insert a variable."
          />
          <fieldset className="space-y-2">
            <legend className="text-sm font-medium text-slate-800">Event types</legend>
            <p className="text-xs text-slate-500">
              Each one is a trigger under “{resourceName} Triggers” in workflows. Events of other types are kept and start nothing.
            </p>
            {current.eventTypes.length > 0 ? (
              <ul aria-label="Event types" className="flex flex-wrap gap-2">
                {current.eventTypes.map((name) => (
                  <li key={name} className="flex items-center gap-1 rounded-md border border-slate-200 bg-slate-50 py-1 pr-1 pl-3">
                    <code className="font-mono text-xs">{name}</code>
                    <Button variant="ghost" className="px-2 py-1" onClick={() => removeEventType(name)} aria-label={`Remove ${name}`}>
                      ×
                    </Button>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="text-sm text-slate-600">No event types yet.</p>
            )}
            <div className="flex items-start gap-2">
              <div className="w-72">
                <FormField label="New event type" error={newEventTypeError}>
                  <Input
                    value={newEventType}
                    onChange={(event) => setNewEventType(event.target.value)}
                    onKeyDown={onNewEventTypeKeyDown}
                    autoComplete="off"
                    spellCheck={false}
                    placeholder="task.created"
                    className="font-mono"
                  />
                </FormField>
              </div>
              <Button variant="secondary" className="mt-6" onClick={addEventType}>
                Add event type
              </Button>
            </div>
            {eventTypesError && <p className="text-sm text-red-600">{eventTypesError}</p>}
          </fieldset>
          <TemplateField
            control={control}
            name="eventIdTemplate"
            label="Event ID"
            variables={variables}
            placeholder="{{headers.webhook-id}}"
            error={errorAt("eventIdTemplate")}
            hint="A second event with the same ID starts nothing (your API's retries). Empty, or when it finds nothing: a hash of the signed content (with Signature None, every event is new)."
          />
          <SetupWarnings warnings={warnings} field="eventIdTemplate" />
        </div>
      </Card>

      <Card title="User matching" description="Which Connected User an event is for: workflows run for that user.">
        {appLevel ? (
          <p className="text-sm text-slate-600">
            App-Level resources run once per event, with the app&apos;s credentials: there is no user to match.
          </p>
        ) : (
          <div className="space-y-4">
            <TemplateField
              control={control}
              name="userMatchTemplate"
              label="User matching"
              variables={variables}
              placeholder="{{payload.account_id}}"
              error={errorAt("userMatchTemplate")}
              hint="Where an event names its user, e.g. {{payload.account_id}}. Unmatched events are kept and shown, and start nothing."
            />
            <RadioGroup
              legend="Match against"
              options={MATCH_OPTIONS}
              error={errorAt("userMatchField")}
              inputProps={register("userMatchField.kind", {
                onChange: (event) => chooseMatchField(event.target.value as "user_id" | "profile"),
              })}
            />
            {current.userMatchField.kind === "profile" && (
              <FormField
                label="Profile field path"
                error={errorAt("userMatchField.path")}
                hint="A field of the User Profile, e.g. account_id or team.id."
              >
                <Input
                  autoComplete="off"
                  spellCheck={false}
                  placeholder="account_id"
                  className="font-mono"
                  {...register("userMatchField.path")}
                />
              </FormField>
            )}
            {current.userMatchField.kind === "profile" && (
              <Checkbox
                label="Profile field is unique"
                hint="A user connecting with a value another user's connection already holds is refused (409 profile_value_taken). Unticked, an event whose value several connections hold is kept as ambiguous and starts nothing."
                {...register("userMatchField.unique")}
              />
            )}
          </div>
        )}
      </Card>

      {!appLevel && (
        <Card
          title="Subscription"
          description="Optional: a request through this resource that registers the webhook URL in a user's account when they connect, and its undo when they disconnect."
        >
          <div className="space-y-4">
            <Checkbox
              label="Subscribe users when they connect"
              hint="Sent with the user's credentials; a failure is shown on Connected Users and retried."
              checked={!!current.subscription}
              onChange={(event) =>
                setValue(
                  "subscription",
                  event.target.checked
                    ? { subscribe: { method: "POST", path: "/webhooks", body: '{"url": "{{webhook.url}}"}' }, unsubscribe: null }
                    : null,
                  {
                    shouldDirty: true,
                  },
                )
              }
            />
            {current.subscription && (
              <>
                <SubscriptionRequestFields
                  control={control}
                  register={register}
                  errorAt={errorAt}
                  name="subscription.subscribe"
                  title="Subscribe"
                />
                <Checkbox
                  label="Unsubscribe when they disconnect"
                  checked={!!current.subscription.unsubscribe}
                  onChange={(event) =>
                    setValue(
                      "subscription.unsubscribe",
                      event.target.checked ? { method: "DELETE", path: "/webhooks/{{user.id}}", body: "" } : null,
                      { shouldDirty: true },
                    )
                  }
                />
                {current.subscription.unsubscribe && (
                  <SubscriptionRequestFields
                    control={control}
                    register={register}
                    errorAt={errorAt}
                    name="subscription.unsubscribe"
                    title="Unsubscribe"
                  />
                )}
              </>
            )}
          </div>
        </Card>
      )}

      <div className="flex items-center gap-3">
        <Button type="submit" disabled={isSubmitting}>
          {isSubmitting ? "Saving…" : "Save"}
        </Button>
        <FormMessage success={success} />
      </div>
    </form>
  );
}

/** The warnings shown beside one field, updated as the settings are typed. */
function SetupWarnings({ warnings, field }: { warnings: readonly WebhookSetupWarning[]; field: WebhookSetupWarning["field"] }) {
  return warnings
    .filter((warning) => warning.field === field)
    .map((warning) => (
      <p key={warning.message} role="status" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
        {warning.message}
      </p>
    ));
}

const SUBSCRIPTION_VARIABLES = ["webhook.url", "user.id"];

/** Method, Path and Body of a Subscription request; templates over {{webhook.url}} and {{user.id}}. */
function SubscriptionRequestFields({
  control,
  register,
  errorAt,
  name,
  title,
}: {
  control: Control<WebhookSetupInput>;
  register: UseFormRegister<WebhookSetupInput>;
  errorAt: (path: string) => string | undefined;
  name: "subscription.subscribe" | "subscription.unsubscribe";
  title: string;
}) {
  return (
    <fieldset className="space-y-3 rounded-md border border-slate-200 p-3">
      <legend className="px-1 text-sm font-medium">{title} request</legend>
      <div className="w-40">
        <FormField label={`${title} method`} error={errorAt(`${name}.method`)}>
          <Select {...register(`${name}.method`)}>
            {["POST", "PUT", "PATCH", "DELETE"].map((method) => (
              <option key={method}>{method}</option>
            ))}
          </Select>
        </FormField>
      </div>
      <TemplateField
        control={control}
        name={`${name}.path`}
        label={`${title} path`}
        variables={SUBSCRIPTION_VARIABLES}
        placeholder="/webhooks"
        error={errorAt(`${name}.path`)}
      />
      <TemplateField
        control={control}
        name={`${name}.body`}
        label={`${title} body`}
        variables={SUBSCRIPTION_VARIABLES}
        rows={3}
        placeholder='{"url": "{{webhook.url}}"}'
        error={errorAt(`${name}.body`)}
      />
    </fieldset>
  );
}
