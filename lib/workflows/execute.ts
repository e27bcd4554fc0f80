import type { Connection } from "@/db/schema";
import { getResource } from "@/db/queries/resources";
import { failRunAtLostStep, finishStep, type StartedStepAttempt, startStepAttempt } from "@/db/queries/workflow-runs";
import { getWorkflow, saveLastTestOutputs } from "@/db/queries/workflows";
import type { StoredStep, StoredStepAttempt } from "@/db/workflow-definition";
import { stepRetryBaseMs } from "@/lib/config/env";
import { outboundPolicy } from "@/lib/connections/request";
import { type DescribedRequest, openConnectionSession, type SessionTarget } from "@/lib/connections/session";
import { AppError } from "@/lib/errors";
import { notifyRunFailed } from "@/lib/notifications/events";
import type { OutboundPolicy } from "@/lib/http/client";
import { countFinishedRun } from "@/lib/metrics/registry";
import { projectStateAt } from "@/lib/projects/sdk-state";
import { publishedResourceAt } from "@/lib/resources/runtime";
import { jsonNestsDeeperThan } from "@/lib/json";
import { storableJson } from "@/lib/jsonb";
import { TemplateError } from "@/lib/resources/template";
import { enqueueStep, type StepJob } from "./engine";
import { STEP_QUEUE_OPTIONS } from "./step-queue";
import { renderJsonBody, renderRequestTemplates, renderWorkflowTemplate, type RunContext } from "./variables";

/** A Request step tries this many times in all before it fails (5xx, 408, 429, network errors). */
export const MAX_REQUEST_ATTEMPTS = 5;
/** A Retry-After longer than this is not waited for in full. */
const MAX_RETRY_AFTER_MS = 10 * 60 * 1000;
const MAX_BACKOFF_MS = 5 * 60 * 1000;
/** Response bodies kept in a run's history are cut here. */
export const MAX_STORED_BODY_BYTES = 256 * 1024;

type RequestStep = Extract<StoredStep, { type: "request" }>;

export interface StepResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  durationMs: number;
}

/** How one try of a Request step ended. */
export type RequestOutcome =
  | { kind: "succeeded"; request: DescribedRequest; response: StepResponse; output: Record<string, unknown> }
  | { kind: "retry"; request?: DescribedRequest; response?: StepResponse; error: string; retryAfterMs?: number }
  | { kind: "failed"; request?: DescribedRequest; response?: StepResponse; error: string };

function parseRetryAfter(value: string | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
  return Number.isFinite(ms) ? Math.min(Math.max(0, ms), MAX_RETRY_AFTER_MS) : undefined;
}

/**
 * A step's output: status, headers, and the body as JSON when it is JSON. A body over 256 KB is
 * kept as its first 256 KB of text, marked truncated (its fields are then not variables).
 */
function stepOutput(response: StepResponse): Record<string, unknown> {
  const output = parsedOutput(response);
  // An API may answer with text PostgreSQL cannot store (lib/jsonb.ts): kept with U+FFFD in its place.
  return MAYBE_UNSTORABLE.test(response.body) ? storableJson(output) : output;
}

/** A raw NUL, or a JSON escape of NUL or of a surrogate (lone or not: the output tells). */
const MAYBE_UNSTORABLE = /\u0000|\\u(?:0000|d[89a-f])/i;

function parsedOutput(response: StepResponse): Record<string, unknown> {
  const base = { status: response.status, headers: response.headers };
  if (Buffer.byteLength(response.body) > MAX_STORED_BODY_BYTES) {
    return { ...base, body: Buffer.from(response.body).subarray(0, MAX_STORED_BODY_BYTES).toString(), truncated: true };
  }
  // JSON nested deeper than any input may be is kept as text: what reads it later (variables, pages) stays bounded.
  if (/\bjson\b/i.test(response.headers["content-type"] ?? "") && !jsonNestsDeeperThan(response.body)) {
    try {
      return { ...base, body: JSON.parse(response.body) as unknown };
    } catch {
      return { ...base, body: response.body };
    }
  }
  return { ...base, body: response.body };
}

const RETRYABLE_STATUS = (status: number) => status >= 500 || status === 408 || status === 429;

/**
 * One try of a Request step, through the connection session: renders the call from the run's
 * variables, sends it with an Idempotency-Key, and says whether it succeeded, may be retried
 * (5xx, 408, 429, network errors) or failed (other 4xx, a connection to reconnect, a template
 * that does not render, a variable with no value: renderRequestTemplates).
 */
