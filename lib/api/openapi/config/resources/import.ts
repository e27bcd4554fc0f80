import { configImportedSchema } from "@/lib/as-code/api-schema";
import { configSecurity, jsonResponse, projectIdParameter, projectNotFoundResponse } from "../../shared";
import type { ApiOperation } from "../../types";
import { configBodyErrors, configDescription, configErrors, resourceDocumentBody } from "../shared";
import { invalidResource, nameTaken } from "./shared";

export const importResourceConfig: ApiOperation = {
  path: "/projects/{projectId}/api/resources/config",
  method: "post",
  operation: {
    operationId: "importResourceConfig",
    summary: "Import a resource",
    description: [
      "Creates a draft resource from a document, validated as the wizard validates each step. Never publishes.",
      ...configDescription,
    ].join("\n"),
    tags: ["Configuration"],
    parameters: [projectIdParameter],
    requestBody: resourceDocumentBody("A resource document, as exported"),
    responses: {
      "201": jsonResponse("Imported: the new draft resource's ID.", configImportedSchema),
      "400": invalidResource,
      ...configErrors,
      "404": projectNotFoundResponse,
      "409": nameTaken,
      ...configBodyErrors,
    },
    security: configSecurity,
  },
};
