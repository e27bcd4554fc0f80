"use client";

import { useState } from "react";
import type { UseFormRegisterReturn } from "react-hook-form";
import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";

/**
 * A write-only secret. Once saved, the browser never sees it again: the field says it is set
 * and offers Replace; an empty field keeps the saved value.
 */
export function SecretField({
  label,
  isSet,
  error,
  registration,
}: {
  label: string;
  isSet: boolean;
  error?: string;
  registration: UseFormRegisterReturn;
}) {
  const [replacing, setReplacing] = useState(!isSet);
  if (!replacing) {
    return (
      <div className="space-y-1">
        <p className="text-sm font-medium text-slate-800">{label}</p>
        <div className="flex items-center gap-3">
          <span className="rounded-md border border-slate-200 bg-slate-50 px-3 py-2 font-mono text-sm text-slate-500">••••••••</span>
          <span className="text-sm text-emerald-700">Set</span>
          <Button variant="secondary" onClick={() => setReplacing(true)} aria-label={`Replace ${label}`}>
            Replace
          </Button>
        </div>
        {error && <p className="text-sm text-red-600">{error}</p>}
      </div>
    );
  }
  return (
    <FormField label={label} error={error} hint={isSet ? "Leave empty to keep the saved value." : undefined}>
      <Input type="password" autoComplete="new-password" spellCheck={false} {...registration} />
    </FormField>
  );
}
