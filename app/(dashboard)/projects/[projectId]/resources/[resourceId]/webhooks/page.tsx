import type { Metadata } from "next";
import Form from "next/form";
import Link from "next/link";
import { ResourceEditGuard } from "@/components/resources/read-only-note";
import { ResourceHeader } from "@/components/resources/resource-tabs";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { CopyButton } from "@/components/ui/copy-button";
import { DataTable } from "@/components/ui/data-table";
import { EmptyMessage } from "@/components/ui/empty-state";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { formatUtc } from "@/components/ui/utc-time";
import { describeEventUser, SignatureBadge } from "@/components/webhooks/webhook-event-details";
import { MAX_REJECTED_EVENTS_PER_MINUTE, REJECTED_WEBHOOK_EVENT_RETENTION_DAYS, WEBHOOK_EVENT_RETENTION_DAYS } from "@/lib/webhooks/intake";
import { listWebhookEventViews, loadWebhookSetup, WEBHOOK_EVENTS_PAGE_SIZE } from "@/lib/webhooks/setup";
import { canChangeResources } from "@/lib/projects/roles";
import { requireProjectAccess } from "@/server/require-user";
import { requireResource } from "@/server/require-resource";
import { TestEventListener } from "./test-event-listener";
import { WebhookSetupForm } from "./webhook-setup-form";

export const metadata: Metadata = { title: "Webhooks" };

const linkClassName = "font-medium text-indigo-700 hover:underline";

