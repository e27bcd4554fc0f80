"use client";

import { useState } from "react";
import { Button } from "@/components/ui/button";
import { CopyButton } from "@/components/ui/copy-button";
import { FormMessage } from "@/components/ui/form-message";
import { Input } from "@/components/ui/input";
import { createReconnectLink } from "./actions";

/** Reconnect link: makes a 24-hour Connect Portal link for an INVALID connection's user, shown with a copy button. */
export function ReconnectLinkButton({ projectId, resourceId, userId }: { projectId: string; resourceId: string; userId: string }) {
  const [link, setLink] = useState<{ url: string; expiresAt: string }>();
  const [error, setError] = useState<string>();
  const [pending, setPending] = useState(false);
  async function create() {
    setPending(true);
    setError(undefined);
    const result = await createReconnectLink({ projectId, resourceId, userId }).catch(() => undefined);
    setPending(false);
    if (result?.ok) setLink(result.data);
    else setError(result && !result.ok ? (result.formError ?? "Could not create a link.") : "Could not create a link.");
  }
  if (link) {
    return (
      <div className="mt-2 flex max-w-md items-center gap-2 text-left">
        <Input readOnly value={link.url} aria-label={`Reconnect link for ${userId}`} className="font-mono text-xs" />
        <CopyButton value={link.url} label="Copy reconnect link" />
      </div>
    );
  }
  return (
    <div className="inline-block">
      <Button variant="secondary" onClick={create} disabled={pending} aria-label={`Reconnect link for ${userId}`}>
        {pending ? "Creating…" : "Reconnect link"}
      </Button>
      {error && <FormMessage error={error} />}
    </div>
  );
}
