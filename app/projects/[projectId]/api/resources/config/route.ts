// POST /projects/:projectId/api/resources/config — imports a resource document as a new draft (201 with its ID); sets no secret.
import { secretKeyRoute } from "@/lib/api/sdk-route";
import { configDocumentBody, importConfigHandler } from "@/lib/as-code/config-api";

export const POST = secretKeyRoute(
  { route: "/projects/[projectId]/api/resources/config", methods: "POST" },
  { body: configDocumentBody("resource") },
  importConfigHandler("resource"),
);
