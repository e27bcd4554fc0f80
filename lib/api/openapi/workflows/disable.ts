import { workflowEnablement } from "./enablement";

export const disableWorkflow = workflowEnablement(false);
