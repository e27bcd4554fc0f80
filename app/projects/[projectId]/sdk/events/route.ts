// POST /projects/:projectId/sdk/events — send an App Event: starts each deployed workflow on it that is enabled for the user.
import { sdkPreflight, sdkServerRoute, withStatus } from "@/lib/api/sdk-route";
import { appEventSchema, type AppEventAccepted, EVENT_NOT_AN_OBJECT_MESSAGE } from "@/lib/workflows/api-schema";
import { sendAppEvent } from "@/lib/workflows/triggers";

const ENDPOINT = { route: "/projects/[projectId]/sdk/events", methods: "POST, OPTIONS" };

export const POST = sdkServerRoute(
  ENDPOINT,
  { body: { schema: appEventSchema, invalid: "invalid_event", notAnObject: EVENT_NOT_AN_OBJECT_MESSAGE } },
  async ({ project, caller, body }) => {
    const accepted: AppEventAccepted = await sendAppEvent({ projectId: project.id, caller, name: body.name, payload: body.payload ?? {} });
    return withStatus(202, accepted);
  },
);

export const OPTIONS = sdkPreflight(ENDPOINT);
