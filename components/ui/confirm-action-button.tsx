"use client";

import { useRouter } from "next/navigation";
import { type ReactNode, useRef, useState, useTransition } from "react";
import { Button } from "./button";
import { ConfirmDialog } from "./confirm-dialog";

/**
 * A destructive button that asks first, then runs `action` and refreshes the page; a
 * failure stays in the dialog.
 */
export function ConfirmActionButton({
  label,
  accessibleName,
  title,
  confirmLabel,
  pendingLabel,
  failure,
  action,
  children,
}: {
  label: string;
  accessibleName: string;
  title: string;
  confirmLabel: string;
  pendingLabel: string;
  /** Shown when the action fails without saying why. */
  failure: string;
  action: () => Promise<{ ok: true } | { ok: false; formError?: string }>;
  children: ReactNode;
}) {
  const router = useRouter();
  const dialog = useRef<HTMLDialogElement>(null);
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();

  function confirm() {
    startTransition(async () => {
      const result = await action();
      if (!result.ok) {
        setError(result.formError ?? failure);
        return;
      }
      dialog.current?.close();
      router.refresh();
    });
  }

  return (
    <>
      <Button
        variant="danger"
        onClick={() => {
          setError(undefined);
          dialog.current?.showModal();
        }}
        aria-label={accessibleName}
      >
        {label}
      </Button>
      <ConfirmDialog
        ref={dialog}
        title={title}
        confirmLabel={pending ? pendingLabel : confirmLabel}
        confirmVariant="danger"
        pending={pending}
        error={error}
        onConfirm={confirm}
      >
        {children}
      </ConfirmDialog>
    </>
  );
}
