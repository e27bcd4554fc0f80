// POST /projects/:projectId/api/resources/config — imports a resource document as a new draft (201 with its ID); sets no secret.
import { MAX_CONFIG_BODY_BYTES } from "@/lib/as-code/api-schema";
import { importResource } from "@/lib/as-code/resource";
import { secretKeyRoute, withStatus } from "@/lib/api/sdk-route";
import { readJsonObject } from "@/lib/connections/connect-body";

export const POST = secretKeyRoute({ route: "/projects/[projectId]/api/resources/config", methods: "POST" }, async ({ request, project, actor }) => {
  const document = await readJsonObject(request, "The body must be a resource document: a JSON object.", MAX_CONFIG_BODY_BYTES);
  const { resourceId } = await importResource({ projectId: project.id, document, actor });
  return withStatus(201, { id: resourceId });
});
