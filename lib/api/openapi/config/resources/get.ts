import { resourceConfigDocumentSchema } from "@/lib/as-code/api-schema";
import { configSecurity, jsonResponse, projectIdParameter } from "../../shared";
import type { ApiOperation } from "../../types";
import { configDescription, configErrors, configResourceIdParameter } from "../shared";
import { resourceConfigNotFound } from "./shared";

export const getResourceConfig: ApiOperation = {
  path: "/projects/{projectId}/api/resources/{resourceId}/config",
  method: "get",
  operation: {
    operationId: "getResourceConfig",
    summary: "Export a resource's configuration",
    description: [
      "The resource's draft configuration and webhook settings as a document, to keep in version control or import into another project.",
      ...configDescription,
    ].join("\n"),
    tags: ["Configuration"],
    parameters: [projectIdParameter, configResourceIdParameter],
    responses: {
      "200": jsonResponse("The resource's document.", resourceConfigDocumentSchema),
      ...configErrors,
      "404": resourceConfigNotFound,
    },
    security: configSecurity,
  },
};
