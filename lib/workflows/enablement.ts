import { getUserWorkflowSettings } from "@/db/queries/workflow-runs";
import { setUserWorkflowEnabled } from "@/db/queries/workflows";
import type { Workflow } from "@/db/schema";
import type { AuditActor } from "@/lib/audit/audit-log";
import type { RequestCaller } from "@/lib/connections/request";
import { AppError } from "@/lib/errors";
import type { WorkflowEnablement } from "./api-schema";

// Enablement per Connected User from the SDK (`enableWorkflow`, `disableWorkflow`) and the check
// Replay and Retry make.

/**
 * Sets the caller's user's own setting for a workflow of the project (it then wins over
 * Enabled for all users). A User Token acts for its own user; a Secret Key must name one.
 * `workflowId` is a UUID (the routes check their path's).
 */
export async function setWorkflowEnablement({
  projectId,
  caller,
  workflowId,
  enabled,
  actor,
}: {
  projectId: string;
  caller: RequestCaller;
  workflowId: string;
  enabled: boolean;
  actor: AuditActor;
}): Promise<WorkflowEnablement> {
  if (!caller.userId) throw new AppError("missing_user");
  if (!(await setUserWorkflowEnabled({ projectId, workflowId, userId: caller.userId, enabled, actor })))
    throw new AppError("workflow_not_found");
  return { workflowId, enabled };
}

/**
 * Replay and Retry start a run for the run's user (null: the app) only while the workflow runs
 * for them, as a new run would (runs.ts runnableFor): their own setting, else Enabled for all
 * users. 409 workflow_disabled otherwise.
 */
export async function requireEnabledFor({ workflow, userId }: { workflow: Workflow; userId: string | null }): Promise<void> {
  const own = userId === null ? undefined : (await getUserWorkflowSettings({ workflowIds: [workflow.id], userId })).get(workflow.id);
  if (!(own ?? workflow.enabledForAll)) throw new AppError("workflow_disabled");
}
