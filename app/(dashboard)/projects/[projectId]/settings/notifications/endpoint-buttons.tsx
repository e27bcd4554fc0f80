"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Button } from "@/components/ui/button";
import { ConfirmActionButton } from "@/components/ui/confirm-action-button";
import { deleteNotificationEndpoint, enableNotificationEndpoint, resendDelivery } from "./actions";

/** A button that runs an action and refreshes the page; a failure shows beside it. */
function ActionButton({
  label,
  pendingLabel,
  accessibleName,
  action,
}: {
  label: string;
  pendingLabel: string;
  accessibleName: string;
  action: () => Promise<{ ok: true } | { ok: false; formError?: string }>;
}) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();
  return (
    <span className="inline-flex items-center gap-2">
      {error && (
        <span role="alert" className="text-xs text-red-600">
          {error}
        </span>
      )}
      <Button
        variant="secondary"
        aria-label={accessibleName}
        disabled={pending}
        onClick={() =>
          startTransition(async () => {
            const result = await action();
            setError(result.ok ? undefined : (result.formError ?? "Something went wrong."));
            if (result.ok) router.refresh();
          })
        }
      >
        {pending ? pendingLabel : label}
      </Button>
    </span>
  );
}

export function ResendButton({ projectId, deliveryId, eventType }: { projectId: string; deliveryId: string; eventType: string }) {
  return (
    <ActionButton
      label="Resend"
      pendingLabel="Resending…"
      accessibleName={`Resend ${eventType}`}
      action={() => resendDelivery({ projectId, deliveryId })}
    />
  );
}

export function EnableEndpointButton({ projectId, endpointId, url }: { projectId: string; endpointId: string; url: string }) {
  return (
    <ActionButton
      label="Enable"
      pendingLabel="Enabling…"
      accessibleName={`Enable ${url}`}
      action={() => enableNotificationEndpoint({ projectId, endpointId })}
    />
  );
}

export function DeleteEndpointButton({ projectId, endpointId, url }: { projectId: string; endpointId: string; url: string }) {
  return (
    <ConfirmActionButton
      label="Delete"
      accessibleName={`Delete endpoint ${url}`}
      title="Delete this endpoint?"
      confirmLabel="Delete endpoint"
      pendingLabel="Deleting…"
      failure="Could not delete the endpoint."
      action={() => deleteNotificationEndpoint({ projectId, endpointId })}
    >
      <p>Switchboard stops sending it events at once, and its deliveries are deleted with it.</p>
      <p className="mt-2 break-all font-medium text-slate-800">{url}</p>
    </ConfirmActionButton>
  );
}
