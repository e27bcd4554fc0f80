import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { ResourceHeader } from "@/components/resources/resource-tabs";
import { Card } from "@/components/ui/card";
import { WebhookEventDetails } from "@/components/webhooks/webhook-event-details";
import { AppError } from "@/lib/errors";
import { shownJson } from "@/lib/json";
import { isUuid } from "@/lib/uuid";
import { getWebhookEventView } from "@/lib/webhooks/setup";
import { requireResource } from "@/server/require-resource";
import { UseAsSampleButton } from "../../use-as-sample-button";

export const metadata: Metadata = { title: "Webhook event" };

type Params = Promise<{ projectId: string; resourceId: string; eventId: string }>;

/** One event the resource's webhook URL received: headers and payload, or why it was rejected. */
export default async function WebhookEventPage({
  params,
  searchParams,
}: {
  params: Params;
  searchParams: Promise<{ more?: string | string[] }>;
}) {
  const { projectId, resourceId, eventId } = await params;
  // The payload prints at most this much; "Show more" (?more=n) prints one step more.
  const shown = shownJson((await searchParams).more);
  const resource = await requireResource(projectId, resourceId);
  if (!isUuid(eventId)) notFound();
  const event = await getWebhookEventView({ projectId, resourceId, eventId }).catch((error: unknown) => {
    if (error instanceof AppError && error.code === "webhook_event_not_found") notFound();
    throw error;
  });

  return (
    <div className="max-w-4xl space-y-6">
      <ResourceHeader projectId={projectId} resourceId={resourceId} name={resource.name} current="webhooks" />
      <div>
        <Link
          href={`/projects/${projectId}/resources/${resourceId}/webhooks#events`}
          className="text-sm font-medium text-indigo-700 hover:underline"
        >
          ← Events
        </Link>
        <h2 className="mt-2 text-lg font-semibold">Event</h2>
      </div>
      <Card>
        <div className="space-y-4">
          <WebhookEventDetails projectId={projectId} event={event} shown={shown} />
          {event.rejectedReason === null && <UseAsSampleButton projectId={projectId} resourceId={resourceId} eventId={event.id} />}
        </div>
      </Card>
    </div>
  );
}
