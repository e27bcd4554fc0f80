import type { Metadata } from "next";
import { ResourceEditGuard } from "@/components/resources/read-only-note";
import { ResourceHeader } from "@/components/resources/resource-tabs";
import { ImportToolsForm } from "./import-tools-form";
import { OfferToolsCheckbox } from "./offer-tools-checkbox";
import { ToolRow } from "./tool-row";
import { listResourceTools } from "@/db/queries/resource-tools";
import { canChangeResources } from "@/lib/projects/roles";
import { requireProjectAccess } from "@/server/require-user";
import { requireResource } from "@/server/require-resource";

export const metadata: Metadata = { title: "Tools" };

type Params = Promise<{ projectId: string; resourceId: string }>;

/** The resource tab Tools: its OpenAPI document's operations, each turned on as a tool for agents (Agents). */
export default async function ToolsPage({ params }: { params: Params }) {
  const { projectId, resourceId } = await params;
  const resource = await requireResource(projectId, resourceId);
  const { role } = await requireProjectAccess(projectId);
  const tools = await listResourceTools({ projectId, resourceId });
  const level = resource.published?.level ?? resource.level;
  const enabled = tools.filter((tool) => tool.enabled).length;

  return (
    <div className="max-w-5xl space-y-6">
      <ResourceHeader projectId={projectId} resourceId={resourceId} name={resource.name} current="tools" />
      <div>
        <h2 className="text-lg font-semibold">Tools</h2>
        <p className="mt-1 text-sm text-slate-600">
          Import your API&apos;s OpenAPI document and turn its operations on as tools: an AI agent lists a user&apos;s tools and calls them
          through the Tools API, each call sent with that user&apos;s connection to this resource.
        </p>
      </div>
      <ResourceEditGuard canEdit={canChangeResources(role)}>
        <div className="space-y-6">
          {level === "app" && (
            <section className="space-y-2 rounded-lg border border-slate-200 bg-white p-6">
              <OfferToolsCheckbox projectId={projectId} resourceId={resourceId} offered={resource.offerToolsToEveryUser} />
            </section>
          )}
          <section className="space-y-3 rounded-lg border border-slate-200 bg-white p-6">
            <h3 className="text-base font-semibold">Import an OpenAPI document</h3>
            <ImportToolsForm projectId={projectId} resourceId={resourceId} hasTools={tools.length > 0} />
          </section>
          {tools.length === 0 ? (
            <p className="rounded-lg border border-dashed border-slate-300 bg-white px-6 py-8 text-center text-sm text-slate-600">
              No operations yet: import an OpenAPI document to list them.
            </p>
          ) : (
            <section className="space-y-2">
              <p className="text-sm text-slate-600">
                {tools.length} operations, {enabled} on as tools.
                {!resource.published && " Publish the resource: only a published resource's tools are offered."}
              </p>
              <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
                <table className="w-full text-left text-sm">
                  <thead className="bg-slate-50 text-xs uppercase text-slate-500">
                    <tr>
                      <th className="px-4 py-2 font-medium">Method</th>
                      <th className="px-4 py-2 font-medium">Path</th>
                      <th className="px-4 py-2 font-medium">Summary</th>
                      <th className="px-4 py-2 font-medium">Tool name</th>
                      <th className="px-4 py-2 font-medium">Tool</th>
                    </tr>
                  </thead>
                  <tbody className="divide-y divide-slate-100">
                    {tools.map((tool) => (
                      <ToolRow
                        key={`${tool.id}:${tool.name}:${tool.enabled}`}
                        projectId={projectId}
                        resourceId={resourceId}
                        tool={{
                          id: tool.id,
                          method: tool.method,
                          path: tool.path,
                          summary: tool.summary,
                          name: tool.name,
                          enabled: tool.enabled,
                        }}
                      />
                    ))}
                  </tbody>
                </table>
              </div>
            </section>
          )}
        </div>
      </ResourceEditGuard>
    </div>
  );
}
