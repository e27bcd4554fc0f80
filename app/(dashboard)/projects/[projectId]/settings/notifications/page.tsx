import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { UtcTime } from "@/components/ui/utc-time";
import { type DeliveryRow, listEndpointDeliveries, listNotificationEndpoints } from "@/db/queries/notifications";
import type { NotificationDeliveryStatus } from "@/db/schema";
import { requireProjectAccess } from "../../../../require-user";
import { DeleteEndpointButton, EnableEndpointButton, ResendButton } from "./endpoint-buttons";
import { AddEndpointForm } from "./endpoint-form";

export const metadata: Metadata = { title: "Notifications" };

const DELIVERY_STATUS: Record<NotificationDeliveryStatus, { label: string; className: string }> = {
  pending: { label: "Pending", className: "bg-slate-100 text-slate-700" },
  retrying: { label: "Retrying", className: "bg-amber-50 text-amber-800" },
  delivered: { label: "Delivered", className: "bg-emerald-50 text-emerald-700" },
  failed: { label: "Failed", className: "bg-red-50 text-red-700" },
};

function Deliveries({
  projectId,
  url,
  deliveries,
  canResend,
}: {
  projectId: string;
  url: string;
  deliveries: DeliveryRow[];
  canResend: boolean;
}) {
  if (deliveries.length === 0) return <p className="text-sm text-slate-600">No deliveries yet.</p>;
  return (
    <table className="w-full text-left text-sm" aria-label={`Deliveries to ${url}`}>
      <thead className="text-xs uppercase text-slate-500">
        <tr>
          <th className="py-2 font-medium">Event</th>
          <th className="py-2 font-medium">Status</th>
          <th className="py-2 font-medium">Attempts</th>
          <th className="py-2 font-medium">Response</th>
          <th className="py-2 font-medium">Time</th>
          <th className="py-2 font-medium">
            <span className="sr-only">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100">
        {deliveries.map((delivery) => {
          const status = DELIVERY_STATUS[delivery.status];
          return (
            <tr key={delivery.id}>
              <td className="py-2 pr-2">
                <code className="font-mono text-xs">{delivery.eventType}</code>
              </td>
              <td className="py-2 pr-2">
                <span
                  className={`rounded-full px-2 py-0.5 text-xs font-medium ${status.className}`}
                  title={delivery.lastError ?? undefined}
                >
                  {status.label}
                </span>
              </td>
              <td className="py-2 pr-2">{delivery.attempts}</td>
              <td className="py-2 pr-2">{delivery.responseStatus ?? "—"}</td>
              <td className="py-2 pr-2 whitespace-nowrap text-slate-600">
                <UtcTime date={delivery.lastAttemptAt ?? delivery.createdAt} />
              </td>
              <td className="py-2 text-right">
                {canResend && <ResendButton projectId={projectId} deliveryId={delivery.id} eventType={delivery.eventType} />}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export default async function NotificationsPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const { role } = await requireProjectAccess(projectId);
  const isOwner = role === "owner";
  const endpoints = await listNotificationEndpoints({ projectId });
  const deliveries = await Promise.all(
    endpoints.map((endpoint) => listEndpointDeliveries({ projectId, endpointId: endpoint.id, limit: 25 })),
  );

  return (
    <div className="max-w-4xl space-y-6">
      <div>
        <h2 className="text-lg font-semibold">Notifications</h2>
        <p className="mt-1 text-sm text-slate-600">
          Switchboard tells your backend when a user connects, a connection needs reconnecting or is deleted, and when a workflow run fails:
          a signed POST (Standard Webhooks) to each endpoint subscribed to the event, retried for about 18 hours.
        </p>
      </div>

      {endpoints.map((endpoint, index) => (
        <Card key={endpoint.id}>
          <div className="space-y-4">
            <div className="flex items-start justify-between gap-4">
              <div className="min-w-0 space-y-1">
                <h2 className="break-all font-mono text-sm font-semibold">{endpoint.url}</h2>
                <p className="text-xs text-slate-500">{endpoint.events.join(", ")}</p>
                {endpoint.status === "enabled" ? (
                  <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-700">Enabled</span>
                ) : (
                  <p className="text-xs text-slate-600">
                    <span className="rounded-full bg-slate-100 px-2 py-0.5 font-medium text-slate-700">Disabled</span>{" "}
                    {endpoint.disabledReason}
                  </p>
                )}
              </div>
              {isOwner && (
                <div className="flex shrink-0 gap-2">
                  {endpoint.status === "disabled" && (
                    <EnableEndpointButton projectId={projectId} endpointId={endpoint.id} url={endpoint.url} />
                  )}
                  <DeleteEndpointButton projectId={projectId} endpointId={endpoint.id} url={endpoint.url} />
                </div>
              )}
            </div>
            <div className="space-y-2 border-t border-slate-100 pt-4">
              <h3 className="text-sm font-semibold">Deliveries</h3>
              <Deliveries
                projectId={projectId}
                url={endpoint.url}
                deliveries={deliveries[index]!}
                canResend={isOwner && endpoint.status === "enabled"}
              />
            </div>
          </div>
        </Card>
      ))}

      <Card title="Add an endpoint">
        {isOwner ? (
          <AddEndpointForm projectId={projectId} />
        ) : (
          <p className="text-sm text-slate-600">Only the project owner can add or delete endpoints.</p>
        )}
      </Card>
    </div>
  );
}
