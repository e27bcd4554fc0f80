import { workflowEnablement } from "./enablement";

export const enableWorkflow = workflowEnablement(true);
