// POST /projects/:projectId/api/workflows/config — imports a workflow document as a new draft (201 with its ID), bound to the project's resources by name.
import { MAX_CONFIG_BODY_BYTES } from "@/lib/as-code/api-schema";
import { importWorkflow } from "@/lib/as-code/workflow";
import { secretKeyRoute, withStatus } from "@/lib/api/sdk-route";
import { readJsonObject } from "@/lib/connections/connect-body";

export const POST = secretKeyRoute({ route: "/projects/[projectId]/api/workflows/config", methods: "POST" }, async ({ request, project, actor }) => {
  const document = await readJsonObject(request, "The body must be a workflow document: a JSON object.", MAX_CONFIG_BODY_BYTES);
  const { workflowId } = await importWorkflow({ projectId: project.id, document, actor });
  return withStatus(201, { id: workflowId });
});
