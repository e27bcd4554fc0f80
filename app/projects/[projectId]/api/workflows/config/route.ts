// POST /projects/:projectId/api/workflows/config — imports a workflow document as a new draft (201 with its ID), bound to the project's resources by name.
import { secretKeyRoute } from "@/lib/api/sdk-route";
import { configDocumentBody, importConfigHandler } from "@/lib/as-code/config-api";

export const POST = secretKeyRoute(
  { route: "/projects/[projectId]/api/workflows/config", methods: "POST" },
  { body: configDocumentBody("workflow") },
  importConfigHandler("workflow"),
);
