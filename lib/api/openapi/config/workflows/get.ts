import { workflowConfigDocumentSchema } from "@/lib/as-code/api-schema";
import { configSecurity, jsonResponse, projectIdParameter, workflowIdParameter, workflowOrProjectNotFound } from "../../shared";
import type { ApiOperation } from "../../types";
import { configDescription, configErrors } from "../shared";
import { workflowBinding } from "./shared";

export const getWorkflowConfig: ApiOperation = {
  path: "/projects/{projectId}/api/workflows/{workflowId}/config",
  method: "get",
  operation: {
    operationId: "getWorkflowConfig",
    summary: "Export a workflow's configuration",
    description: [
      "The workflow's draft (name, Sample trigger input, trigger, steps) as a document.",
      workflowBinding,
      ...configDescription,
    ].join("\n"),
    tags: ["Configuration"],
    parameters: [projectIdParameter, workflowIdParameter],
    responses: {
      "200": jsonResponse("The workflow's document.", workflowConfigDocumentSchema),
      ...configErrors,
      "404": workflowOrProjectNotFound,
    },
    security: configSecurity,
  },
};
