// POST /projects/:projectId/sdk/connect-sessions — a single-use Connect Portal session for one user and resource.
import { sdkPreflight, sdkServerRoute, withStatus } from "@/lib/api/sdk-route";
import { connectSessionBodySchema } from "@/lib/connect-portal/api-schema";
import { connectSessionOrigin, createConnectSession } from "@/lib/connect-portal/sessions";
import { AppError } from "@/lib/errors";
import { currentProjectState } from "@/lib/projects/sdk-state";

const ENDPOINT = { route: "/projects/[projectId]/sdk/connect-sessions", methods: "POST, OPTIONS" };

export const POST = sdkServerRoute(
  ENDPOINT,
  { body: { schema: connectSessionBodySchema, invalid: "invalid_input" } },
  async ({ request, project, caller, body }) => {
    if (!caller.userId) throw new AppError("missing_user");
    const state = await currentProjectState(project.id);
    const origin = connectSessionOrigin({
      caller,
      headerOrigin: request.headers.get("origin"),
      bodyOrigin: body.origin,
      allowedOrigins: state?.allowedOrigins ?? [],
    });
    const created = await createConnectSession({ projectId: project.id, resourceId: body.resourceId, userId: caller.userId, origin });
    return withStatus(201, created);
  },
);

export const OPTIONS = sdkPreflight(ENDPOINT);
