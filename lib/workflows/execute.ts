import type { Connection } from "@/db/schema";
import { getResource } from "@/db/queries/resources";
import { failRunAtLostStep, finishStep, type StartedStepAttempt, startStepAttempt } from "@/db/queries/workflow-runs";
import { getWorkflow, saveLastTestOutputs } from "@/db/queries/workflows";
import type { StoredStep, StoredStepAttempt } from "@/db/workflow-definition";
import { outboundPolicy } from "@/lib/connections/request";
import { type DescribedRequest, openConnectionSession, type SessionTarget } from "@/lib/connections/session";
import { AppError } from "@/lib/errors";
import { notifyRunFailed } from "@/lib/notifications/events";
import type { OutboundPolicy } from "@/lib/http/client";
import { countFinishedRun } from "@/lib/metrics/registry";
import { projectStateAt } from "@/lib/projects/sdk-state";
import { publishedResourceAt } from "@/lib/resources/runtime";
import { enqueueStep, type StepJob } from "./jobs";
import { STEP_QUEUE_OPTIONS } from "./step-queue";
import { type StepOutcome, type StepRunContext, stepModule } from "./steps";
import type { StepResponse, StepSend } from "./steps/module";
import type { RunContext } from "./variables";

// Runs steps: one try of a step (runStep) for a run's step job and for the editor's Test alike.
// What a step does is its module's (lib/workflows/steps); what differs between a run and a Test
// is only what they give it (StepRunContext: the connection, the variables) and what they do with
// its outcome (OutcomeHandlers: a run stores it and enqueues what comes next, Test shows it).

export { MAX_STORED_BODY_BYTES } from "./steps/request";

type Outcome<Kind extends StepOutcome["kind"]> = Extract<StepOutcome, { kind: Kind }>;

/** What a run or a Test does with each outcome of a step's try. */
interface OutcomeHandlers<Result> {
  next(outcome: Outcome<"next">): Promise<Result>;
  retry(outcome: Outcome<"retry">): Promise<Result>;
  stop(outcome: Outcome<"stop">): Promise<Result>;
  fail(outcome: Outcome<"fail">): Promise<Result>;
}

/**
 * One try of a step, its outcome handed to a run's or a Test's handlers. `wait_children` is
 * declared for steps that start steps of their own (Fan Out, to come); no step type returns it
 * yet, so such a step fails, named.
 */
async function runStep<Result>(step: StoredStep, context: StepRunContext, handlers: OutcomeHandlers<Result>): Promise<Result> {
  const outcome = await stepModule(step.type).run(step, context);
  switch (outcome.kind) {
    case "next":
      return handlers.next(outcome);
    case "retry":
      return handlers.retry(outcome);
    case "stop":
      return handlers.stop(outcome);
    case "fail":
      return handlers.fail(outcome);
    case "wait_children":
      return handlers.fail({ kind: "fail", error: `A ${step.type} step cannot wait for steps of its own: no step type does yet.` });
  }
}

/**
 * A session's send as steps use it, through one resource: the connection session opens at the
 * first call (its errors are the step's to classify).
 */
function sessionSend(open: () => ReturnType<typeof openConnectionSession>): StepSend {
  return async (call) => {
    const session = await open();
    const { request, response } = await session.send(call);
    return { request, response: { status: response.status, headers: response.headers, body: response.body, durationMs: response.durationMs } };
  };
}

/** The variables of a run: its trigger's input, its user (with the profile of their connection to the first Request step's resource) and the outputs of the steps done. */
function runContext(run: StartedStepAttempt["run"], connection: Connection | undefined, done: StartedStepAttempt["done"]): RunContext {
  const outputs = Object.fromEntries(done.filter((step) => step.output).map((step) => [step.stepKey, step.output]));
  return { trigger: run.trigger.input, user: { id: run.userId, profile: connection?.profile ?? {} }, steps: outputs };
}

/** A try as a run records it: what it sent and received, and its error unless it succeeded. */
function attemptRecord(startedAt: string, outcome: Outcome<"next" | "retry" | "fail">): StoredStepAttempt {
  const attempt = outcome.attempt;
  if (!attempt) return { startedAt, durationMs: 0 };
  return {
    startedAt,
    durationMs: attempt.durationMs,
    ...(attempt.request ? { request: attempt.request } : {}),
    ...(attempt.response ? { status: attempt.response.status } : {}),
    ...(outcome.kind === "next" ? {} : { error: outcome.error }),
  };
}

