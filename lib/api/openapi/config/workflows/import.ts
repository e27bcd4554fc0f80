import { configImportedSchema } from "@/lib/as-code/api-schema";
import { configSecurity, jsonResponse, projectIdParameter, projectNotFoundResponse } from "../../shared";
import type { ApiOperation } from "../../types";
import { configBodyErrors, configDescription, configErrors, workflowDocumentBody } from "../shared";
import { invalidWorkflow, workflowBinding } from "./shared";

export const importWorkflowConfig: ApiOperation = {
  path: "/projects/{projectId}/api/workflows/config",
  method: "post",
  operation: {
    operationId: "importWorkflowConfig",
    summary: "Import a workflow",
    description: [
      "Creates a draft workflow from a document, validated as the editor validates a save. Never deploys.",
      workflowBinding,
      ...configDescription,
    ].join("\n"),
    tags: ["Configuration"],
    parameters: [projectIdParameter],
    requestBody: workflowDocumentBody("A workflow document, as exported"),
    responses: {
      "201": jsonResponse("Imported: the new draft workflow's ID.", configImportedSchema),
      "400": invalidWorkflow,
      ...configErrors,
      "404": projectNotFoundResponse,
      ...configBodyErrors,
    },
    security: configSecurity,
  },
};
