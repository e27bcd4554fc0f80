import type { Metadata } from "next";
import Form from "next/form";
import Link from "next/link";
import { ResourceHeader } from "@/components/resources/resource-tabs";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { DataTable } from "@/components/ui/data-table";
import { EmptyMessage } from "@/components/ui/empty-state";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { UtcTime } from "@/components/ui/utc-time";
import { listResourceConnections } from "@/db/queries/connections";
import { getKeepWarmDays } from "@/db/queries/keep-warm";
import { requireResourceDraft } from "@/server/require-resource";
import { DisconnectUserButton } from "./disconnect-user-button";
import { KeepWarmForm } from "./keep-warm-form";
import { ReconnectLinkButton } from "./reconnect-link-button";

export const metadata: Metadata = { title: "Connected Users" };

const PAGE_SIZE = 100;

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

function describeValue(value: unknown): string {
  if (typeof value === "string") return truncate(value, 32);
  if (typeof value === "number" || typeof value === "boolean" || value === null) return String(value);
  if (Array.isArray(value)) return "[…]";
  if (typeof value === "object") return "{…}";
  return "";
}

/** Up to three `key: value` pairs of a User Profile, each value shortened. */
function summarizeProfile(profile: Record<string, unknown> | null): string | undefined {
  const entries = Object.entries(profile ?? {});
  if (!entries.length) return undefined;
  const shown = entries.slice(0, 3).map(([key, value]) => `${truncate(key, 24)}: ${describeValue(value)}`);
  return entries.length > 3 ? `${shown.join(", ")}, …` : shown.join(", ");
}

type ResourceConnection = Awaited<ReturnType<typeof listResourceConnections>>[number];

/** Valid, or Invalid with why and since when; and the webhook subscription's state, if any. */
function ConnectionStatus({ connection }: { connection: ResourceConnection }) {
  return (
    <>
      {connection.status === "VALID" ? (
        <span className="rounded-full bg-emerald-50 px-2 py-0.5 text-xs font-medium text-emerald-700">Valid</span>
      ) : (
        <>
          <span className="rounded-full bg-red-50 px-2 py-0.5 text-xs font-medium text-red-700">Invalid</span>
          <p className="mt-1 max-w-72 text-xs text-red-700">
            Needs reconnect{connection.invalidReason ? `: ${truncate(connection.invalidReason, 200)}` : ""}, since{" "}
            <UtcTime date={connection.updatedAt} />
          </p>
        </>
      )}
      {connection.subscriptionStatus && (
        <p className={`mt-1 text-xs ${connection.subscriptionStatus === "subscribed" ? "text-slate-500" : "text-amber-700"}`}>
          Webhook subscription: {connection.subscriptionStatus}
          {connection.subscriptionError ? ` (${connection.subscriptionError})` : ""}
        </p>
      )}
    </>
  );
}

