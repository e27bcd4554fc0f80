import Link from "next/link";
import { DataTable, type DataTableColumn } from "@/components/ui/data-table";
import type { ProjectOperationTool } from "@/db/queries/resource-tools";
import type { ProjectWorkflowTool } from "@/db/queries/workflows";

// Settings → Agents' table of the tools the project exposes, each with where it comes from: an
// enabled operation of a resource's imported OpenAPI document, or a workflow exposed as a tool.

const linkClassName = "font-medium text-indigo-700 hover:underline";

/** One row of the Tools table: an enabled operation tool, or a workflow exposed as a tool. */
type ToolRow =
  | { kind: "operation"; id: string; name: string; tool: ProjectOperationTool }
  | { kind: "workflow"; id: string; name: string; tool: ProjectWorkflowTool };

type Offer = { text: string; offered: boolean };

/** Who an enabled operation tool is offered to. */
function offeredTo(tool: ProjectOperationTool): Offer {
  if (tool.level === null) return { text: "No one: the resource is not published", offered: false };
  if (tool.level === "user") return { text: "Each user connected to the resource", offered: true };
  return tool.offerToEveryUser
    ? { text: "Every user (App-Level, Offer to every user)", offered: true }
    : { text: "No one: App-Level, not offered to every user", offered: false };
}

/** Who a workflow tool is offered to: none until a deployed version exposes it. */
function workflowOfferedTo(tool: ProjectWorkflowTool): Offer {
  if (!tool.deployedTool) return { text: "No one yet: only the draft exposes it; deploy the workflow to offer it", offered: false };
  const users = tool.enabledForAll ? "Every user the workflow is enabled for" : "The users the workflow is enabled for";
  if (!tool.draftTool) return { text: `${users} (the draft no longer exposes it: the next deploy removes it)`, offered: true };
  if (tool.draftTool.name !== tool.deployedTool.name)
    return { text: `${users} (the draft renames it ${tool.draftTool.name}: offered so once deployed)`, offered: true };
  return { text: users, offered: true };
}

function toolColumns(projectId: string): DataTableColumn<ToolRow>[] {
  return [
    {
      header: "Tool",
      cell: (row) => {
        const summary = row.kind === "operation" ? row.tool.summary : (row.tool.deployedTool ?? row.tool.draftTool)!.description;
        return (
          <>
            <code className="font-mono text-xs font-medium">{row.name}</code>
            {summary && <p className="text-xs text-slate-500">{summary}</p>}
          </>
        );
      },
    },
    {
      header: "From",
      cell: (row) =>
        row.kind === "operation" ? (
          <>
            <Link href={`/projects/${projectId}/resources/${row.tool.resourceId}`} className={linkClassName}>
              {row.tool.resourceName}
            </Link>
            <p className="font-mono text-xs text-slate-600">
              {row.tool.method} {row.tool.path}
            </p>
          </>
        ) : (
          <>
            <Link href={`/projects/${projectId}/workflows/${row.tool.workflowId}`} className={linkClassName}>
              {row.tool.workflowName}
            </Link>
            <p className="text-xs text-slate-600">Request trigger → Tool call</p>
          </>
        ),
    },
    {
      header: "Offered to",
      cell: (row) => {
        const offer = row.kind === "operation" ? offeredTo(row.tool) : workflowOfferedTo(row.tool);
        return <span className={offer.offered ? "text-slate-700" : "text-amber-800"}>{offer.text}</span>;
      },
    },
  ];
}

/** The project's tools by name: its enabled operation tools and its workflows exposed as tools. */
export function ProjectToolsTable({
  projectId,
  operationTools,
  workflowTools,
}: {
  projectId: string;
  operationTools: readonly ProjectOperationTool[];
  workflowTools: readonly ProjectWorkflowTool[];
}) {
  const rows: ToolRow[] = [
    ...operationTools.map((tool): ToolRow => ({ kind: "operation", id: tool.id, name: tool.name, tool })),
    ...workflowTools.map((tool): ToolRow => ({
      kind: "workflow",
      id: tool.workflowId,
      name: (tool.deployedTool ?? tool.draftTool)!.name,
      tool,
    })),
  ].sort((a, b) => a.name.localeCompare(b.name));
  return (
    <DataTable
      columns={toolColumns(projectId)}
      rows={rows}
      rowKey={(row) => `${row.kind}:${row.id}`}
      variant="plain"
      label="Tools"
      empty="No tools yet. Import an OpenAPI document on a resource's Tools tab and turn its operations on, or expose a deployed Request workflow as a tool."
    />
  );
}
