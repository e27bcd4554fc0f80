"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition } from "react";
import { Checkbox } from "@/components/ui/checkbox";
import { FormMessage } from "@/components/ui/form-message";
import { setAllowPrivateNetwork } from "./actions";

export function NetworkSettingsForm({
  projectId,
  allowPrivateNetwork,
  allowedByServer,
  canEdit,
}: {
  projectId: string;
  allowPrivateNetwork: boolean;
  allowedByServer: boolean;
  canEdit: boolean;
}) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [pending, startTransition] = useTransition();

  function toggle(allow: boolean) {
    setError(undefined);
    startTransition(async () => {
      const result = await setAllowPrivateNetwork({ projectId, allowPrivateNetwork: allow });
      if (!result.ok) setError(result.formError);
      router.refresh();
    });
  }

  return (
    <div className="space-y-2">
      <FormMessage error={error} />
      <Checkbox
        label="Allow private network"
        hint={
          allowedByServer
            ? "This server sets SWITCHBOARD_ALLOW_PRIVATE_NETWORK=true: every project may reach private and loopback addresses."
            : "Lets requests reach loopback (127.0.0.1) and private addresses (10.x, 172.16–31.x, 192.168.x, fc00::/7), for an API next to this Switchboard. Link-local and cloud metadata addresses stay blocked."
        }
        checked={allowPrivateNetwork || allowedByServer}
        disabled={!canEdit || allowedByServer || pending}
        onChange={(event) => toggle(event.target.checked)}
      />
    </div>
  );
}
