// POST /projects/:projectId/api/workflows/config — imports a workflow document as a new draft (201 with its ID), bound to the project's resources by name.
import { MAX_CONFIG_BODY_BYTES } from "@/lib/as-code/api-schema";
import { importWorkflow } from "@/lib/as-code/workflow";
import { secretKeyRoute, withStatus } from "@/lib/api/sdk-route";

export const POST = secretKeyRoute(
  { route: "/projects/[projectId]/api/workflows/config", methods: "POST" },
  { body: { notAnObject: "The body must be a workflow document: a JSON object.", maxBytes: MAX_CONFIG_BODY_BYTES } },
  async ({ project, actor, body }) => {
    const { workflowId } = await importWorkflow({ projectId: project.id, document: body, actor });
    return withStatus(201, { id: workflowId });
  },
);