export async function tryRequestStep({
  step,
  context,
  projectId,
  target,
  policy,
  revision,
  idempotencyKey,
}: {
  step: RequestStep;
  context: RunContext;
  projectId: string;
  target: (level: "user" | "app") => SessionTarget;
  policy: OutboundPolicy;
  /** A run's: the project's configuration revision, to use the published resource as of it. A test has none: it uses the draft. */
  revision?: number;
  idempotencyKey: string;
}): Promise<RequestOutcome> {
  let call;
  try {
    const { path, query, headers } = renderRequestTemplates(step, context);
    call = { method: step.method, path, query, headers: { ...headers, "idempotency-key": idempotencyKey }, body: renderJsonBody(step.body, context) };
  } catch (error) {
    if (error instanceof TemplateError) return { kind: "failed", error: error.message };
    // Permanent: the same run's variables will not gain the value on a retry.
    if (error instanceof AppError && error.code === "missing_variable") return { kind: "failed", error: `${error.code}: ${error.message}` };
    throw error;
  }
  // A run uses the published resource (cached by the project's revision); a test the draft.
  const found =
    revision === undefined
      ? await getResource({ projectId, resourceId: step.resourceId }).then((resource) => resource && { resource, runtime: undefined })
      : await publishedResourceAt({ projectId, resourceId: step.resourceId, revision });
  const level = found?.resource.published?.level ?? found?.resource.level;
  if (!found || !level) return { kind: "failed", error: revision === undefined ? "The step's resource no longer exists." : "The step's resource no longer exists or is not published." };
  try {
    const session = await openConnectionSession({ resource: found.resource, runtime: found.runtime, target: target(level), policy });
    const { request, response } = await session.send(call);
    const shown: StepResponse = { status: response.status, headers: response.headers, body: response.body, durationMs: response.durationMs };
    if (response.status < 400) return { kind: "succeeded", request, response: shown, output: stepOutput(shown) };
    const error = `The API answered ${response.status}.`;
    if (RETRYABLE_STATUS(response.status)) return { kind: "retry", request, response: shown, error, retryAfterMs: parseRetryAfter(response.headers["retry-after"]) };
    return { kind: "failed", request, response: shown, error };
  } catch (error) {
    if (!(error instanceof AppError)) throw error;
    const request = error.failure?.request;
    if (error.code === "upstream_unreachable" || error.code === "token_refresh_failed" || error.code === "refresh_in_progress") {
      return { kind: "retry", request, error: error.message };
    }
    return { kind: "failed", request, error: `${error.code}: ${error.message}` };
  }
}

/** Whether a Condition step lets the run go on. */
export function conditionHolds(step: Extract<StoredStep, { type: "condition" }>, context: RunContext): boolean {
  const left = renderWorkflowTemplate(step.left, context);
  const right = renderWorkflowTemplate(step.right, context);
  switch (step.operator) {
    case "equals":
      return left === right;
    case "not_equals":
      return left !== right;
    case "contains":
      return left.includes(right);
    case "is_empty":
      return left.trim() === "";
    case "is_not_empty":
      return left.trim() !== "";
  }
}

/** The pause before try number `attempt + 1`: exponential from the base, with jitter, or what Retry-After asked for. */
export function retryDelayMs(attempt: number, retryAfterMs: number | undefined): number {
  if (retryAfterMs !== undefined) return retryAfterMs;
  const exponential = Math.min(MAX_BACKOFF_MS, stepRetryBaseMs() * 2 ** (attempt - 1));
  return Math.round(exponential * (0.5 + Math.random() * 0.5));
}

/** The variables of a run: its trigger's input, its user (with the profile of their connection to the first Request step's resource) and the outputs of the steps done. */
function runContext(run: StartedStepAttempt["run"], connection: Connection | undefined, done: StartedStepAttempt["done"]): RunContext {
  const outputs = Object.fromEntries(done.filter((step) => step.output).map((step) => [step.stepKey, step.output]));
  return { trigger: run.trigger.input, user: { id: run.userId, profile: connection?.profile ?? {} }, steps: outputs };
}

