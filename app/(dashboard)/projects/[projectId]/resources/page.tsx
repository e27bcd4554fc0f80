import type { Metadata } from "next";
import Link from "next/link";
import { EmptyState } from "@/components/ui/empty-state";
import { ListPageHeader } from "@/components/ui/list-page-header";
import { UtcTime } from "@/components/ui/utc-time";
import { ImportConfigForm } from "@/components/as-code/import-config-form";
import { DeleteResourceButton } from "@/components/resources/delete-resource-button";
import { ReadOnlyResourceNote } from "@/components/resources/read-only-note";
import { listResources } from "@/db/queries/resources";
import { canChangeResources } from "@/lib/projects/roles";
import { describeAuthentication, describeLevel } from "@/lib/resources/describe";
import { requireProjectAccess } from "../../../require-user";

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
      {resources.length === 0 && !canEdit ? (
        <p className="mt-8 text-sm text-slate-600">No resources yet.</p>
      ) : resources.length === 0 ? (
        <EmptyState
          title="No resources yet"
          description="A resource holds your API's base URL, how it authenticates and who holds the credentials."
          actionHref={createHref}
          actionLabel="Create Resource"
        />
      ) : (
        <div className="mt-6 overflow-hidden rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-left text-sm">
            <thead className="bg-slate-50 text-xs uppercase text-slate-500">
              <tr>
                <th className="px-4 py-2 font-medium">Name</th>
                <th className="px-4 py-2 font-medium">Level</th>
                <th className="px-4 py-2 font-medium">Authentication</th>
                <th className="px-4 py-2 font-medium">Status</th>
                <th className="px-4 py-2 font-medium">Last updated</th>
                <th className="px-4 py-2 font-medium">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {resources.map((resource) => (
                <tr key={resource.id}>
                  <td className="px-4 py-2 font-medium">
                    <Link href={`/projects/${projectId}/resources/${resource.id}`} className="text-indigo-700 hover:underline">
                      {resource.name}
                    </Link>
                  </td>
                  <td className="px-4 py-2">{describeLevel(resource.level)}</td>
                  <td className="px-4 py-2">{describeAuthentication(resource.authType, resource.grantType)}</td>
                  <td className="px-4 py-2">
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
                  </td>
                  <td className="px-4 py-2 text-slate-600">
                    <UtcTime date={resource.updatedAt} />
                  </td>
                  <td className="px-4 py-2 text-right">
                    {canEdit && <DeleteResourceButton projectId={projectId} resourceId={resource.id} name={resource.name} />}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