type Params = Promise<{ projectId: string; resourceId: string }>;
type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function ConnectedUsersPage({ params, searchParams }: { params: Params; searchParams: SearchParams }) {
  const { projectId, resourceId } = await params;
  const draft = await requireResourceDraft(projectId, resourceId);
  const { user, invalid } = await searchParams;
  const filter = (typeof user === "string" ? user : "").trim().slice(0, 256);
  const invalidOnly = invalid === "1";
  const base = `/projects/${projectId}/resources/${resourceId}`;
  const isAppLevel = draft.apiInfo?.level === "app";
  // Keep-warm is for refresh tokens: User-Level OAuth 2.0 connections.
  const canKeepWarm = draft.apiInfo?.level === "user" && draft.apiInfo.authType === "oauth2";
  const [connections, keepWarmDays] = await Promise.all([
    listResourceConnections({ projectId, resourceId, userIdFilter: filter || undefined, invalidOnly, limit: PAGE_SIZE }),
    getKeepWarmDays({ resourceId }),
  ]);

  return (
    <div className="max-w-5xl space-y-6">
      <ResourceHeader projectId={projectId} resourceId={resourceId} name={draft.name} current="connected-users" />
      <div>
        <h2 className="text-lg font-semibold">Connected Users</h2>
        <p className="mt-1 text-sm text-slate-600">
          The users of your product who saved their credentials for this resource through the SDK or the Connect API.
        </p>
      </div>

      <Form action={`${base}/connected-users`} className="flex items-end gap-2">
        <div className="w-80">
          <FormField label="Filter by user ID">
            <Input key={filter} name="user" type="search" defaultValue={filter} autoComplete="off" maxLength={256} />
          </FormField>
        </div>
        <div className="pb-2">
          <Checkbox key={String(invalidOnly)} name="invalid" value="1" label="needs reconnect" defaultChecked={invalidOnly} />
        </div>
        <Button type="submit" variant="secondary">
          Filter
        </Button>
        {(filter || invalidOnly) && (
          <Link href={`${base}/connected-users`} className="px-2 py-2 text-sm text-indigo-700 hover:underline">
            Clear filter
          </Link>
        )}
      </Form>

      <DataTable
        rows={connections}
        rowKey={(connection) => connection.id}
        empty={
          <EmptyMessage>
            <p>
              {filter
                ? `No connected user's ID contains “${filter}”${invalidOnly ? " among those who need to reconnect" : ""}.`
                : invalidOnly
                  ? "No connection needs a reconnect."
                  : isAppLevel
                    ? "This is an App-Level resource: one set of credentials serves everyone, so users do not connect to it."
                    : "No users have connected yet. Use the snippets under Test and Publish to connect one."}
            </p>
          </EmptyMessage>
        }
        columns={[
          {
            header: "User ID",
            className: "max-w-56",
            cell: (connection) => (
              <code className="block truncate font-mono text-xs" title={connection.userId ?? undefined}>
                {connection.userId}
              </code>
            ),
          },
          {
            header: "Profile",
            className: "max-w-80 text-slate-700",
            cell: (connection) => {
              const summary = summarizeProfile(connection.profile);
              return summary ? (
                <span className="block truncate" title={truncate(JSON.stringify(connection.profile), 1000)}>
                  {summary}
                </span>
              ) : (
                <span className="text-slate-500">—</span>
              );
            },
          },
          { header: "Status", cell: (connection) => <ConnectionStatus connection={connection} /> },
          {
            header: "Connected",
            className: "whitespace-nowrap text-slate-600",
            cell: (connection) => <UtcTime date={connection.createdAt} />,
          },
          {
            header: "Last refreshed",
            className: "whitespace-nowrap text-slate-600",
            cell: (connection) => (connection.refreshedAt ? <UtcTime date={connection.refreshedAt} /> : "—"),
          },
          {
            header: "Actions",
            hideHeader: true,
            className: "text-right",
            cell: (connection) =>
              connection.userId && (
                <div className="flex flex-col items-end gap-2">
                  {connection.status === "INVALID" && (
                    <ReconnectLinkButton projectId={projectId} resourceId={resourceId} userId={connection.userId} />
                  )}
                  <DisconnectUserButton
                    projectId={projectId}
                    resourceId={resourceId}
                    resourceName={draft.name}
                    userId={connection.userId}
                  />
                </div>
              ),
          },
        ]}
      />
      {connections.length === PAGE_SIZE && (
        <p className="text-xs text-slate-500">Showing the {PAGE_SIZE} most recent connections. Filter by user ID to find others.</p>
      )}
      {canKeepWarm && (
        <section className="space-y-2 rounded-lg border border-slate-200 bg-white p-6">
          <h2 className="text-base font-semibold">Keep-warm</h2>
          <KeepWarmForm projectId={projectId} resourceId={resourceId} days={keepWarmDays ?? null} />
        </section>
      )}
    </div>
  );
}
