// GET /projects/:projectId/sdk/me — the Connected User, the published resources with their connection, and the deployed workflows with their enablement.
import { sdkPreflight, sdkRoute } from "@/lib/api/sdk-route";
import { describeSdkUser } from "@/lib/connections/sdk-user";

const ENDPOINT = { route: "/projects/[projectId]/sdk/me", methods: "GET, OPTIONS" };

export const GET = sdkRoute(ENDPOINT, ({ project, userId }) => describeSdkUser({ projectId: project.id, userId }));

export const OPTIONS = sdkPreflight(ENDPOINT);