function attemptRecord(startedAt: string, outcome: RequestOutcome, durationMs: number): StoredStepAttempt {
  return {
    startedAt,
    durationMs,
    ...(outcome.request ? { request: outcome.request } : {}),
    ...(outcome.response ? { status: outcome.response.status } : {}),
    ...(outcome.kind === "succeeded" ? {} : { error: outcome.error }),
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
  const context = runContext(run, connection, done);
  // Attempts before this one that never ended: their worker stopped (a crash, a deploy).
  const attempts = started.attempts.map((attempt, index) =>
    index < started.attempts.length - 1 && attempt.durationMs === 0 && attempt.status === undefined && !attempt.error
      ? { ...attempt, error: "The worker stopped during this attempt; it was tried again." }
      : attempt,
  );
  const next = (tx: Parameters<typeof enqueueStep>[0], startAfter?: Date) =>
    enqueueStep(tx, { runId, position: position + 1, projectId: run.projectId, userId: run.userId, startAfter });
  const isLast = position === steps.length - 1;

  if (step.type === "delay") {
    attempts[attempts.length - 1] = { startedAt: attemptStartedAt, durationMs: 0 };
    await finishRunStep({
      runId,
      position,
      step: { status: "succeeded", attempts, output: { waitedSeconds: step.seconds }, finished: true },
      ...(isLast ? { run: { status: "succeeded" } } : { enqueue: (tx) => next(tx, new Date(Date.now() + step.seconds * 1000)) }),
    });
    return;
  }
  if (step.type === "condition") {
    let holds: boolean;
    try {
      holds = conditionHolds(step, context);
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      await finishRunStep({
        runId,
        position,
        step: { status: "failed", error: error.message, attempts, finished: true },
        run: { status: "failed", error: error.message },
        onRunEnded: notifyRunFailed,
      });
      return;
    }
    await finishRunStep({
      runId,
      position,
      step: { status: "succeeded", attempts, output: { result: holds }, finished: true },
      ...(!holds ? { run: { status: "stopped" } } : isLast ? { run: { status: "succeeded" } } : { enqueue: (tx) => next(tx) }),
    });
    return;
  }

  const clock = performance.now();
  const state = await projectStateAt(run.projectId, started.revision);
  const outcome = state
    ? await tryRequestStep({
        step,
        context,
        projectId: run.projectId,
        target: (level) =>
          level === "app"
            ? { kind: "app" }
            : // The connection read as the attempt started: the session sends with it when this step is on its resource.
              { kind: "user", userId: run.userId ?? "", connection },
        policy: outboundPolicy(state.project),
        revision: state.revision,
        idempotencyKey: `${runId}:${step.key}`,
      })
    : ({ kind: "failed", error: "The project no longer exists." } satisfies RequestOutcome as RequestOutcome);
  attempts[attempts.length - 1] = attemptRecord(attemptStartedAt, outcome, Math.round(performance.now() - clock));
  if (outcome.kind === "succeeded") {
    await finishRunStep({
      runId,
      position,
      step: { status: "succeeded", attempts, output: outcome.output, error: null, finished: true },
      ...(isLast ? { run: { status: "succeeded" } } : { enqueue: (tx) => next(tx) }),
    });
    return;
  }
  if (outcome.kind === "retry" && step.retries && attempts.length < MAX_REQUEST_ATTEMPTS) {
    const startAfter = new Date(Date.now() + retryDelayMs(attempts.length, outcome.retryAfterMs));
    await finishRunStep({
      runId,
      position,
      step: { status: "pending", attempts, error: outcome.error },
      enqueue: (tx) => enqueueStep(tx, { runId, position, projectId: run.projectId, userId: run.userId, startAfter }),
    });
    return;
  }
  await finishRunStep({
    runId,
    position,
    step: { status: "failed", attempts, error: outcome.error, ...(outcome.response ? { output: stepOutput(outcome.response) } : {}), finished: true },
    run: { status: "failed", error: `Step ${step.key}: ${outcome.error}` },
    onRunEnded: notifyRunFailed,
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
  error?: string;
  note?: string;
}

export interface WorkflowTestResult {
  status: "succeeded" | "failed" | "stopped";
  steps: StepTestResult[];
}

/**
 * **Test** in the editor: runs the draft at once, in this process, on each resource's test
 * connection with the Sample trigger input; one try per request, Delays not waited. The
 * outputs become the variable menu's sample data.
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
  const context: RunContext = { trigger: workflow.sampleTrigger, user: { id: "test-user", profile: {} }, steps: {} };
  const outputs: Record<string, unknown> = {};
  const results: StepTestResult[] = [];
  let status: WorkflowTestResult["status"] = "succeeded";
  for (const step of workflow.draft.steps) {
    if (status !== "succeeded") {
      results.push({ key: step.key, type: step.type, status: "skipped" });
      continue;
    }
    if (step.type === "delay") {
      results.push({ key: step.key, type: step.type, status: "succeeded", note: `Waits ${step.seconds} s in a run; not waited in a test.` });
      continue;
    }
    if (step.type === "condition") {
      try {
        const holds = conditionHolds(step, context);
        outputs[step.key] = { result: holds };
        results.push({ key: step.key, type: step.type, status: holds ? "succeeded" : "stopped", note: holds ? "The condition holds." : "The condition does not hold: a run stops here." });
        if (!holds) status = "stopped";
      } catch (error) {
        if (!(error instanceof TemplateError)) throw error;
        results.push({ key: step.key, type: step.type, status: "failed", error: error.message });
        status = "failed";
      }
      continue;
    }
    const outcome = await tryRequestStep({
      step,
      context: { ...context, steps: outputs },
      projectId,
      target: () => ({ kind: "test" }),
      policy: outboundPolicy({ allowPrivateNetwork }),
      idempotencyKey: `test:${workflowId}:${step.key}`,
    });
    if (outcome.kind === "succeeded") {
      outputs[step.key] = outcome.output;
      results.push({ key: step.key, type: step.type, status: "succeeded", request: outcome.request, response: outcome.response });
    } else {
      results.push({ key: step.key, type: step.type, status: "failed", request: outcome.request, response: outcome.response, error: outcome.error });
      status = "failed";
    }
  }
  await saveLastTestOutputs({ projectId, workflowId, outputs });
  return { status, steps: results };
}
