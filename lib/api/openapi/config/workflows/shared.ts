import { missingResourceField, missingResourcesMessage } from "@/lib/as-code/api-schema";
import { errorExample } from "../../shared";
import { invalidDocument } from "../shared";

// What the workflow configuration operations share.

export const workflowBinding =
  "Resources are named by name (resource): on import, each is bound to the project's resource of that name (case-insensitive); missing ones are listed.";

/** What a workflow document whose first step names a resource the project does not have hears. */
export const invalidWorkflow = invalidDocument("workflow", [
  errorExample("invalid_input", {
    message: missingResourcesMessage(["TaskLab"]),
    fields: { "steps.0.resource": missingResourceField("TaskLab") },
  }),
]);