/** finishStep, counting the run in the metrics when it ends here. */
async function finishRunStep(args: Parameters<typeof finishStep>[0]): Promise<void> {
  const written = await finishStep(args);
  const status = args.run?.status;
  if (written && (status === "succeeded" || status === "failed" || status === "stopped")) countFinishedRun(status);
}

/**
 * Executes one step of a run (one job). The attempt is counted before anything is sent, so a
 * worker killed mid-request leaves a visible attempt and pg-boss retries the job elsewhere;
 * whatever the step ends with, and the job for what comes next, are written in one transaction.
 */
export async function executeStepJob({ runId, position }: StepJob): Promise<void> {
  const attemptStartedAt = new Date().toISOString();
  const started = await startStepAttempt({ runId, position, attemptStartedAt });
  if (!started) return; // cancelled, or already over
  const { run, definition, done, connection } = started;
  const steps = definition.steps;
  const step = steps[position]!;
  // Attempts before this one that never ended: their worker stopped (a crash, a deploy).
  const attempts = started.attempts.map((attempt, index) =>
    index < started.attempts.length - 1 && attempt.durationMs === 0 && attempt.status === undefined && !attempt.error
      ? { ...attempt, error: "The worker stopped during this attempt; it was tried again." }
      : attempt,
  );
  const withThisAttempt = (outcome: Outcome<"next" | "retry" | "fail">) => [...attempts.slice(0, -1), attemptRecord(attemptStartedAt, outcome)];
  const isLast = position === steps.length - 1;

  const context: StepRunContext = {
    variables: runContext(run, connection, done),
    attempt: attempts.length,
    now: Date.now,
    idempotencyKey: `${runId}:${step.key}`,
    // The published resource as of the run's configuration revision, through the run's user's connection (read as the attempt started) or the app's.
    async session(resourceId) {
      const state = await projectStateAt(run.projectId, started.revision);
      if (!state) return { error: "The project no longer exists." };
      const found = await publishedResourceAt({ projectId: run.projectId, resourceId, revision: state.revision });
      const level = found?.resource.published?.level ?? found?.resource.level;
      if (!found || !level) return { error: "The step's resource no longer exists or is not published." };
      const target: SessionTarget = level === "app" ? { kind: "app" } : { kind: "user", userId: run.userId ?? "", connection };
      return { send: sessionSend(() => openConnectionSession({ resource: found.resource, runtime: found.runtime, target, policy: outboundPolicy(state.project) })) };
    },
  };

  await runStep(step, context, {
    next: (outcome) =>
      finishRunStep({
        runId,
        position,
        step: { status: "succeeded", attempts: withThisAttempt(outcome), output: outcome.output, error: null, finished: true },
        ...(isLast
          ? { run: { status: "succeeded" } }
          : { enqueue: (tx) => enqueueStep(tx, { runId, position: position + 1, projectId: run.projectId, userId: run.userId, startAfter: outcome.resumeAt }) }),
      }),
    retry: (outcome) =>
      finishRunStep({
        runId,
        position,
        step: { status: "pending", attempts: withThisAttempt(outcome), error: outcome.error },
        enqueue: (tx) => enqueueStep(tx, { runId, position, projectId: run.projectId, userId: run.userId, startAfter: outcome.at }),
      }),
    stop: (outcome) =>
      finishRunStep({
        runId,
        position,
        step: { status: "succeeded", attempts, output: outcome.output, finished: true },
        run: { status: "stopped" },
      }),
    fail: (outcome) =>
      finishRunStep({
        runId,
        position,
        step: { status: "failed", attempts: withThisAttempt(outcome), error: outcome.error, ...(outcome.output ? { output: outcome.output } : {}), finished: true },
        run: { status: "failed", error: `Step ${step.key}: ${outcome.error}` },
        onRunEnded: notifyRunFailed,
      }),
  });
}

/** The reason a step and its run fail with when the step's job ran out of tries (failLostStepJob). */
export const WORKER_LOST = "worker_lost";

