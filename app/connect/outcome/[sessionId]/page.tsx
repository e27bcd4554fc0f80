import type { Metadata } from "next";
import { getPortalOutcome } from "@/lib/connect-portal/portal";
import { isUuid } from "@/lib/uuid";
import { TellOpener } from "./tell-opener";

export const metadata: Metadata = { title: "Connect", referrer: "no-referrer" };
export const dynamic = "force-dynamic";

type Params = Promise<{ sessionId: string }>;

/** How a connect session ended, in words; the opener (at the session's origin) hears it too. */
export default async function ConnectOutcomePage({ params }: { params: Params }) {
  const { sessionId } = await params;
  const outcome = isUuid(sessionId) ? await getPortalOutcome(sessionId) : undefined;
  if (!outcome) {
    return (
      <div className="space-y-3">
        <h1 className="text-lg font-semibold">Nothing to show</h1>
        <p className="text-sm text-slate-700">This connect session has not finished, or it is unknown. You can close this window.</p>
      </div>
    );
  }
  const connected = outcome.status === "connected";
  return (
    <div className="space-y-3">
      <h1 className="text-lg font-semibold">
        {connected ? `Connected to ${outcome.resourceName}` : `Could not connect to ${outcome.resourceName}`}
      </h1>
      <p role={connected ? "status" : "alert"} className={`text-sm ${connected ? "text-emerald-700" : "text-red-700"}`}>
        {connected ? "Your connection is saved." : `${outcome.error?.message ?? "The connection failed."} Nothing was stored.`}
      </p>
      <p className="text-sm text-slate-600">
        {outcome.origin ? "This window closes by itself; you can also close it now." : "You can close this window and go back to the app."}
      </p>
      <TellOpener
        origin={outcome.origin}
        message={{
          type: "switchboard:connect",
          status: outcome.status,
          resourceId: outcome.resourceId,
          ...(outcome.error ? { error: outcome.error } : {}),
        }}
      />
    </div>
  );
}
