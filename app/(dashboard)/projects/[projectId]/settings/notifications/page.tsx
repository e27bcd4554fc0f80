import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { DataTable } from "@/components/ui/data-table";
import { UtcTime } from "@/components/ui/utc-time";
import { type DeliveryRow, listEndpointDeliveries, listNotificationEndpoints } from "@/db/queries/notifications";
import type { NotificationDeliveryStatus } from "@/db/schema";
import { requireProjectAccess } from "@/server/require-user";
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
  return (
    <DataTable
      variant="plain"
      label={`Deliveries to ${url}`}
      rows={deliveries}
      rowKey={(delivery) => delivery.id}
      empty="No deliveries yet."
      columns={[
        { header: "Event", cell: (delivery) => <code className="font-mono text-xs">{delivery.eventType}</code> },
        {
          header: "Status",
          cell: (delivery) => {
            const status = DELIVERY_STATUS[delivery.status];
            return (
              <span className={`rounded-full px-2 py-0.5 text-xs font-medium ${status.className}`} title={delivery.lastError ?? undefined}>
                {status.label}
              </span>
            );
          },
        },
        { header: "Attempts", cell: (delivery) => delivery.attempts },
        { header: "Response", cell: (delivery) => delivery.responseStatus ?? "—" },
        {
          header: "Time",
          className: "whitespace-nowrap text-slate-600",
          cell: (delivery) => <UtcTime date={delivery.lastAttemptAt ?? delivery.createdAt} />,
        },
        {
          header: "Actions",
          hideHeader: true,
          className: "text-right",
          cell: (delivery) => canResend && <ResendButton projectId={projectId} deliveryId={delivery.id} eventType={delivery.eventType} />,
        },
      ]}
    />
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
