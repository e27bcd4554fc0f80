"use client";

import type { UseFormRegisterReturn } from "react-hook-form";
import { Checkbox } from "@/components/ui/checkbox";

/**
 * "Allow any host", under a URL template with a variable in its host. Ticked, it says what
 * that hands to end users: `risk` completes "each Connected User can make Switchboard send …".
 */
export function AllowAnyHostField({
  registration,
  checked,
  risk,
}: {
  registration: UseFormRegisterReturn;
  checked: boolean;
  risk: string;
}) {
  return (
    <div className="space-y-2">
      <Checkbox
        label="Allow any host"
        hint="Off, a variable in the host must be followed by your domain, e.g. {{inputs.subdomain}}.tasklab.com, so end users only choose a subdomain."
        {...registration}
      />
      {checked && (
        <p role="alert" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          <span className="font-semibold">Any host:</span> each Connected User can make Switchboard send {risk} to a server of their
          choosing. Allow it only if you trust every Connected User with them.
        </p>
      )}
    </div>
  );
}
