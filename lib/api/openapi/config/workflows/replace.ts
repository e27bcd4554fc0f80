import { workflowConfigDocumentSchema } from "@/lib/as-code/api-schema";
import { configSecurity, jsonResponse, projectIdParameter, workflowIdParameter, workflowOrProjectNotFound } from "../../shared";
import type { ApiOperation } from "../../types";
import { configBodyErrors, configDescription, configErrors, workflowDocumentBody } from "../shared";
import { invalidWorkflow, workflowBinding } from "./shared";

export const replaceWorkflowConfig: ApiOperation = {
  path: "/projects/{projectId}/api/workflows/{workflowId}/config",
  method: "put",
  operation: {
    operationId: "replaceWorkflowConfig",
    summary: "Replace a workflow's configuration",
    description: [
      "Replaces the workflow's draft with the document's, validated as the editor validates a save. The deployed version stays in force until Deploy.",
      workflowBinding,
      ...configDescription,
    ].join("\n"),
    tags: ["Configuration"],
    parameters: [projectIdParameter, workflowIdParameter],
    requestBody: workflowDocumentBody("The workflow's new document"),
    responses: {
      "200": jsonResponse("Replaced: the workflow's document now.", workflowConfigDocumentSchema),
      "400": invalidWorkflow,
      ...configErrors,
      "404": workflowOrProjectNotFound,
      ...configBodyErrors,
    },
    security: configSecurity,
  },
};
