// POST /projects/:projectId/api/resources/config — imports a resource document as a new draft (201 with its ID); sets no secret.
import { MAX_CONFIG_BODY_BYTES } from "@/lib/as-code/api-schema";
import { importResource } from "@/lib/as-code/resource";
import { secretKeyRoute, withStatus } from "@/lib/api/sdk-route";

export const POST = secretKeyRoute(
  { route: "/projects/[projectId]/api/resources/config", methods: "POST" },
  { body: { notAnObject: "The body must be a resource document: a JSON object.", maxBytes: MAX_CONFIG_BODY_BYTES } },
  async ({ project, actor, body }) => {
    const { resourceId } = await importResource({ projectId: project.id, document: body, actor });
    return withStatus(201, { id: resourceId });
  },
);
