"use client";

import type { ReactNode } from "react";
import { Button } from "./button";
import { CopyButton } from "./copy-button";
import { FormField } from "./form-field";
import { Input } from "./input";

/** A secret just created, shown this once (the server keeps only a hash or ciphertext): copy it, then dismiss. */
export function ShownOnceSecret({
  message,
  label,
  value,
  copyLabel,
  onDone,
}: {
  message: ReactNode;
  label: string;
  value: string;
  copyLabel: string;
  onDone: () => void;
}) {
  return (
    <div className="space-y-3 rounded-md border border-amber-200 bg-amber-50 p-4">
      <p className="text-sm font-medium text-amber-900">{message}</p>
      <div className="flex items-end gap-2">
        <div className="flex-1">
          <FormField label={label}>
            <Input readOnly value={value} className="font-mono" spellCheck={false} onFocus={(event) => event.target.select()} />
          </FormField>
        </div>
        <CopyButton value={value} label={copyLabel} />
      </div>
      <Button variant="ghost" onClick={onDone}>
        I have saved it
      </Button>
    </div>
  );
}
