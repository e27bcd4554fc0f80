// GET /projects/:projectId/sdk/me — the Connected User and the project's published resources with their connection.
import { sdkPreflight, sdkRoute } from "@/lib/api/sdk-route";
import { describeSdkUser } from "@/lib/connections/sdk-user";

const METHODS = "GET, OPTIONS";

export const GET = sdkRoute(METHODS, ({ project, userId }) => describeSdkUser({ projectId: project.id, userId }));

export const OPTIONS = sdkPreflight(METHODS);