/**
 * A step job that ran out of pg-boss's tries (its dead-letter job, LOST_STEP_QUEUE): none of them
 * ended with an outcome — its worker stopped (a crash, a kill) or failed, or the database did not
 * answer — so rather than stay Running with no job, the step and its run fail with worker_lost, and
 * workflow.run.failed is sent as for any failed run. A run that has ended meanwhile is left alone.
 */
export async function failLostStepJob({ runId, position }: StepJob): Promise<void> {
  const tries = STEP_QUEUE_OPTIONS.retryLimit + 1;
  const ended = await failRunAtLostStep({
    runId,
    position,
    error: `${WORKER_LOST}: the step was tried ${tries} times and no try finished (its worker stopped or failed, or the database did not answer).`,
    onRunEnded: notifyRunFailed,
  });
  if (ended) countFinishedRun("failed");
}

export interface StepTestResult {
  key: string;
  type: StoredStep["type"];
  status: "succeeded" | "failed" | "stopped" | "skipped";
  request?: DescribedRequest;
  response?: StepResponse;
  /** The step's output (a failed step's, when it has one): what a step's result view shows beyond the exchange. */
  output?: Record<string, unknown>;
  error?: string;
  note?: string;
}

export interface WorkflowTestResult {
  status: "succeeded" | "failed" | "stopped";
  steps: StepTestResult[];
}

/** What Test shows of a try: what it sent and received. */
function testExchange(outcome: Outcome<"next" | "retry" | "fail">): Pick<StepTestResult, "request" | "response"> {
  return { ...(outcome.attempt?.request ? { request: outcome.attempt.request } : {}), ...(outcome.attempt?.response ? { response: outcome.attempt.response } : {}) };
}

/**
 * **Test** in the editor: runs the draft at once, in this process, on each resource's test
 * connection with the Sample trigger input, through the same runStep as a run; one try per
 * step (a retry is a failure), Delays not waited. The outputs become the variable menu's sample data.
 */
export async function testWorkflowDraft({
  projectId,
  workflowId,
  allowPrivateNetwork,
}: {
  projectId: string;
  workflowId: string;
  allowPrivateNetwork: boolean;
}): Promise<WorkflowTestResult> {
  const workflow = await getWorkflow({ projectId, workflowId });
  if (!workflow) throw new AppError("workflow_not_found");
  const policy: OutboundPolicy = outboundPolicy({ allowPrivateNetwork });
  const outputs: Record<string, unknown> = {};
  const results: StepTestResult[] = [];
  let status: WorkflowTestResult["status"] = "succeeded";
  for (const step of workflow.draft.steps) {
    if (status !== "succeeded") {
      results.push({ key: step.key, type: step.type, status: "skipped" });
      continue;
    }
    const context: StepRunContext = {
      variables: { trigger: workflow.sampleTrigger, user: { id: "test-user", profile: {} }, steps: { ...outputs } },
      attempt: 1,
      now: Date.now,
      idempotencyKey: `test:${workflowId}:${step.key}`,
      // The draft resource, through its test connection.
      async session(resourceId) {
        const resource = await getResource({ projectId, resourceId });
        const level = resource?.published?.level ?? resource?.level;
        if (!resource || !level) return { error: "The step's resource no longer exists." };
        return { send: sessionSend(() => openConnectionSession({ resource, runtime: undefined, target: { kind: "test" }, policy })) };
      },
    };
    const failed = async (outcome: Outcome<"retry" | "fail">) => {
      results.push({ key: step.key, type: step.type, status: "failed", ...testExchange(outcome), ...(outcome.kind === "fail" && outcome.output ? { output: outcome.output } : {}), error: outcome.error });
      status = "failed";
    };
    await runStep(step, context, {
      async next(outcome) {
        outputs[step.key] = outcome.output;
        results.push({ key: step.key, type: step.type, status: "succeeded", ...testExchange(outcome), output: outcome.output, ...(outcome.note ? { note: outcome.note } : {}) });
      },
      retry: failed,
      async stop(outcome) {
        outputs[step.key] = outcome.output;
        results.push({ key: step.key, type: step.type, status: "stopped", output: outcome.output, ...(outcome.note ? { note: outcome.note } : {}) });
        status = "stopped";
      },
      fail: failed,
    });
  }
  await saveLastTestOutputs({ projectId, workflowId, outputs });
  return { status, steps: results };
}
