import type { Metadata } from "next";
import { ResourceEditGuard } from "@/components/resources/read-only-note";
import { ResourceHeader } from "@/components/resources/resource-tabs";
import { DataTable, type DataTableColumn } from "@/components/ui/data-table";
import type { ResourceTool } from "@/db/schema";
import { ImportToolsForm } from "./import-tools-form";
import { OfferToolsCheckbox } from "./offer-tools-checkbox";
import { ToolNameForm, ToolSwitch } from "./tool-controls";
import { listResourceTools } from "@/db/queries/resource-tools";
import { canChangeResources } from "@/lib/projects/roles";
import { requireProjectAccess } from "@/server/require-user";
import { requireResource } from "@/server/require-resource";

export const metadata: Metadata = { title: "Tools" };

type Params = Promise<{ projectId: string; resourceId: string }>;

function columns(projectId: string, resourceId: string): DataTableColumn<ResourceTool>[] {
  const control = (tool: ResourceTool) => ({ projectId, resourceId, toolId: tool.id, label: `${tool.method} ${tool.path}` });
  return [
    { header: "Method", cell: (tool) => <code className="font-mono text-xs font-semibold">{tool.method}</code>, className: "align-top" },
    {
      header: "Path",
      cell: (tool) => <code className="block font-mono text-xs break-all">{tool.path}</code>,
      className: "max-w-64 align-top",
    },
    {
      header: "Summary",
      cell: (tool) => tool.summary || <span className="text-slate-500">—</span>,
      className: "max-w-64 align-top text-slate-700",
    },
    { header: "Tool name", cell: (tool) => <ToolNameForm {...control(tool)} name={tool.name} />, className: "align-top" },
    { header: "Tool", cell: (tool) => <ToolSwitch {...control(tool)} enabled={tool.enabled} />, className: "align-top" },
  ];
}

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
              <DataTable
                columns={columns(projectId, resourceId)}
                rows={tools}
                // Drawn afresh when a rename or a switch is stored: the controls start from the stored values.
                rowKey={(tool) => `${tool.id}:${tool.name}:${tool.enabled}`}
                caption="The document's operations"
              />
            </section>
          )}
        </div>
      </ResourceEditGuard>
    </div>
  );
}
