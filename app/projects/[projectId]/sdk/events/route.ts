// POST /projects/:projectId/sdk/events — send an App Event: starts each deployed workflow on it that is enabled for the user.
import { sdkPreflight, sdkServerRoute, withStatus } from "@/lib/api/sdk-route";
import { readJsonObject } from "@/lib/connections/connect-body";
import { invalidInputError } from "@/lib/errors";
import { appEventSchema, type AppEventAccepted } from "@/lib/workflows/api-schema";
import { sendAppEvent } from "@/lib/workflows/triggers";

const ENDPOINT = { route: "/projects/[projectId]/sdk/events", methods: "POST, OPTIONS" };

export const POST = sdkServerRoute(ENDPOINT, async ({ request, project, caller }) => {
  const parsed = appEventSchema.safeParse(await readJsonObject(request, "The body must be a JSON object: { \"name\", \"payload\" }."));
  if (!parsed.success) throw invalidInputError(parsed.error, "invalid_event");
  const accepted: AppEventAccepted = await sendAppEvent({ projectId: project.id, caller, name: parsed.data.name, payload: parsed.data.payload ?? {} });
  return withStatus(202, accepted);
});

export const OPTIONS = sdkPreflight(ENDPOINT);
