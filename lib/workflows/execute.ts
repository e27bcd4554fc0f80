import { getResource } from "@/db/queries/resources";
import { failRunAtLostStep, finishStep, setRunAnswer, type StartedStepAttempt, startStepAttempt } from "@/db/queries/workflow-runs";
import { enqueueRunStep, settleStep, type StepPlace, startFanOutItems } from "./advance";
import { type Continuation, stepTree } from "./tree";
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
import type { StepJob } from "./jobs";
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
  waitChildren(outcome: Outcome<"wait_children">): Promise<Result>;
}

/** One try of a step, its outcome handed to a run's or a Test's handlers. */
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
      return handlers.waitChildren(outcome);
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
    return {
      request,
      response: { status: response.status, headers: response.headers, body: response.body, durationMs: response.durationMs },
    };
  };
}

/**
 * The variables of a run: its trigger's input, its user (with the profile of their connection to
 * the first Request step's resource), the outputs of the steps done on this step's path and, in a
 * Fan Out's steps for each item, the item.
 */
function runContext(started: StartedStepAttempt, item: number): RunContext {
  const { run, connection, done } = started;
  const outputs = Object.fromEntries(done.filter((step) => step.output).map((step) => [step.stepKey, step.output]));
  return {
    trigger: run.trigger.input,
    user: { id: run.userId, profile: connection?.profile ?? {} },
    steps: outputs,
    ...(item >= 0 ? { fanout: { item: started.itemValue, index: item } } : {}),
  };
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

/**
 * Executes one step of a run (one job). The attempt is counted before anything is sent, so a
 * worker killed mid-request leaves a visible attempt and pg-boss retries the job elsewhere;
 * whatever the step ends with, and what comes next (the next step's job, a Fan Out item's count,
 * the run's end), are written in one transaction.
 */
export async function executeStepJob(job: StepJob): Promise<void> {
  const { runId, position } = job;
  const item = job.item ?? -1;
  const attemptStartedAt = new Date().toISOString();
  const started = await startStepAttempt({ ...job, attemptStartedAt });
  if (!started) return; // cancelled, or already over
  const { run, definition } = started;
  const tree = stepTree(definition);
  const node = tree.at(position);
  const step = node?.step;
  // Attempts before this one that never ended: their worker stopped (a crash, a deploy).
  const attempts = started.attempts.map((attempt, index) =>
    index < started.attempts.length - 1 && attempt.durationMs === 0 && attempt.status === undefined && !attempt.error
      ? { ...attempt, error: "The worker stopped during this attempt; it was tried again." }
      : attempt,
  );
  const withThisAttempt = (outcome: Outcome<"next" | "retry" | "fail">) => [
    ...attempts.slice(0, -1),
    attemptRecord(attemptStartedAt, outcome),
  ];
  const place: StepPlace = { run, tree, item, fanOut: node?.fanOut?.position };
  if (!step || step.key !== (job.stepKey ?? step.key)) {
    // The run's version has no such step: only a job written by other code could ask for one.
    const error = "The run's version has no such step.";
    if (
      await finishStep({
        runId,
        item,
        position,
        step: { status: "failed", attempts, error, finished: true },
        run: { status: "failed", error: `Step ${position + 1}: ${error}` },
      })
    ) {
      countFinishedRun("failed");
    }
    return;
  }

  const context: StepRunContext = {
    variables: runContext(started, item),
    attempt: attempts.length,
    now: Date.now,
    idempotencyKey: item >= 0 ? `${runId}:${step.key}:${item}` : `${runId}:${step.key}`,
    // The published resource as of the run's configuration revision, through the run's user's connection (read as the attempt started) or the app's.
    async session(resourceId) {
      const state = await projectStateAt(run.projectId, started.revision);
      if (!state) return { error: "The project no longer exists." };
      const found = await publishedResourceAt({ projectId: run.projectId, resourceId, revision: state.revision });
      const level = found?.resource.published?.level ?? found?.resource.level;
      if (!found || !level) return { error: "The step's resource no longer exists or is not published." };
      const target: SessionTarget =
        level === "app" ? { kind: "app" } : { kind: "user", userId: run.userId ?? "", connection: started.connection };
      return {
        send: sessionSend(() =>
          openConnectionSession({ resource: found.resource, runtime: found.runtime, target, policy: outboundPolicy(state.project) }),
        ),
      };
    },
    respond: (answer) => setRunAnswer({ runId, answer }),
  };

  await runStep(step, context, {
    next: (outcome) => {
      const into = outcome.into === undefined ? undefined : tree.firstOf(position, outcome.into);
      const then: Continuation = into === undefined ? tree.after(position) : { kind: "step", position: into };
      return settleStep(
        place,
        position,
        { status: "succeeded", attempts: withThisAttempt(outcome), output: outcome.output, error: null },
        then,
        outcome.resumeAt,
      );
    },
    async retry(outcome) {
      await finishStep({
        runId,
        item,
        position,
        step: { status: "pending", attempts: withThisAttempt(outcome), error: outcome.error },
        enqueue: (tx) => enqueueRunStep(tx, place, position, outcome.at),
      });
    },
    stop: (outcome) => settleStep(place, position, { status: "succeeded", attempts, output: outcome.output }, { kind: "stopped" }),
    fail: (outcome) =>
      settleStep(
        place,
        position,
        {
          status: "failed",
          attempts: withThisAttempt(outcome),
          error: outcome.error,
          ...(outcome.output ? { output: outcome.output } : {}),
        },
        { kind: "failed", error: outcome.error },
      ),
    async waitChildren(outcome) {
      const first = tree.firstOf(position, stepModule(step.type).lists?.find((list) => list.perItem)?.field ?? "");
      if (first === undefined) {
        // No steps for each item (a save refuses it): every item is done at once.
        const output = { items: outcome.items.map(() => null), succeeded: outcome.items.length, failed: 0 };
        return settleStep(place, position, { status: "succeeded", attempts, output, error: null }, tree.after(position));
      }
      await finishStep({
        runId,
        item,
        position,
        step: { status: "running", attempts },
        enqueue: (tx) => startFanOutItems(tx, place, { position, first, items: outcome.items }),
      });
    },
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
export async function failLostStepJob({ runId, position, stepKey, item }: StepJob): Promise<void> {
  const tries = STEP_QUEUE_OPTIONS.retryLimit + 1;
  const ended = await failRunAtLostStep({
    runId,
    position,
    stepKey,
    item,
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
  /** A Fan Out's first items (TEST_ITEMS_SHOWN), each with its steps' results. */
  items?: { index: number; status: ListStatus; steps: StepTestResult[] }[];
}

type ListStatus = "succeeded" | "failed" | "stopped";

export interface WorkflowTestResult {
  status: ListStatus;
  /** Every step that ran or was skipped, branches included, in the order they ran; a Fan Out's steps for each item as its first item ran them. */
  steps: StepTestResult[];
}

/** A Test shows this many of a Fan Out's items with their steps. */
const TEST_ITEMS_SHOWN = 20;

/** What Test shows of a try: what it sent and received. */
function testExchange(outcome: Outcome<"next" | "retry" | "fail">): Pick<StepTestResult, "request" | "response"> {
  return {
    ...(outcome.attempt?.request ? { request: outcome.attempt.request } : {}),
    ...(outcome.attempt?.response ? { response: outcome.attempt.response } : {}),
  };
}

/** How a list of steps ended in a Test, and its last step's output. */
interface ListEnd {
  status: ListStatus;
  last?: Record<string, unknown>;
}

/**
 * **Test** in the editor: runs the draft at once, in this process, on each resource's test
 * connection with the Sample trigger input, through the same runStep as a run; one try per
 * step (a retry is a failure), Delays not waited, a Condition's branch and a Fan Out's items
 * (Concurrency at once) run as a run runs them. The outputs become the variable menu's sample data.
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
  const lastTestOutputs: Record<string, unknown> = {};
  let answered = false;
  // The draft resource, through its test connection.
  const session: StepRunContext["session"] = async (resourceId) => {
    const resource = await getResource({ projectId, resourceId });
    const level = resource?.published?.level ?? resource?.level;
    if (!resource || !level) return { error: "The step's resource no longer exists." };
    return { send: sessionSend(() => openConnectionSession({ resource, runtime: undefined, target: { kind: "test" }, policy })) };
  };

  /** Runs a list of steps on `variables` (its steps' outputs are added), each result into `into`; `keep`: its outputs are the variable menu's samples. */
  async function runList(
    steps: readonly StoredStep[],
    variables: RunContext & { steps: Record<string, unknown> },
    into: StepTestResult[],
    keep: boolean,
  ): Promise<ListEnd> {
    let end: ListEnd = { status: "succeeded" };
    for (const step of steps) {
      if (end.status !== "succeeded") {
        into.push({ key: step.key, type: step.type, status: "skipped" });
        continue;
      }
      const context: StepRunContext = {
        variables: { ...variables, steps: { ...variables.steps } },
        attempt: 1,
        now: Date.now,
        idempotencyKey: `test:${workflowId}:${step.key}${variables.fanout ? `:${variables.fanout.index}` : ""}`,
        session,
        async respond() {
          if (answered) return false;
          answered = true;
          return true;
        },
      };
      const succeeded = (output: Record<string, unknown>) => {
        variables.steps[step.key] = output;
        if (keep) lastTestOutputs[step.key] = output;
      };
      const failed = async (outcome: Outcome<"retry" | "fail">): Promise<ListEnd> => {
        into.push({
          key: step.key,
          type: step.type,
          status: "failed",
          ...testExchange(outcome),
          ...(outcome.kind === "fail" && outcome.output ? { output: outcome.output } : {}),
          error: outcome.error,
        });
        return { status: "failed" };
      };
      end = await runStep<ListEnd>(step, context, {
        async next(outcome) {
          succeeded(outcome.output);
          into.push({
            key: step.key,
            type: step.type,
            status: "succeeded",
            ...testExchange(outcome),
            output: outcome.output,
            ...(outcome.note ? { note: outcome.note } : {}),
          });
          const branch =
            outcome.into === undefined ? [] : (((step as unknown as Record<string, unknown>)[outcome.into] ?? []) as StoredStep[]);
          const inner = await runList(branch, variables, into, keep);
          return inner.status === "succeeded" ? { status: "succeeded", last: inner.last ?? outcome.output } : inner;
        },
        retry: failed,
        async stop(outcome) {
          succeeded(outcome.output);
          into.push({
            key: step.key,
            type: step.type,
            status: "stopped",
            output: outcome.output,
            ...(outcome.note ? { note: outcome.note } : {}),
          });
          return { status: "stopped", last: outcome.output };
        },
        fail: failed,
        async waitChildren(outcome) {
          const field = stepModule(step.type).lists?.find((list) => list.perItem)?.field ?? "";
          const body = ((step as unknown as Record<string, unknown>)[field] ?? []) as StoredStep[];
          const result: StepTestResult = { key: step.key, type: step.type, status: "succeeded" };
          into.push(result);
          const items: (ListEnd & { steps: StepTestResult[] })[] = [];
          let next = 0;
          let stopped = false;
          const runItems = async () => {
            while (next < outcome.items.length && !stopped) {
              const index = next++;
              const steps: StepTestResult[] = [];
              const itemEnd = await runList(
                body,
                { ...variables, steps: { ...variables.steps }, fanout: { item: outcome.items[index], index } },
                steps,
                keep && index === 0,
              );
              items[index] = { ...itemEnd, steps };
              if (itemEnd.status === "failed" && outcome.onItemFailure === "fail") stopped = true;
            }
          };
          await Promise.all(Array.from({ length: Math.min(outcome.concurrency, outcome.items.length) }, runItems));
          // The first item's steps stand under the Fan Out, as its steps' own results in the editor.
          into.push(...(items[0]?.steps ?? []));
          result.items = items
            .slice(0, TEST_ITEMS_SHOWN)
            .flatMap((item, index) => (item ? [{ index, status: item.status, steps: item.steps }] : []));
          const failedAt = items.findIndex((item) => item?.status === "failed");
          if (failedAt >= 0 && outcome.onItemFailure === "fail") {
            result.status = "failed";
            result.error = `Item ${failedAt + 1} failed: ${items[failedAt]!.steps.find((item) => item.status === "failed")?.error ?? "a step failed"}`;
            return { status: "failed" };
          }
          const output = {
            items: items.map((item) =>
              item?.status === "failed"
                ? { error: item.steps.find((each) => each.status === "failed")?.error ?? "A step failed." }
                : (item?.last ?? null),
            ),
            succeeded: items.filter((item) => item && item.status !== "failed").length,
            failed: items.filter((item) => item?.status === "failed").length,
          };
          succeeded(output);
          result.output = output;
          return { status: "succeeded", last: output };
        },
      });
    }
    return end;
  }

  const results: StepTestResult[] = [];
  const end = await runList(
    workflow.draft.steps,
    { trigger: workflow.sampleTrigger, user: { id: "test-user", profile: {} }, steps: {} },
    results,
    true,
  );
  await saveLastTestOutputs({ projectId, workflowId, outputs: lastTestOutputs });
  return { status: end.status, steps: results };
}
