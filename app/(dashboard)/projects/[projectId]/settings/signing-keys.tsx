"use client";

import { zodResolver } from "@hookform/resolvers/zod";
import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { useForm } from "react-hook-form";
import type { z } from "zod";
import { applyActionErrors } from "@/components/forms/apply-action-errors";
import { Button } from "@/components/ui/button";
import { ConfirmActionButton } from "@/components/ui/confirm-action-button";
import { CopyButton } from "@/components/ui/copy-button";
import { FormField } from "@/components/ui/form-field";
import { FormMessage } from "@/components/ui/form-message";
import {
  addPublicKeySchema,
  type AddPublicKeyInput,
  allowedOriginsSchema,
  type AllowedOriginsInput,
  MAX_ALLOWED_ORIGINS,
} from "@/lib/projects/schema";
import { addPublicSigningKey, generateSigningKey, revokeSigningKey, saveAllowedOrigins } from "./actions";

const textareaClassName =
  "block w-full rounded-md border border-slate-300 bg-white px-3 py-2 font-mono text-xs text-slate-900 shadow-xs placeholder:text-slate-400 focus:border-indigo-500 focus:outline-2 focus:outline-indigo-200 aria-invalid:border-red-500 read-only:bg-slate-50";

/** `switchboard-<first characters of the kid>.pem`, with only filename-safe characters. */
function privateKeyFileName(kid: string): string {
  const prefix = kid.replace(/[^A-Za-z0-9_-]/g, "").slice(0, 8);
  return `switchboard-${prefix || "key"}.pem`;
}

function downloadText(text: string, fileName: string) {
  const url = URL.createObjectURL(new Blob([text], { type: "application/x-pem-file" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = fileName;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * Generates a key pair on the server, which keeps the public key; the private key lives
 * only in this component's state, shown once for the user to copy or download.
 */
export function GenerateSigningKey({ projectId }: { projectId: string }) {
  const router = useRouter();
  const [generated, setGenerated] = useState<{ kid: string; privateKeyPem: string }>();
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();

  function generate() {
    setError(undefined);
    startTransition(async () => {
      const result = await generateSigningKey({ projectId });
      if (!result.ok) {
        setError(result.formError ?? "Could not generate a key.");
        return;
      }
      setGenerated(result.data);
      router.refresh();
    });
  }

  return (
    <div className="space-y-3">
      <Button onClick={generate} disabled={pending}>
        {pending ? "Generating…" : "Generate signing key"}
      </Button>
      <FormMessage error={error} />
      {generated && (
        <div className="space-y-3 rounded-md border border-amber-200 bg-amber-50 p-4">
          <p className="text-sm font-medium text-amber-900">
            Save this private key now: it is shown only this once. Switchboard keeps only the public key and cannot show it again. Keep it
            on your backend, never in a browser.
          </p>
          <FormField label="Private key">
            <textarea readOnly rows={8} value={generated.privateKeyPem} className={textareaClassName} spellCheck={false} />
          </FormField>
          <div className="flex flex-wrap gap-2">
            <CopyButton value={generated.privateKeyPem} label="Copy private key" />
            <Button variant="secondary" onClick={() => downloadText(generated.privateKeyPem, privateKeyFileName(generated.kid))}>
              Download
            </Button>
            <Button variant="ghost" onClick={() => setGenerated(undefined)}>
              I have saved it
            </Button>
          </div>
        </div>
      )}
    </div>
  );
}

export function AddPublicKeyForm({ projectId }: { projectId: string }) {
  const router = useRouter();
  const form = useForm<AddPublicKeyInput, unknown, z.output<typeof addPublicKeySchema>>({
    resolver: zodResolver(addPublicKeySchema),
    defaultValues: { projectId, publicKey: "" },
  });
  const { errors, isSubmitting } = form.formState;
  const [added, setAdded] = useState<string>();

  async function onSubmit(values: z.output<typeof addPublicKeySchema>) {
    setAdded(undefined);
    const result = await addPublicSigningKey(values);
    if (!result.ok) return applyActionErrors(form, result);
    form.reset({ projectId, publicKey: "" });
    setAdded(`Key ${result.data.kid} added.`);
    router.refresh();
  }

  return (
    <form onSubmit={form.handleSubmit(onSubmit)} className="space-y-3" noValidate>
      <h3 className="text-sm font-semibold">Add a public key</h3>
      <FormMessage error={errors.root?.serverError?.message} success={added} />
      <FormField
        label="Public key"
        error={errors.publicKey?.message}
        hint="An RSA public key of at least 2048 bits, as a PEM (-----BEGIN PUBLIC KEY-----) or a JWK. Never paste the private key."
      >
        <textarea rows={6} spellCheck={false} className={textareaClassName} {...form.register("publicKey")} />
      </FormField>
      <Button type="submit" disabled={isSubmitting}>
        {isSubmitting ? "Adding…" : "Add public key"}
      </Button>
    </form>
  );
}

export function RevokeSigningKeyButton({ projectId, keyId, kid }: { projectId: string; keyId: string; kid: string }) {
  return (
    <ConfirmActionButton
      label="Revoke"
      accessibleName={`Revoke key ${kid}`}
      title="Revoke this signing key?"
      confirmLabel="Revoke signing key"
      pendingLabel="Revoking…"
      failure="Could not revoke the key."
      action={() => revokeSigningKey({ projectId, keyId })}
    >
      <p>Tokens signed with this key will be refused.</p>
      <p className="mt-2 break-all font-mono text-xs text-slate-500">{kid}</p>
    </ConfirmActionButton>
  );
}

export function AllowedOriginsForm({ projectId, origins, canEdit }: { projectId: string; origins: string[]; canEdit: boolean }) {
  const router = useRouter();
  const form = useForm<AllowedOriginsInput, unknown, z.output<typeof allowedOriginsSchema>>({
    resolver: zodResolver(allowedOriginsSchema),
    defaultValues: { projectId, origins: origins.join("\n") },
  });
  const { errors, isSubmitting } = form.formState;
  const [saved, setSaved] = useState(false);

  async function onSubmit(values: z.output<typeof allowedOriginsSchema>) {
    setSaved(false);
    // The action parses the same text again: send the cleaned-up list, one origin a line.
    const result = await saveAllowedOrigins({ projectId, origins: values.origins.join("\n") });
    if (!result.ok) return applyActionErrors(form, result);
    form.reset({ projectId, origins: result.data.origins.join("\n") });
    setSaved(true);
    router.refresh();
  }

  return (
    <form onSubmit={form.handleSubmit(onSubmit)} className="space-y-3" noValidate>
      <FormMessage error={errors.root?.serverError?.message} success={saved ? "Saved." : undefined} />
      <FormField
        label="Allowed Origins"
        error={errors.origins?.message}
        hint={
          canEdit
            ? `One origin per line, such as https://app.example.com or http://localhost:5173: scheme, host and port only, no path, no trailing slash, no wildcard. At most ${MAX_ALLOWED_ORIGINS}.`
            : "Only the project owner can change the Allowed Origins."
        }
      >
        <textarea
          rows={4}
          spellCheck={false}
          readOnly={!canEdit}
          placeholder={canEdit ? "https://app.example.com" : undefined}
          className={textareaClassName}
          {...form.register("origins")}
        />
      </FormField>
      {canEdit && (
        <Button type="submit" disabled={isSubmitting}>
          {isSubmitting ? "Saving…" : "Save origins"}
        </Button>
      )}
    </form>
  );
}
