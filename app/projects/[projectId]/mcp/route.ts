// POST /projects/:projectId/mcp — the Connected User's tools as an MCP server (Streamable HTTP, stateless, JSON answers).
import { observeRoute, type RouteContext } from "@/lib/api/observe";
import { sdkPreflight, sdkServerRoute } from "@/lib/api/sdk-route";
import { handleApiError } from "@/lib/api/errors";
import { ConfigError } from "@/lib/config/env";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { toolContext } from "@/lib/tools/api";
import { handleMcpRequest, mcpUrls } from "@/lib/tools/mcp";

const ENDPOINT = {
  route: "/projects/[projectId]/mcp",
  methods: "POST, OPTIONS",
  // What the SDK's Streamable HTTP client sends after initialize.
  allowHeaders: "mcp-protocol-version, mcp-session-id, last-event-id",
};

// The Connect API's admission (project, Allowed Origins, User Token or Secret Key +
// X-Switchboard-User, rate limits); the body is the MCP transport's to read.
const answer = sdkServerRoute(ENDPOINT, async (context) => handleMcpRequest(toolContext(context), context.request));

/** What a 401 says besides its JSON error: where the agent learns how to authenticate (RFC 9728 §5.1). */
function challenge(projectId: string): string {
  try {
    return `Bearer resource_metadata="${mcpUrls(projectId).metadata}"`;
  } catch (error) {
    // NEXTAUTH_URL unset on PostgreSQL: no public URL to name, still a challenge.
    if (!(error instanceof ConfigError)) throw error;
    log.warn({ error }, "The MCP endpoint's 401 names no resource_metadata: NEXTAUTH_URL is not set");
    return "Bearer";
  }
}

export async function POST(request: Request, context: RouteContext): Promise<Response> {
  const response = await answer(request, context);
  if (response.status === 401) response.headers.set("www-authenticate", challenge((await context.params).projectId ?? ""));
  return response;
}

// A stateless server: no SSE stream to open (GET), no session to end (DELETE).
const notAllowed = observeRoute(ENDPOINT.route, async () =>
  handleApiError(
    new AppError("method_not_allowed", {
      message: "This MCP server is stateless: send JSON-RPC messages with POST. It opens no SSE stream and keeps no session.",
      headers: { allow: "POST" },
    }),
  ),
);
export const GET = notAllowed;
export const DELETE = notAllowed;

export const OPTIONS = sdkPreflight(ENDPOINT);
