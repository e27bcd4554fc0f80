// GET /.well-known/oauth-protected-resource/projects/:projectId/mcp — the MCP endpoint's protected-resource metadata (RFC 9728).
import { getProjectRevision } from "@/db/queries/sdk-state";
import { observeRoute, type RouteContext } from "@/lib/api/observe";
import { AppError } from "@/lib/errors";
import { mcpUrls } from "@/lib/tools/mcp";
import { isUuid } from "@/lib/uuid";

/**
 * What an MCP client reads after a 401 to learn how to call the endpoint: a bearer token in the
 * Authorization header. No `authorization_servers`: end users do not get tokens from an OAuth
 * authorization server of ours — the team's backend signs their User Tokens (or calls with a
 * Secret Key and X-Switchboard-User). The project's name is not said: the document is public.
 */
export const GET = observeRoute(
  "/.well-known/oauth-protected-resource/projects/[projectId]/mcp",
  async (_request, context: RouteContext) => {
    const { projectId } = await context.params;
    if (!isUuid(projectId) || (await getProjectRevision({ projectId })) === undefined) throw new AppError("project_not_found");
    return Response.json(
      { resource: mcpUrls(projectId).resource, bearer_methods_supported: ["header"], resource_name: "Switchboard MCP server" },
      // Public, and read by browser-based MCP clients too.
      { headers: { "access-control-allow-origin": "*", "cache-control": "public, max-age=300" } },
    );
  },
);
