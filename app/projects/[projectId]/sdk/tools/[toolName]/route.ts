// POST /projects/:projectId/sdk/tools/:toolName — calls one of the Connected User's tools with the JSON body as its arguments.
import { sdkPreflight, sdkServerRoute } from "@/lib/api/sdk-route";
import { callToolAnswer, toolContext } from "@/lib/tools/api";

const ENDPOINT = { route: "/projects/[projectId]/sdk/tools/[toolName]", methods: "POST, OPTIONS" };

export const POST = sdkServerRoute(ENDPOINT, { body: { notAnObject: "Send the tool's arguments as one JSON object." } }, async (context) =>
  callToolAnswer(toolContext(context), context.request, context.body),
);

export const OPTIONS = sdkPreflight(ENDPOINT);
