"use client";

import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { queryKeys } from "@/components/query-keys";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/form-message";
import { WebhookEventDetails } from "@/components/webhooks/webhook-event-details";
import { PAGE_JSON_BYTES } from "@/lib/json";
import { pollTestEvent } from "./actions";
import { UseAsSampleButton } from "./use-as-sample-button";

/** How long Listen for test event waits for the next event. */
const LISTEN_MS = 2 * 60 * 1000;
const POLL_MS = 1000;

/**
 * Listen for test event: from now (the server's clock), asks every second for the first event
 * the resource receives, for up to 2 minutes, and shows it with Use as sample.
 */
export function TestEventListener({
  projectId,
  resourceId,
  disabledReason,
}: {
  projectId: string;
  resourceId: string;
  /** Why no event can arrive yet (unpublished, no settings saved); listening is off then. */
  disabledReason?: string;
}) {
  const router = useRouter();
  const [since, setSince] = useState<string>();
  const [timedOut, setTimedOut] = useState(false);

  const start = useMutation({
    mutationFn: async () => {
      const result = await pollTestEvent({ projectId, resourceId });
      if (!result.ok) throw new Error(result.formError ?? "Listening could not start.");
      return result.data.since;
    },
    onSuccess: (startedAt) => {
      setTimedOut(false);
      setSince(startedAt);
    },
  });

  const poll = useQuery({
    queryKey: queryKeys.webhookTestEvent(resourceId, since ?? ""),
    queryFn: async () => {
      const result = await pollTestEvent({ projectId, resourceId, since });
      if (!result.ok) throw new Error(result.formError ?? "The events could not be read.");
      return result.data.event;
    },
    enabled: since !== undefined && !timedOut,
    refetchInterval: (query) => (query.state.data ? false : POLL_MS),
    // The user is likely in another tab or terminal, sending the event.
    refetchIntervalInBackground: true,
    retry: false,
  });
  const event = since !== undefined ? (poll.data ?? null) : null;
  const listening = since !== undefined && !timedOut && !event && !poll.isError;

  useEffect(() => {
    if (!listening) return;
    const timer = setTimeout(() => setTimedOut(true), LISTEN_MS);
    return () => clearTimeout(timer);
  }, [listening, since]);

  // The Events list below shows it too.
  const eventId = event?.id;
  useEffect(() => {
    if (eventId) router.refresh();
  }, [eventId, router]);

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-3">
        {listening ? (
          <Button variant="secondary" onClick={() => setSince(undefined)}>
            Stop listening
          </Button>
        ) : (
          <Button onClick={() => start.mutate()} disabled={start.isPending || disabledReason !== undefined}>
            {start.isPending ? "Starting…" : event ? "Listen again" : "Listen for test event"}
          </Button>
        )}
        {listening && (
          <p role="status" className="text-sm text-slate-600">
            Listening… send an event from your API to the webhook URL. Waiting up to 2 minutes.
          </p>
        )}
        {!listening && timedOut && !event && (
          <p role="status" className="text-sm text-slate-600">
            No event arrived in 2 minutes. Check the URL and your API&apos;s webhook settings, then listen again.
          </p>
        )}
        {disabledReason && <p className="text-sm text-slate-600">{disabledReason}</p>}
      </div>
      <FormMessage error={start.error?.message ?? (poll.isError ? poll.error.message : undefined)} />
      {event && (
        <section aria-label="Test event" className="space-y-4 rounded-md border border-slate-200 p-4">
          <h3 className="text-sm font-semibold">Event received</h3>
          <WebhookEventDetails
            projectId={projectId}
            event={event}
            shown={{
              bytes: PAGE_JSON_BYTES,
              moreHref: `/projects/${projectId}/resources/${resourceId}/webhooks/events/${event.id}?more=2`,
            }}
          />
          {event.rejectedReason === null && <UseAsSampleButton projectId={projectId} resourceId={resourceId} eventId={event.id} />}
        </section>
      )}
    </div>
  );
}
