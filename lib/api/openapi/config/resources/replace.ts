import { resourceConfigDocumentSchema } from "@/lib/as-code/api-schema";
import { configSecurity, jsonResponse, projectIdParameter } from "../../shared";
import type { ApiOperation } from "../../types";
import { configBodyErrors, configDescription, configErrors, configResourceIdParameter, resourceDocumentBody } from "../shared";
import { invalidResource, nameTaken, resourceConfigNotFound } from "./shared";

export const replaceResourceConfig: ApiOperation = {
  path: "/projects/{projectId}/api/resources/{resourceId}/config",
  method: "put",
  operation: {
    operationId: "replaceResourceConfig",
    summary: "Replace a resource's configuration",
    description: [
      "Replaces the resource's draft configuration and webhook settings with the document's, validated as the wizard validates each step. The published configuration stays in force until Finish publishes the draft.",
      "A saved secret the new configuration would send elsewhere (a new Access Token URL or API Base URL origin, another level or signature) is dropped, to be entered again.",
      ...configDescription,
    ].join("\n"),
    tags: ["Configuration"],
    parameters: [projectIdParameter, configResourceIdParameter],
    requestBody: resourceDocumentBody("The resource's new document"),
    responses: {
      "200": jsonResponse("Replaced: the resource's document now.", resourceConfigDocumentSchema),
      "400": invalidResource,
      ...configErrors,
      "404": resourceConfigNotFound,
      "409": nameTaken,
      ...configBodyErrors,
    },
    security: configSecurity,
  },
};
