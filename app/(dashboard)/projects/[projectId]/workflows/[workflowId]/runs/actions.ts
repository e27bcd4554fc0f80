"use server";

import { cancelRun as cancelRunInProject, replayRun as replayRunInProject, retryRunFromFailedStep } from "@/lib/workflows/runs";
import { runActionSchema } from "@/lib/workflows/run-view";
import { projectAction } from "@/server/action";

// The Runs tab's actions. Each names a run of the project: lib/workflows/runs.ts looks it up in
// that project (run_not_found otherwise) and throws what the action answers as its formError.

/** **Replay**: a new run with the same input on the deployed version; answers its ID. */
export const replayRun = projectAction(runActionSchema, async ({ projectId, runId }) => {
  const run = await replayRunInProject({ projectId, runId });
  return { ok: true, data: { runId: run.id } };
});

/** **Retry from failed step**: a new run that keeps the steps before the failed one; answers its ID. */
export const retryRun = projectAction(runActionSchema, async ({ projectId, runId }) => {
  const run = await retryRunFromFailedStep({ projectId, runId });
  return { ok: true, data: { runId: run.id } };
});

/** **Cancel**: a queued or delayed run ends Cancelled. */
export const cancelRun = projectAction(runActionSchema, async ({ projectId, runId }) => {
  await cancelRunInProject({ projectId, runId });
  return { ok: true, data: undefined };
});
