import { CONFIG_RESOURCE_NOT_FOUND_MESSAGE, resourceNameTakenMessage } from "@/lib/as-code/api-schema";
import { errorExample, errorResponse, projectNotFound } from "../../shared";
import { invalidDocument } from "../shared";

// What the resource configuration operations share.

export const resourceConfigNotFound = errorResponse("No project has this ID, or the project has no resource with this ID.", [
  projectNotFound,
  errorExample("resource_not_found", { message: CONFIG_RESOURCE_NOT_FOUND_MESSAGE }),
]);

// What lib/as-code/resource.ts says of a base URL naming an unknown input, and of a secret given a value.
export const invalidResource = invalidDocument("resource", [
  errorExample("invalid_input", {
    fields: {
      "config.request.baseUrl": 'Unknown variable "inputs.tenant".',
      "config.oauth.clientSecret":
        'An import never sets a secret: leave { "$secret": "client_secret" } here and enter the value in the dashboard.',
    },
  }),
]);

const nameTakenMessage = resourceNameTakenMessage("TaskLab");
export const nameTaken = errorResponse(
  "The project already has a resource with this name (case-insensitive) or one with the same identifier.",
  [errorExample("name_taken", { message: nameTakenMessage, fields: { name: nameTakenMessage } })],
);