type Params = Promise<{ projectId: string; resourceId: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

function searchParam(value: string | string[] | undefined): string {
  return (typeof value === "string" ? value : "").trim().slice(0, 200);
}

export default async function WebhooksPage({ params, searchParams }: { params: Params; searchParams: SearchParams }) {
  const { projectId, resourceId } = await params;
  const resource = await requireResource(projectId, resourceId);
  const { role } = await requireProjectAccess(projectId);
  const view = await loadWebhookSetup({ resource });
  const query = await searchParams;
  const typeFilter = searchParam(query.type);
  const beforeParam = searchParam(query.before);
  const before = beforeParam && !Number.isNaN(Date.parse(beforeParam)) ? new Date(beforeParam) : undefined;
  const events = await listWebhookEventViews({ projectId, resourceId, eventType: typeFilter || undefined, before });

  const base = `/projects/${projectId}/resources/${resourceId}`;
  const { webhookUrl } = view;
  const eventsHref = (params: Record<string, string>) => {
    const search = new URLSearchParams(Object.entries(params).filter(([, value]) => value));
    return `${base}/webhooks${search.size ? `?${search}` : ""}#events`;
  };
  const oldest = events.at(-1);
  const listenDisabledReason = !view.published
    ? "Publish the resource to receive events."
    : !view.configured
      ? "Save the settings below to receive events."
      : undefined;

  return (
    <div className="max-w-4xl space-y-6">
      <ResourceHeader projectId={projectId} resourceId={resourceId} name={view.name} current="webhooks" />
      <div>
        <h2 className="text-lg font-semibold">Webhook Setup</h2>
        <p className="mt-1 text-sm text-slate-600">
          Your API sends its events here; each listed event type is a trigger under “{view.name} Triggers” in workflows.
        </p>
      </div>

      <Card title="Webhook URL">
        <div className="space-y-3">
          <div className="flex items-center gap-2">
            <code data-testid="webhook-url" className="min-w-0 flex-1 truncate rounded-md bg-slate-100 px-3 py-2 font-mono text-xs">
              {webhookUrl}
            </code>
            <CopyButton value={webhookUrl} label="Copy webhook URL" />
          </div>
          {view.publicUrlProblem && (
            <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
              {view.publicUrlProblem}
            </p>
          )}
          {!view.published && (
            <p role="note" className="rounded-md border border-amber-200 bg-amber-50 px-3 py-2 text-sm text-amber-900">
              Only published resources receive events: until you publish {view.name} this URL answers 404.{" "}
              <Link href={`${base}/test-and-publish`} className={linkClassName}>
                Test and Publish
              </Link>
            </p>
          )}
          <div className="text-sm text-slate-600">
            <p>In your API&apos;s webhook settings:</p>
            <ul className="mt-1 list-disc space-y-1 pl-5">
              <li>add this URL as the endpoint, for the event types listed below;</li>
              <li>send each event as a POST with a JSON body of at most 1 MB;</li>
              <li>sign it as chosen under Signature, with the same signing secret.</li>
            </ul>
            <p className="mt-2">
              Switchboard answers 2xx as soon as the event is stored, then runs its workflows; 401 when the signature does not verify, 413
              when the body is too large, 404 while the resource is not published or its settings are not saved.
            </p>
          </div>
        </div>
      </Card>

      <ResourceEditGuard canEdit={canChangeResources(role)}>
        <WebhookSetupForm
          projectId={projectId}
          resourceId={resourceId}
          resourceName={view.name}
          values={view.values}
          context={view.context}
          variables={view.variables}
        />
      </ResourceEditGuard>

      <Card
        title="Test event"
        description="Send an event from your API and see what Switchboard made of it. Use as sample keeps it as the sample the workflow editor lists trigger.* variables from."
      >
        <div className="space-y-4">
          {view.sample && (
            <p data-testid="webhook-sample" className="text-sm text-slate-600">
              Sample event kept: type <code className="font-mono text-xs">{view.sample.type ?? "—"}</code>, with{" "}
              {Object.keys(view.sample.headers).length} headers.
            </p>
          )}
          <TestEventListener projectId={projectId} resourceId={resourceId} disabledReason={listenDisabledReason} />
        </div>
      </Card>

      <section id="events" aria-labelledby="webhook-events-heading" className="space-y-4">
        <div>
          <h2 id="webhook-events-heading" className="text-lg font-semibold">
            Events
          </h2>
          <p className="mt-1 text-sm text-slate-600">
            What this URL received, newest first, rejected ones included. Events are kept {WEBHOOK_EVENT_RETENTION_DAYS} days, rejected ones{" "}
            {REJECTED_WEBHOOK_EVENT_RETENTION_DAYS} days (at most {MAX_REJECTED_EVENTS_PER_MINUTE} a minute: the rest are answered alike and
            only counted).
          </p>
        </div>
        <Form action={`${base}/webhooks`} className="flex items-end gap-2">
          <div className="w-72">
            <FormField label="Filter by type">
              <Input
                key={typeFilter}
                name="type"
                type="search"
                defaultValue={typeFilter}
                list="webhook-event-types"
                autoComplete="off"
                maxLength={200}
              />
            </FormField>
            <datalist id="webhook-event-types">
              {view.values.eventTypes.map((name) => (
                <option key={name} value={name} />
              ))}
            </datalist>
          </div>
          <Button type="submit" variant="secondary">
            Filter
          </Button>
          {(typeFilter || before) && (
            <Link href={eventsHref({})} className="px-2 py-2 text-sm text-indigo-700 hover:underline">
              {typeFilter ? "Clear filter" : "Newest events"}
            </Link>
          )}
        </Form>
        <DataTable
          rows={events}
          rowKey={(event) => event.id}
          empty={
            <EmptyMessage>
              <p>{typeFilter ? `No event of type “${typeFilter}”.` : before ? "No older events." : "No events received yet."}</p>
            </EmptyMessage>
          }
          columns={[
            {
              header: "Time (UTC)",
              className: "whitespace-nowrap",
              cell: (event) => (
                <Link href={`${base}/webhooks/events/${event.id}`} className={linkClassName}>
                  <time dateTime={event.receivedAt}>{formatUtc(new Date(event.receivedAt))}</time>
                </Link>
              ),
            },
            {
              header: "Type",
              cell: (event) =>
                event.rejectedReason !== null ? (
                  <span className="rounded-full bg-red-50 px-2 py-0.5 text-xs font-medium text-red-700" title={event.rejectedReason}>
                    Rejected
                  </span>
                ) : (
                  <code className="font-mono text-xs">{event.eventType}</code>
                ),
            },
            {
              header: "User",
              className: "max-w-56",
              cell: (event) => (
                <span
                  className={`block truncate ${event.userId ? "font-mono text-xs" : "text-slate-500"}`}
                  title={event.userId ?? undefined}
                >
                  {describeEventUser(event)}
                </span>
              ),
            },
            { header: "Signature", cell: (event) => <SignatureBadge ok={event.signatureOk} /> },
            {
              header: "Matched",
              cell: (event) =>
                event.matched ? (
                  "Yes"
                ) : event.unmatchedReason !== null ? (
                  <span className="rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-800" title={event.unmatchedReason}>
                    Ambiguous
                  </span>
                ) : (
                  "No"
                ),
            },
            { header: "Runs", cell: (event) => event.runCount },
          ]}
        />
        {events.length === WEBHOOK_EVENTS_PAGE_SIZE && oldest && (
          <Link href={eventsHref({ type: typeFilter, before: oldest.receivedAt })} className={`text-sm ${linkClassName}`}>
            Older events
          </Link>
        )}
      </section>
    </div>
  );
}
