"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Checkbox } from "@/components/ui/checkbox";
import { offerTools } from "./actions";

/** Offer to every user: an App-Level resource's tools, called with the app's credentials, for every Connected User. */
export function OfferToolsCheckbox({ projectId, resourceId, offered }: { projectId: string; resourceId: string; offered: boolean }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [error, setError] = useState<string>();
  const [checked, setChecked] = useState(offered);
  return (
    <div>
      <Checkbox
        label="Offer to every user"
        hint="This resource uses your app's credentials, not each user's: its tools that are on are offered to every Connected User, and act with your app's credentials."
        checked={checked}
        disabled={pending}
        onChange={(event) => {
          const offer = event.target.checked;
          setError(undefined);
          setChecked(offer);
          startTransition(async () => {
            const result = await offerTools({ projectId, resourceId, offer });
            if (!result.ok) {
              setChecked(!offer);
              setError(result.formError ?? "The setting could not be saved.");
            }
            router.refresh();
          });
        }}
      />
      {error && (
        <p role="alert" className="mt-1 text-sm text-red-700">
          {error}
        </p>
      )}
    </div>
  );
}
