import Link from "next/link";
import { ScrollableText } from "@/components/ui/scrollable-text";
import { ShowMore } from "@/components/ui/show-more";
import { formatUtc } from "@/components/ui/utc-time";
import { prettyJson } from "@/lib/json";
import type { WebhookEventView } from "@/lib/webhooks/setup-schema";

const preClassName =
  "max-h-96 overflow-auto rounded-md bg-slate-900 p-4 font-mono text-xs leading-5 whitespace-pre-wrap break-all text-slate-100";

/** Who an event is for, as the Events list and an event's page say it. */
export function describeEventUser(event: Pick<WebhookEventView, "userId" | "matched" | "rejectedReason" | "unmatchedReason">): string {
  if (event.rejectedReason !== null) return "—";
  if (event.userId) return event.userId;
  if (event.unmatchedReason !== null) return "ambiguous";
  return event.matched ? "App (App-Level)" : "unmatched";
}

export function SignatureBadge({ ok }: { ok: boolean }) {
  return ok ? (
    <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-700">ok</span>
  ) : (
    <span className="rounded-full bg-red-50 px-2 py-0.5 text-xs font-medium text-red-700">failed</span>
  );
}

/**
 * One received event: time, computed type, matched user, signature result and the runs it
 * started, then its headers and payload — or, for a rejected event, why (its content is not kept).
 * The payload prints at most `shown.bytes`; `shown.moreHref` prints more.
 */
export function WebhookEventDetails({
  projectId,
  event,
  shown,
}: {
  projectId: string;
  event: WebhookEventView;
  shown: { bytes: number; moreHref?: string };
}) {
  const rejected = event.rejectedReason !== null;
  const payload = rejected ? undefined : prettyJson(event.payload, { maxBytes: shown.bytes });
  return (
    <div className="space-y-4">
      <dl className="grid gap-x-6 gap-y-2 text-sm sm:grid-cols-[max-content_1fr]">
        <dt className="font-medium text-slate-600">Received</dt>
        <dd>
          <time dateTime={event.receivedAt}>{formatUtc(new Date(event.receivedAt))}</time>
        </dd>
        <dt className="font-medium text-slate-600">Type</dt>
        <dd>
          {event.eventType ? <code className="font-mono text-xs">{event.eventType}</code> : <span className="text-slate-500">—</span>}
        </dd>
        <dt className="font-medium text-slate-600">User</dt>
        <dd>{event.userId ? <code className="font-mono text-xs">{event.userId}</code> : describeEventUser(event)}</dd>
        <dt className="font-medium text-slate-600">Signature</dt>
        <dd>
          <SignatureBadge ok={event.signatureOk} />
        </dd>
        <dt className="font-medium text-slate-600">Runs started</dt>
        <dd>
          <p>{event.runCount}</p>
          {event.runCount > 0 && (
            <ul className="mt-1 space-y-1">
              {event.runs.map((run) => (
                <li key={run.id}>
                  <Link
                    href={`/projects/${projectId}/workflows/${run.workflowId}/runs/${run.id}`}
                    className="text-indigo-700 hover:underline"
                  >
                    {run.workflowName}
                  </Link>
                </li>
              ))}
              {event.runs.length < event.runCount && (
                <li className="text-slate-500">{event.runCount - event.runs.length} more, deleted since</li>
              )}
            </ul>
          )}
        </dd>
      </dl>
      {rejected ? (
        <div className="rounded-md border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800">
          <p className="font-medium">Rejected: {event.rejectedReason}</p>
          <p className="mt-1">Nothing ran, and the content of rejected events is not kept.</p>
        </div>
      ) : (
        <>
          {event.unmatchedReason !== null && (
            <div className="rounded-md border border-amber-200 bg-amber-50 px-4 py-3 text-sm text-amber-900">
              <p>{event.unmatchedReason}</p>
            </div>
          )}
          <section aria-label="Headers" className="space-y-1">
            <h3 className="text-sm font-medium text-slate-800">Headers</h3>
            <pre className={preClassName}>
              {Object.entries(event.headers ?? {})
                .map(([name, value]) => `${name}: ${value}`)
                .join("\n")}
            </pre>
          </section>
          <section aria-label="Payload" className="space-y-1">
            <h3 className="text-sm font-medium text-slate-800">Payload</h3>
            {/* Focusable: a long payload scrolls, and keyboard users scroll it too. */}
            <ScrollableText label="Event body" className={preClassName}>
              {payload?.text}
            </ScrollableText>
            <ShowMore truncated={payload?.truncated ?? false} shownBytes={shown.bytes} href={shown.moreHref} />
          </section>
        </>
      )}
    </div>
  );
}
