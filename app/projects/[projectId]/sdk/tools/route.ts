// GET /projects/:projectId/sdk/tools — the tools the Connected User has (Agents: the Tools API).
import { sdkPreflight, sdkServerRoute } from "@/lib/api/sdk-route";
import { toolContext } from "@/lib/tools/api";
import { listTools } from "@/lib/tools/registry";

const ENDPOINT = { route: "/projects/[projectId]/sdk/tools", methods: "GET, OPTIONS" };

export const GET = sdkServerRoute(ENDPOINT, async (context) => ({ tools: await listTools(toolContext(context)) }));

export const OPTIONS = sdkPreflight(ENDPOINT);
