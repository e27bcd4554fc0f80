"use client";

import { useState } from "react";
import { useFormContext, useWatch } from "react-hook-form";
import { SecretField } from "@/components/resources/wizard/secret-field";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { RadioGroup } from "@/components/ui/radio-group";
import { Select } from "@/components/ui/select";
import type { StoredWebhookSignature } from "@/db/webhook-settings";
import {
  DEFAULT_HMAC_SIGNATURE,
  generateStandardWebhooksSecret,
  SIGNATURE_LABELS,
  type WebhookSetupContext,
  type WebhookSetupInput,
} from "@/lib/webhooks/setup-schema";
import { SetupWarnings, useErrorAt } from "./webhook-setup-fields";

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

/**
 * The Signature card: none, HMAC (header, prefix, algorithm, encoding, signed content) or Standard
 * Webhooks, and the write-only Signing secret (or one generated here, shown until it is saved).
 * `saves` counts the saves, so the secret field starts over after each.
 */
export function SignatureCard({ savedSecretKind, saves }: { savedSecretKind: WebhookSetupContext["savedSecretKind"]; saves: number }) {
  const form = useFormContext<WebhookSetupInput>();
  const { register, setValue } = form;
  const errorAt = useErrorAt();
  const signature = useWatch<WebhookSetupInput, "signature">({ name: "signature" });
  const signingSecret = useWatch<WebhookSetupInput, "signingSecret">({ name: "signingSecret" });
  // Switching Signature back and forth keeps what was typed for HMAC.
  const [hmacValues, setHmacValues] = useState<HmacSignature>(DEFAULT_HMAC_SIGNATURE);
  const [generatedSecret, setGeneratedSecret] = useState<string>();
  // A generated secret is shown while the form holds it: a save empties the form's secret.
  const generated = generatedSecret !== undefined && generatedSecret === signingSecret ? generatedSecret : undefined;
  const secretSet = savedSecretKind !== null && savedSecretKind === signature.kind;

  // Called once the radio has set signature.kind: the rest of the object is still the previous kind's.
  function chooseSignature(kind: SignatureKind) {
    const previous = form.getValues("signature");
    if ("header" in previous) setHmacValues({ ...previous, kind: "hmac" });
    setGeneratedSecret(undefined);
    form.clearErrors(["signature", "signingSecret"]);
    setValue("signature", kind === "hmac" ? hmacValues : { kind }, { shouldDirty: true });
    setValue("signingSecret", "");
  }

  function generateSecret() {
    const secret = generateStandardWebhooksSecret();
    setGeneratedSecret(secret);
    form.clearErrors("signingSecret");
    setValue("signingSecret", secret, { shouldDirty: true });
  }

  function discardGenerated() {
    setGeneratedSecret(undefined);
    setValue("signingSecret", "");
  }

  return (
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
              <Input autoComplete="off" spellCheck={false} placeholder="sha256=" className="font-mono" {...register("signature.prefix")} />
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
                <FormField label="Timestamp header" error={errorAt("signature.timestampHeader")} hint="Unix seconds, sent in this header.">
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
                  <Input type="number" min={1} max={86_400} step={1} {...register("signature.toleranceSeconds", { valueAsNumber: true })} />
                </FormField>
              </>
            )}
          </div>
        )}
        <SetupWarnings field="signature" />

        {signature.kind === "standard_webhooks" && (
          <p className="text-sm text-slate-600">
            Your API signs each event with the <code className="font-mono text-xs">standardwebhooks</code> libraries or as the specification
            says: <code className="font-mono text-xs">webhook-id</code>, <code className="font-mono text-xs">webhook-timestamp</code>{" "}
            (within 5 minutes) and <code className="font-mono text-xs">webhook-signature</code> (several signatures are accepted while you
            rotate secrets).
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
  );
}
