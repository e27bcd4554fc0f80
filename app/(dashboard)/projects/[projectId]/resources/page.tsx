import type { Metadata } from "next";
import Link from "next/link";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { ListPageHeader } from "@/components/ui/list-page-header";
import { UtcTime } from "@/components/ui/utc-time";
import { ImportConfigForm } from "@/components/as-code/import-config-form";
import { ReadOnlyResourceNote } from "@/components/resources/read-only-note";
import { listResources } from "@/db/queries/resources";
import { canChangeResources } from "@/lib/projects/roles";
import { describeAuthentication, describeLevel } from "@/lib/resources/describe";
import { requireProjectAccess } from "@/server/require-user";
import { DeleteResourceButton } from "./delete-resource-button";

export const metadata: Metadata = { title: "Resources" };

export default async function ResourcesPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  const { role } = await requireProjectAccess(projectId);
  const canEdit = canChangeResources(role);
  const resources = await listResources({ projectId });
  const createHref = `/projects/${projectId}/resources/new`;

  return (
    <div className="max-w-5xl">
      <ListPageHeader
        title="Resources"
        description="Describe your own API once, then connect each of your users' credentials to it."
        create={canEdit && resources.length > 0 ? { href: createHref, label: "Create Resource" } : undefined}
        tools={canEdit ? <ImportConfigForm projectId={projectId} what="resource" /> : undefined}
        note={canEdit ? undefined : <ReadOnlyResourceNote />}
      />
      <DataTable
        className="mt-6"
        rows={resources}
        rowKey={(resource) => resource.id}
        empty={
          canEdit ? (
            <EmptyState
              title="No resources yet"
              description="A resource holds your API's base URL, how it authenticates and who holds the credentials."
              actionHref={createHref}
              actionLabel="Create Resource"
            />
          ) : (
            <p className="mt-8 text-sm text-slate-600">No resources yet.</p>
          )
        }
        columns={[
          {
            header: "Name",
            className: "font-medium",
            cell: (resource) => (
              <Link href={`/projects/${projectId}/resources/${resource.id}`} className="text-indigo-700 hover:underline">
                {resource.name}
              </Link>
            ),
          },
          { header: "Level", cell: (resource) => describeLevel(resource.level) },
          { header: "Authentication", cell: (resource) => describeAuthentication(resource.authType, resource.grantType) },
          {
            header: "Status",
            cell: (resource) => (
              <>
                <span
                  className={`rounded-full px-2 py-0.5 text-xs font-medium ${
                    resource.status === "published" ? "bg-emerald-50 text-emerald-700" : "bg-slate-100 text-slate-700"
                  }`}
                >
                  {resource.status === "published" ? "Published" : "Draft"}
                </span>
                {resource.publishedAt && resource.configChangedAt > resource.publishedAt && (
                  <span className="ml-2 text-xs text-amber-700">Unpublished changes</span>
                )}
              </>
            ),
          },
          { header: "Last updated", className: "text-slate-600", cell: (resource) => <UtcTime date={resource.updatedAt} /> },
          {
            header: "Actions",
            hideHeader: true,
            className: "text-right",
            cell: (resource) => canEdit && <DeleteResourceButton projectId={projectId} resourceId={resource.id} name={resource.name} />,
          },
        ]}
      />
    </div>
  );
}
