import type { Metadata } from "next";
import { Card } from "@/components/ui/card";
import { CodeBlock } from "@/components/ui/code-block";
import { CopyButton } from "@/components/ui/copy-button";
import { ProjectToolsTable } from "@/components/agents/project-tools-table";
import { listProjectOperationTools } from "@/db/queries/resource-tools";
import { listProjectWorkflowTools } from "@/db/queries/workflows";
import { ConfigError } from "@/lib/config/env";
import { mcpClientConfiguration, mcpUrls } from "@/lib/tools/mcp";
import { RUN_STATUS_TOOL_NAME } from "@/lib/workflows/workflow-tool";
import { requireProjectAccess } from "@/server/require-user";

export const metadata: Metadata = { title: "Agents" };

/** The MCP URL, or its path and what to configure when the app has no public URL (NEXTAUTH_URL). */
function shownMcpUrl(projectId: string): { url: string; problem: string | null } {
  try {
    return { url: mcpUrls(projectId).resource, problem: null };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { url: `/projects/${projectId}/mcp`, problem: error.message };
  }
}

export default async function AgentsPage({ params }: { params: Promise<{ projectId: string }> }) {
  const { projectId } = await params;
  // Owners and members alike may read it: it changes nothing.
  await requireProjectAccess(projectId);
  const [operationTools, workflowTools] = await Promise.all([
    listProjectOperationTools({ projectId }),
    listProjectWorkflowTools({ projectId }),
  ]);
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

      <Card
        title="Tools"
        description="What this project offers agents; each user sees only the tools of the resources they are connected to and of the workflows enabled for them."
      >
        <div className="space-y-3">
          <ProjectToolsTable projectId={projectId} operationTools={operationTools} workflowTools={workflowTools} />
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
