import { getRun, listDeployedWorkflowsForAppEvent, listRunSteps } from "@/db/queries/workflow-runs";
import type { RequestCaller } from "@/lib/connections/request";
import { AppError } from "@/lib/errors";
import { REQUEST_RUN_WAIT_MS } from "./api-schema";
import { holdWait, waitForRunEnd } from "./run-waits";
import { newRun, requireDeployedWorkflow, runnableFor, startRuns } from "./runs";
import { secretKeyRequiredToStart, workflowsClosedTo } from "./starters";

// The App Event and Request triggers (the Scheduler's ticks come from the job queue: runs.ts).

const FINISHED = new Set(["succeeded", "failed", "stopped", "cancelled"]);

/**
 * App Event: starts a run of every deployed workflow on this event that is enabled for the user.
 * A User Token names its own user and starts none of the workflows closed to it (starters.ts); a
 * Secret Key names one in X-Switchboard-User, or none for workflows on App-Level resources only.
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
  const closed = await workflowsClosedTo({ projectId, caller, candidates: deployed.map((entry) => ({ workflow: entry.workflow, definition: entry.version.definition })) });
  // A User Token starts only the workflows it may; when the event has no other, it hears why nothing ran.
  if (closed.size && closed.size === deployed.length) throw secretKeyRequiredToStart();
  const { runnable, needsUser } = await runnableFor(
    projectId,
    deployed.filter((entry) => !closed.has(entry.workflow.id)),
    caller.userId,
  );
  if (needsUser.length && !runnable.length) throw new AppError("missing_user");
  const runs = await startRuns(
    runnable.map((entry) =>
      newRun({ workflow: entry.workflow, version: entry.version.version, userId: caller.userId ?? null, trigger: { kind: "app_event", input: { name, payload } } }),
    ),
  );
  return { runIds: runs.map((run) => run.id) };
}

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
  if ((await workflowsClosedTo({ projectId, caller, candidates: [{ workflow: entry.workflow, definition: entry.version.definition }] })).size) {
    throw secretKeyRequiredToStart();
  }
  const { runnable, needsUser } = await runnableFor(projectId, [entry], caller.userId);
  if (needsUser.length) throw new AppError("missing_user");
  if (!runnable.length) throw new AppError("workflow_disabled");
  // Held before the run starts: a refused wait starts nothing.
  const release = wait ? holdWait({ projectId, userId: caller.userId }) : () => {};
  try {
    const [run] = await startRuns([
      newRun({ workflow: entry.workflow, version: entry.version.version, userId: caller.userId ?? null, trigger: { kind: "request", input: { body } } }),
    ]);
    const runId = run!.id;
    if (!wait) return { finished: false, answer: { runId } };
    const ended = await waitForRunEnd({
      runId,
      deadline: Date.now() + waitMs,
      readEnded: async () => {
        const current = await getRun({ projectId, runId });
        return current && FINISHED.has(current.status) ? current : undefined;
      },
    });
    if (!ended) return { finished: false, answer: { runId } };
    const steps = await listRunSteps({ runId });
    return { finished: true, answer: { runId, status: ended.status, output: steps.at(-1)?.output ?? null } };
  } finally {
    release();
  }
}
