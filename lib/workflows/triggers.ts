import { getRun, listDeployedWorkflowsForAppEvent, listRunSteps } from "@/db/queries/workflow-runs";
import type { RequestCaller } from "@/lib/connections/request";
import { AppError } from "@/lib/errors";
import { REQUEST_RUN_WAIT_MS } from "./api-schema";
import { requireDeployedWorkflow, runnableFor, startRuns } from "./runs";

// The App Event and Request triggers (the Scheduler's ticks come from the job queue: runs.ts).

const FINISHED = new Set(["succeeded", "failed", "stopped", "cancelled"]);

/**
 * App Event: starts a run of every deployed workflow on this event that is enabled for the user.
 * A User Token names its own user; a Secret Key names one in X-Switchboard-User, or none for
 * workflows on App-Level resources only.
 */
export async function sendAppEvent({
  projectId,
  caller,
  name,
  payload,
}: {
  projectId: string;
  caller: RequestCaller;
  name: string;
  payload: Record<string, unknown>;
}): Promise<{ runIds: string[] }> {
  const deployed = await listDeployedWorkflowsForAppEvent({ projectId, name, forUser: caller.userId });
  const { runnable, needsUser } = await runnableFor(projectId, deployed, caller.userId);
  if (needsUser.length && !runnable.length) throw new AppError("missing_user");
  const runs = await startRuns(
    runnable.map((entry) => ({
      projectId,
      workflowId: entry.workflow.id,
      version: entry.version.version,
      userId: caller.userId ?? null,
      trigger: { kind: "app_event", input: { name, payload } },
    })),
  );
  return { runIds: runs.map((run) => run.id) };
}

const WAIT_POLL_MS = 100;

export interface RequestRunAnswer {
  runId: string;
  status?: string;
  /** The last step's output, when the run finished within the wait. */
  output?: unknown;
}

/** Request trigger: starts a run with `body` as `trigger.body`; with `wait`, answers its last step's output once it finishes (≤ 30 s). */
export async function startRequestRun({
  projectId,
  caller,
  workflowId,
  body,
  wait,
  waitMs = REQUEST_RUN_WAIT_MS,
}: {
  projectId: string;
  caller: RequestCaller;
  workflowId: string;
  body: unknown;
  wait: boolean;
  waitMs?: number;
}): Promise<{ finished: boolean; answer: RequestRunAnswer }> {
  const entry = await requireDeployedWorkflow(projectId, workflowId);
  if (entry.version.triggerKind !== "request") throw new AppError("wrong_trigger");
  const { runnable, needsUser } = await runnableFor(projectId, [entry], caller.userId);
  if (needsUser.length) throw new AppError("missing_user");
  if (!runnable.length) throw new AppError("workflow_disabled");
  const [run] = await startRuns([
    { projectId, workflowId, version: entry.version.version, userId: caller.userId ?? null, trigger: { kind: "request", input: { body } } },
  ]);
  if (!wait) return { finished: false, answer: { runId: run!.id } };
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    const current = await getRun({ projectId, runId: run!.id });
    if (current && FINISHED.has(current.status)) {
      const steps = await listRunSteps({ runId: run!.id });
      return { finished: true, answer: { runId: run!.id, status: current.status, output: steps.at(-1)?.output ?? null } };
    }
    await new Promise((resolve) => setTimeout(resolve, WAIT_POLL_MS));
  }
  return { finished: false, answer: { runId: run!.id } };
}
