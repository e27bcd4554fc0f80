import { type DeployedWorkflow, getRun, listDeployedWorkflowsForAppEvent, listRunSteps } from "@/db/queries/workflow-runs";
import type { WorkflowRun, WorkflowRunStep } from "@/db/schema";
import type { StoredRunAnswer, StoredRunTrigger } from "@/db/workflow-definition";
import type { RequestCaller } from "@/lib/connections/request";
import { AppError } from "@/lib/errors";
import { REQUEST_RUN_WAIT_MS, TOOL_CALL_WAIT_MS } from "./api-schema";
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
  const closed = await workflowsClosedTo({
    projectId,
    caller,
    candidates: deployed.map((entry) => ({ workflow: entry.workflow, definition: entry.version.definition })),
  });
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
      newRun({
        workflow: entry.workflow,
        version: entry.version.version,
        userId: caller.userId ?? null,
        trigger: { kind: "app_event", input: { name, payload } },
      }),
    ),
  );
  return { runIds: runs.map((run) => run.id) };
}

export interface RequestRunAnswer {
  runId: string;
  status: string;
  /** The output of the last step that finished outside a Fan Out's items. */
  output: unknown;
}

/**
 * How a Request run answers its caller: started (no wait, or the wait ran out), what its Response
 * step answered (as soon as it did), or, without one, how it ended.
 */
export type RequestRunResult =
  | { kind: "started"; runId: string }
  | { kind: "answered"; runId: string; answer: StoredRunAnswer }
  | { kind: "ended"; answer: RequestRunAnswer };

/** The output of the run's last step to finish outside a Fan Out's items (steps are a tree: position is not the order they ran in). */
function lastStepOutput(steps: readonly WorkflowRunStep[]): unknown {
  const [last] = steps
    .filter((step) => step.item === -1 && step.finishedAt)
    .sort((a, b) => b.finishedAt!.getTime() - a.finishedAt!.getTime() || b.position - a.position);
  return last?.output ?? null;
}

/** What a waiting caller hears of a run that answered or ended; undefined while it goes on without an answer. */
async function settledResult(run: WorkflowRun): Promise<RequestRunResult | undefined> {
  if (run.answer) return { kind: "answered", runId: run.id, answer: run.answer };
  if (!FINISHED.has(run.status)) return undefined;
  return { kind: "ended", answer: { runId: run.id, status: run.status, output: lastStepOutput(await listRunSteps({ runId: run.id })) } };
}

/**
 * Starts a run of a deployed Request-triggered workflow for the caller's user (who may start it and
 * has it enabled) with `trigger`; with `wait`, answers what its Response step answered as soon as
 * it does, or else, once it ends, its last step's output (within `waitMs`).
 */
async function startDeployedRequestRun({
  projectId,
  caller,
  entry,
  trigger,
  wait,
  waitMs,
}: {
  projectId: string;
  caller: RequestCaller;
  entry: DeployedWorkflow;
  trigger: StoredRunTrigger;
  wait: boolean;
  waitMs: number;
}): Promise<RequestRunResult> {
  if (entry.version.triggerKind !== "request") throw new AppError("wrong_trigger");
  if (
    (await workflowsClosedTo({ projectId, caller, candidates: [{ workflow: entry.workflow, definition: entry.version.definition }] })).size
  ) {
    throw secretKeyRequiredToStart();
  }
  const { runnable, needsUser } = await runnableFor(projectId, [entry], caller.userId);
  if (needsUser.length) throw new AppError("missing_user");
  if (!runnable.length) throw new AppError("workflow_disabled");
  // Held before the run starts: a refused wait starts nothing.
  const release = wait ? holdWait({ projectId, userId: caller.userId }) : () => {};
  try {
    const [run] = await startRuns([
      newRun({ workflow: entry.workflow, version: entry.version.version, userId: caller.userId ?? null, trigger }),
    ]);
    const runId = run!.id;
    if (!wait) return { kind: "started", runId };
    // An answer is notified like an end (migration 0020): the caller need not wait for the steps after the Response.
    const settled = await waitForRunEnd({
      runId,
      deadline: Date.now() + waitMs,
      readEnded: async () => {
        const current = await getRun({ projectId, runId });
        return current && (current.answer || FINISHED.has(current.status)) ? current : undefined;
      },
    });
    return (settled && (await settledResult(settled))) ?? { kind: "started", runId };
  } finally {
    release();
  }
}

/**
 * Request trigger: starts a run with `body` as `trigger.body`; with `wait`, answers what its
 * Response step answered as soon as it does, or else, once it ends, its last step's output (≤ 30 s).
 */
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
}): Promise<RequestRunResult> {
  const entry = await requireDeployedWorkflow(projectId, workflowId);
  return startDeployedRequestRun({ projectId, caller, entry, trigger: { kind: "request", input: { body } }, wait, waitMs });
}

/**
 * A workflow exposed as a tool, called (lib/tools/workflow-tools.ts): a run of its deployed
 * version for the caller's user with the arguments as `trigger.body` (trigger Tool call), waited
 * for as a Request run with ?wait=true is, for at most `waitMs` (TOOL_CALL_WAIT_MS).
 */
export function startToolCallRun({
  projectId,
  caller,
  entry,
  args,
  waitMs = TOOL_CALL_WAIT_MS,
}: {
  projectId: string;
  caller: RequestCaller;
  entry: DeployedWorkflow;
  args: Record<string, unknown>;
  waitMs?: number;
}): Promise<RequestRunResult> {
  return startDeployedRequestRun({ projectId, caller, entry, trigger: { kind: "tool_call", input: { body: args } }, wait: true, waitMs });
}

/** A run of the project as a waiting caller would hear of it now: answered, ended, or still going (started); undefined when there is none. */
export async function readRequestRunResult({
  projectId,
  runId,
}: {
  projectId: string;
  runId: string;
}): Promise<{ run: WorkflowRun; result: RequestRunResult } | undefined> {
  const run = await getRun({ projectId, runId });
  if (!run) return undefined;
  return { run, result: (await settledResult(run)) ?? { kind: "started", runId } };
}
