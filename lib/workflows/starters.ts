import { listResourceIdsAtLevel } from "@/db/queries/resources";
import type { Workflow } from "@/db/schema";
import type { StoredWorkflowDefinition } from "@/db/workflow-definition";
import type { RequestCaller } from "@/lib/connections/request";
import { AppError } from "@/lib/errors";
import { SECRET_KEY_REQUIRED_TO_START } from "./api-schema";
import { stepResourceIds } from "./steps";
import { allSteps } from "./tree";

// Who may start a workflow (DESIGN.md, Security rules). A User Token acts for its own user only:
// it may not send requests with an App-Level resource (the request route answers 403
// secret_key_required), so neither may it start a workflow that does, unless the team says so.

export interface StartCandidate {
  workflow: Pick<Workflow, "id" | "endUsersMayStart">;
  /** The definition a run would use (the deployed version's). */
  definition: StoredWorkflowDefinition;
}

/** The resources a definition sends requests through or listens to: its steps' (Request steps) and its Resource Trigger's. */
function resourcesUsed(definition: StoredWorkflowDefinition): string[] {
  const ids = allSteps(definition).flatMap(stepResourceIds);
  if (definition.trigger?.kind === "resource_event") ids.push(definition.trigger.resourceId);
  return ids;
}

/**
 * The one rule for who starts a workflow: one whose definition uses an App-Level resource (a
 * Request step through it, or its Resource Trigger) is started by the team's backend (a Secret
 * Key) or the system only, unless the team turned on **End users may start this workflow**.
 * Answers the IDs of the candidates `caller` may not start: none for a Secret Key, and one query
 * at most for a User Token.
 */
export async function workflowsClosedTo({
  projectId,
  caller,
  candidates,
}: {
  projectId: string;
  caller: RequestCaller;
  candidates: readonly StartCandidate[];
}): Promise<Set<string>> {
  if (caller.kind !== "user_token") return new Set();
  const guarded = candidates.filter((candidate) => !candidate.workflow.endUsersMayStart);
  const resourceIds = [...new Set(guarded.flatMap((candidate) => resourcesUsed(candidate.definition)))];
  const appLevel = new Set(await listResourceIdsAtLevel({ projectId, resourceIds, level: "app" }));
  return new Set(
    guarded
      .filter((candidate) => resourcesUsed(candidate.definition).some((id) => appLevel.has(id)))
      .map((candidate) => candidate.workflow.id),
  );
}

/** What a User Token hears when it tries to start a workflow closed to it. */
export function secretKeyRequiredToStart(): AppError {
  return new AppError("secret_key_required", { message: SECRET_KEY_REQUIRED_TO_START });
}
