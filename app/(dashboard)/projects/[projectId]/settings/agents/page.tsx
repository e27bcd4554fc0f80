import type { Metadata } from "next";
import Link from "next/link";
import { Card } from "@/components/ui/card";
import { DataTable, type DataTableColumn } from "@/components/ui/data-table";
import { CodeBlock } from "@/components/ui/code-block";
import { CopyButton } from "@/components/ui/copy-button";
import { listProjectOperationTools, type ProjectOperationTool } from "@/db/queries/resource-tools";
import { listProjectWorkflowTools, type ProjectWorkflowTool } from "@/db/queries/workflows";
import { ConfigError } from "@/lib/config/env";
import { mcpClientConfiguration, mcpUrls } from "@/lib/tools/mcp";
import { RUN_STATUS_TOOL_NAME } from "@/lib/workflows/workflow-tool";
import { requireProjectAccess } from "@/server/require-user";

export const metadata: Metadata = { title: "Agents" };

const linkClassName = "font-medium text-indigo-700 hover:underline";

/** The MCP URL, or its path and what to configure when the app has no public URL (NEXTAUTH_URL). */
function shownMcpUrl(projectId: string): { url: string; problem: string | null } {
  try {
    return { url: mcpUrls(projectId).resource, problem: null };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { url: `/projects/${projectId}/mcp`, problem: error.message };
  }
}

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

export default async function AgentsPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  // Owners and members alike may read it: it changes nothing.
  await requireProjectAccess(projectId);
  const [operationTools, workflowTools] = await Promise.all([
    listProjectOperationTools({ projectId }),
    listProjectWorkflowTools({ projectId }),
  ]);
  const rows: ToolRow[] = [
    ...operationTools.map((tool): ToolRow => ({ kind: "operation", id: tool.id, name: tool.name, tool })),
    ...workflowTools.map((tool): ToolRow => ({
      kind: "workflow",
      id: tool.workflowId,
      name: (tool.deployedTool ?? tool.draftTool)!.name,
      tool,
    })),
  ].sort((a, b) => a.name.localeCompare(b.name));
  const { url, problem } = shownMcpUrl(projectId);

  return (
    <div className="max-w-4xl space-y-6">
      <div>
        <h2 className="text-lg font-semibold">Agents</h2>
        <p className="mt-1 text-sm text-slate-600">
          An AI agent acts for one of your users through that user&apos;s own connections: it lists the tools the user has and calls them.
          Each call is a request through the user&apos;s connection, with refresh, the network policy, retries and the Connect API&apos;s
          rate limits.
        </p>
      </div>

      <Card title="MCP URL" description="Streamable HTTP, stateless, JSON answers: tools/list and tools/call.">
        <div className="space-y-3">
          <div className="flex items-center gap-2">
            <code data-testid="mcp-url" className="min-w-0 flex-1 truncate rounded-md bg-slate-100 px-3 py-2 font-mono text-xs">
              {url}
            </code>
            <CopyButton value={url} label="Copy MCP URL" />
          </div>
          {problem && (
            <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
              {problem}
            </p>
          )}
          <div className="text-sm text-slate-600">
            <p>The agent authenticates as one user, with either:</p>
            <ul className="mt-1 list-disc space-y-1 pl-5">
              <li>
                the user&apos;s User Token (the one your backend signs for the SDK) as <code>Authorization: Bearer …</code>;
              </li>
              <li>
                or, from your own servers, a Secret Key as <code>Authorization: Bearer sk_…</code> with the user&apos;s ID in{" "}
                <code>X-Switchboard-User</code>.
              </li>
            </ul>
            <p className="mt-2">
              A browser page may call it only from an Allowed Origin. Agent frameworks that call functions themselves can use the Tools API
              instead: <code>GET /projects/{projectId}/sdk/tools</code>.
            </p>
          </div>
        </div>
      </Card>

      <Card
        title="Client configuration"
        description="For an MCP client that sends a bearer token: put the user's User Token in place of <User Token>."
      >
        <CodeBlock
          code={mcpClientConfiguration(url)}
          language="json"
          label="MCP client configuration"
          copyLabel="Copy client configuration"
        />
      </Card>

      <Card title="Tools" description="What this project offers agents; each user sees only those of the resources they are connected to.">
        <div className="space-y-3">
          <DataTable
            columns={toolColumns(projectId)}
            rows={rows}
            rowKey={(row) => `${row.kind}:${row.id}`}
            variant="plain"
            label="Tools"
            empty="No tools yet. Import an OpenAPI document on a resource's Tools tab and turn its operations on, or expose a deployed Request workflow as a tool."
          />
          {workflowTools.length > 0 && (
            <p className="text-sm text-slate-600">
              With workflow tools, agents also get <code className="font-mono text-xs">{RUN_STATUS_TOOL_NAME}</code>: a workflow tool whose
              run is still going after 30 seconds answers with its run ID, and{" "}
              <code className="font-mono text-xs">{RUN_STATUS_TOOL_NAME}</code> answers later.
            </p>
          )}
        </div>
      </Card>
    </div>
  );
}
