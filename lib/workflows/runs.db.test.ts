import { randomUUID } from "node:crypto";
import { eq, inArray, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { getDb } from "@/db/client";
import { getUserConnection } from "@/db/queries/connections";
import { createRuns, type NewRun } from "@/db/queries/workflow-runs";
import { setUserWorkflowEnabled } from "@/db/queries/workflows";
import { workflowRuns, workflowRunSteps } from "@/db/schema";
import type { StoredWorkflowDefinition } from "@/db/workflow-definition";
import { projectWithSigningKey, publishedTaskLabResource } from "@/test/support/connect-fixtures";
import { currentMetrics, sampleValue } from "@/test/support/metrics";
import { workflowTestEnv } from "@/test/support/workflow-test-env";
import { connectedUser, deployedWorkflow, invalidateConnection, redeploy, requestStep, waitFor } from "@/test/support/workflow-fixtures";
import { getJobQueue } from "@/lib/jobs/queue";
import { STEP_QUEUE } from "./jobs";
import {
  cancelRun,
  deleteExpiredRuns,
  getRunDetail,
  listRunsPage,
  replayRun,
  retryRunFromFailedStep,
  type RunDetail,
  runScheduledTick,
} from "./runs";
import { sendAppEvent } from "./triggers";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";

// The engine's run semantics on a real database (PGlite, and PostgreSQL when DATABASE_URL is
// set): retries and their pacing, failures, Delay and Cancel, Replay, Retry from failed step, a
// connection to reconnect, the Runs tab's pages and retention. TaskLab logs every /api request,
// so each test can say exactly what reached the API.

// A Request step's backoff starts here (read on every retry): 25–50 ms, then 50–100 ms, …
process.env.SWITCHBOARD_RETRY_BASE_MS = "50";

const env = workflowTestEnv({ resources: { api: "api" } });

const FINISHED = ["succeeded", "failed", "stopped", "cancelled"];

async function finished(runId: string, timeoutMs = 15_000): Promise<RunDetail> {
  return waitFor(
    `run ${runId} to finish`,
    () => getRunDetail({ projectId: env.projectId, runId }),
    (detail) => FINISHED.includes(detail.run.status),
    { timeoutMs },
  );
}

/** Runs this process counted as ended with `status` (the metrics). */
const runsCounted = async (status: string) => sampleValue(await currentMetrics(), "switchboard_workflow_runs_finished_total", { status });

/** Waits for the count to reach `count`: the worker counts a run just after its last write commits. */
const countedRuns = (status: string, count: number) =>
  waitFor(
    `${count} ${status} runs counted`,
    () => runsCounted(status),
    (counted) => counted === count,
  );

const unique = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

/** A workflow on an App Event of its own (so no other test's event starts it); answers its id and event name. */
async function onEvent(steps: StoredWorkflowDefinition["steps"]) {
  const eventName = unique("event");
  const workflowId = await deployedWorkflow(env.projectId, { trigger: { kind: "app_event", eventName }, steps });
  return { workflowId, eventName };
}

async function runFor(userId: string, eventName: string, payload: Record<string, unknown> = {}): Promise<string> {
  const { runIds } = await sendAppEvent({ projectId: env.projectId, caller: { kind: "backend", userId }, name: eventName, payload });
  expect(runIds).toHaveLength(1);
  return runIds[0]!;
}

const seen = (path: string) => env.tasklab.apiRequests.filter((request) => request.path === path);
const ms = (iso: string) => Date.parse(iso);

describe("Request step retries", () => {
  it("retries a 503 with backoff and succeeds on the third attempt, sending one Idempotency-Key every time", async () => {
    const userId = await connectedUser(env.projectId, env.resources.api, env.tasklab);
    const key = unique("flaky");
    const { eventName } = await onEvent([
      requestStep(env.resources.api, "call_flaky", "GET", `/flaky/${key}`, { query: { failures: "2" } }),
    ]);
    const [succeeded, failed] = [await runsCounted("succeeded"), await runsCounted("failed")];
    const runId = await runFor(userId, eventName);

    const detail = await finished(runId);
    expect(detail.run).toMatchObject({ status: "succeeded", error: null });
    // Counted once, when it ended: its retried attempts are not runs of their own.
    await countedRuns("succeeded", succeeded + 1);
    expect(await runsCounted("failed")).toBe(failed);
    const [step] = detail.steps;
    expect(step).toMatchObject({
      stepKey: "call_flaky",
      status: "succeeded",
      error: null,
      output: { status: 200, body: { key, calls: 3 } },
    });
    expect(step!.attempts.map((attempt) => [attempt.status, attempt.error])).toEqual([
      [503, "The API answered 503."],
      [503, "The API answered 503."],
      [200, undefined],
    ]);
    const requests = seen(`/api/flaky/${key}`);
    expect(requests.map((request) => request.idempotencyKey)).toEqual(Array(3).fill(`${runId}:call_flaky`));
    // Exponential with jitter from a 50 ms base: at least 25 ms, then at least 50 ms.
    expect(requests[1]!.at - requests[0]!.at).toBeGreaterThanOrEqual(25);
    expect(requests[2]!.at - requests[1]!.at).toBeGreaterThanOrEqual(50);
  });

  it("waits what a 429's Retry-After asks before the second attempt", async () => {
    const userId = await connectedUser(env.projectId, env.resources.api, env.tasklab);
    const key = unique("limited");
    const { eventName } = await onEvent([
      requestStep(env.resources.api, "limited", "GET", `/limited/${key}`, { query: { retryAfter: "1" } }),
    ]);
    const runId = await runFor(userId, eventName);

    const detail = await finished(runId);
    expect(detail.run.status).toBe("succeeded");
    const attempts = detail.steps[0]!.attempts;
    expect(attempts.map((attempt) => attempt.status)).toEqual([429, 200]);
    // Backoff alone would be 25–50 ms: the second attempt started a whole second later.
    expect(ms(attempts[1]!.startedAt) - ms(attempts[0]!.startedAt)).toBeGreaterThanOrEqual(1000);
    const requests = seen(`/api/limited/${key}`);
    expect(requests).toHaveLength(2);
    expect(requests[1]!.at - requests[0]!.at).toBeGreaterThanOrEqual(1000);
  });

  it("fails at once on a 404: one attempt, the run Failed with the error, later steps never run", async () => {
    const userId = await connectedUser(env.projectId, env.resources.api, env.tasklab);
    const after = unique("after");
    const { eventName } = await onEvent([
      requestStep(env.resources.api, "get_task", "GET", "/tasks/task_404"),
      requestStep(env.resources.api, "never", "GET", `/flaky/${after}`, { query: { failures: "0" } }),
    ]);
    const failed = await runsCounted("failed");
    const runId = await runFor(userId, eventName);

    const detail = await finished(runId);
    expect(detail.run).toMatchObject({ status: "failed", error: "Step get_task: The API answered 404." });
    await countedRuns("failed", failed + 1);
    expect(detail.run.finishedAt).not.toBeNull();
    expect(detail.steps).toHaveLength(1);
    expect(detail.steps[0]).toMatchObject({
      status: "failed",
      error: "The API answered 404.",
      output: { status: 404, body: { error: "not_found" } },
    });
    expect(detail.steps[0]!.attempts.map((attempt) => attempt.status)).toEqual([404]);
    expect(seen("/api/tasks/task_404")).toHaveLength(1);
    expect(seen(`/api/flaky/${after}`)).toEqual([]);
  });

  it("with retries off, fails after one 503", async () => {
    const userId = await connectedUser(env.projectId, env.resources.api, env.tasklab);
    const key = unique("no-retries");
    const { eventName } = await onEvent([
      requestStep(env.resources.api, "once", "POST", `/flaky/${key}`, { query: { failures: "5" }, retries: false }),
    ]);
    const runId = await runFor(userId, eventName);

    const detail = await finished(runId);
    expect(detail.run).toMatchObject({ status: "failed", error: "Step once: The API answered 503." });
    expect(detail.steps[0]!.attempts.map((attempt) => attempt.status)).toEqual([503]);
    expect(seen(`/api/flaky/${key}`)).toHaveLength(1);
  });

  it("fails a step whose connection is INVALID with reconnect_needed, and sends nothing to TaskLab", async () => {
    const userId = await connectedUser(env.projectId, env.resources.api, env.tasklab);
    await invalidateConnection(env.projectId, env.resources.api, userId);
    const key = unique("invalid");
    const { eventName } = await onEvent([requestStep(env.resources.api, "call", "GET", `/flaky/${key}`, { query: { failures: "0" } })]);
    const tokenRequests = env.tasklab.tokenRequests.length;
    const runId = await runFor(userId, eventName);

    const detail = await finished(runId);
    expect(detail.run.status).toBe("failed");
    expect(detail.run.error).toMatch(/^Step call: reconnect_needed: /);
    expect(detail.steps[0]!.status).toBe("failed");
    // Not retried: reconnecting is the user's to do.
    expect(detail.steps[0]!.attempts).toEqual([expect.objectContaining({ error: expect.stringMatching(/^reconnect_needed: /) })]);
    expect(seen(`/api/flaky/${key}`)).toEqual([]);
    expect(env.tasklab.tokenRequests.length).toBe(tokenRequests);
  });
});

describe("an answer PostgreSQL cannot store as it is", () => {
  it("keeps an output whose text holds NUL with U+FFFD in its place, and the run succeeds beside another", async () => {
    const userId = await connectedUser(env.projectId, env.resources.api, env.tasklab);
    const key = unique("nul");
    // TaskLab answers { key, calls } with the key decoded from the path: "\u0000" in its JSON.
    const { eventName } = await onEvent([requestStep(env.resources.api, "nul", "GET", `/flaky/${key}%00`, { query: { failures: "0" } })]);
    const { eventName: plainEvent } = await onEvent([
      requestStep(env.resources.api, "plain", "GET", `/flaky/${key}-plain`, { query: { failures: "0" } }),
    ]);
    const [nulRun, plainRun] = await Promise.all([runFor(userId, eventName), runFor(userId, plainEvent)]);

    const detail = await finished(nulRun);
    expect(detail.run.status).toBe("succeeded");
    expect(detail.steps[0]).toMatchObject({ status: "succeeded", output: { status: 200, body: { key: `${key}\ufffd`, calls: 1 } } });
    expect((await finished(plainRun)).steps[0]).toMatchObject({ status: "succeeded", output: { body: { key: `${key}-plain` } } });
    expect(seen(`/api/flaky/${key}%00`)).toHaveLength(1);
  });
});

describe("a run's variables", () => {
  it("renders the user's profile from the first Request step's resource, in that step and in a later one on another resource", async () => {
    const profiled = await publishedTaskLabResource(env.projectId, env.tasklab, "user-oauth");
    const userId = await connectedUser(env.projectId, profiled, env.tasklab);
    await connectedUser(env.projectId, env.resources.api, env.tasklab, userId);
    const profileId = (await getUserConnection({ projectId: env.projectId, resourceId: profiled, userId }))?.profile?.id;
    expect(profileId).toEqual(expect.any(String));
    const key = unique("profile");
    const { eventName } = await onEvent([
      requestStep(profiled, "first", "GET", `/flaky/${key}-{{user.profile.id}}-{{trigger.payload.n}}`),
      requestStep(env.resources.api, "second", "GET", `/flaky/{{steps.first.body.key}}-{{user.profile.id}}`),
    ]);
    const detail = await finished(await runFor(userId, eventName, { n: 7 }));

    expect(detail.run.status).toBe("succeeded");
    expect(detail.steps.map((step) => (step.output?.body as { key?: string } | undefined)?.key)).toEqual([
      `${key}-${profileId}-7`,
      `${key}-${profileId}-7-${profileId}`,
    ]);
  });
});

describe("Delay and Cancel", () => {
  it("starts the step after a Delay no sooner than the Delay says", async () => {
    const userId = await connectedUser(env.projectId, env.resources.api, env.tasklab);
    const [before, after] = [unique("before"), unique("after")];
    const { eventName } = await onEvent([
      requestStep(env.resources.api, "first", "GET", `/flaky/${before}`, { query: { failures: "0" } }),
      { key: "wait", type: "delay", seconds: 2 },
      requestStep(env.resources.api, "second", "GET", `/flaky/${after}`, { query: { failures: "0" } }),
    ]);
    const runId = await runFor(userId, eventName);

    const detail = await finished(runId);
    expect(detail.run.status).toBe("succeeded");
    expect(detail.steps.map((step) => [step.stepKey, step.status])).toEqual([
      ["first", "succeeded"],
      ["wait", "succeeded"],
      ["second", "succeeded"],
    ]);
    expect(detail.steps[1]!.output).toEqual({ waitedSeconds: 2 });
    expect(ms(detail.steps[2]!.attempts[0]!.startedAt) - ms(detail.steps[1]!.attempts[0]!.startedAt)).toBeGreaterThanOrEqual(2000);
    expect(seen(`/api/flaky/${after}`)[0]!.at - seen(`/api/flaky/${before}`)[0]!.at).toBeGreaterThanOrEqual(2000);
  });

  it("Cancel during a Delay ends the run Cancelled; the step after it never runs", async () => {
    const userId = await connectedUser(env.projectId, env.resources.api, env.tasklab);
    const key = unique("cancelled");
    const { eventName } = await onEvent([
      { key: "wait", type: "delay", seconds: 2 },
      requestStep(env.resources.api, "after_wait", "GET", `/flaky/${key}`, { query: { failures: "0" } }),
    ]);
    const runId = await runFor(userId, eventName);
    // The Delay is done and the next job waits for its time.
    await waitFor(
      "the Delay to start waiting",
      () => getRunDetail({ projectId: env.projectId, runId }),
      (detail) => detail.steps[0]?.status === "succeeded",
    );
    const cancelled = await runsCounted("cancelled");
    await cancelRun({ projectId: env.projectId, runId });
    expect(await runsCounted("cancelled")).toBe(cancelled + 1);
    expect((await getRunDetail({ projectId: env.projectId, runId })).run).toMatchObject({
      status: "cancelled",
      finishedAt: expect.any(Date),
    });
    await expect(cancelRun({ projectId: env.projectId, runId })).rejects.toMatchObject({ code: "run_already_finished" });

    // The delayed job still comes due and is worked: it finds the run cancelled and does nothing.
    const boss = await getJobQueue();
    await waitFor(
      "the delayed job to be worked",
      () => boss.findJobs(STEP_QUEUE, { data: { runId, position: 1 } }),
      (jobs) => jobs.length === 1 && jobs[0]!.state === "completed",
      { timeoutMs: 15_000, intervalMs: 100 },
    );
    const detail = await getRunDetail({ projectId: env.projectId, runId });
    expect(detail.run.status).toBe("cancelled");
    expect(detail.steps.map((step) => step.stepKey)).toEqual(["wait"]);
    expect(seen(`/api/flaky/${key}`)).toEqual([]);
    // Counted once: the refused second Cancel and the job that found the run cancelled count nothing.
    expect(await runsCounted("cancelled")).toBe(cancelled + 1);
  });
});

describe("Replay and Retry from failed step", () => {
  it("Replay starts a new run with the same trigger input on the version deployed now", async () => {
    const userId = await connectedUser(env.projectId, env.resources.api, env.tasklab);
    const [v1, v2] = [unique("v1"), unique("v2")];
    const eventName = unique("event");
    const definition = (key: string): StoredWorkflowDefinition => ({
      trigger: { kind: "app_event", eventName },
      steps: [
        requestStep(env.resources.api, "call", "POST", `/flaky/${key}`, {
          query: { failures: "0" },
          body: '{"note": "{{trigger.payload.note}}"}',
        }),
      ],
    });
    const workflowId = await deployedWorkflow(env.projectId, definition(v1));
    const original = await finished(await runFor(userId, eventName, { note: "first" }));
    expect(original.run).toMatchObject({ status: "succeeded", version: 1 });

    expect(await redeploy(env.projectId, workflowId, definition(v2))).toBe(2);
    const replay = await replayRun({ projectId: env.projectId, runId: original.run.id });
    expect(replay.id).not.toBe(original.run.id);
    expect(replay).toMatchObject({ workflowId, version: 2, userId, sourceRunId: original.run.id, trigger: original.run.trigger });

    const detail = await finished(replay.id);
    expect(detail.run.status).toBe("succeeded");
    expect(detail.run.trigger).toEqual({ kind: "app_event", input: { name: eventName, payload: { note: "first" } } });
    // The replay ran version 2's step, with its own Idempotency-Key; version 1's endpoint was called once, by the original.
    expect(seen(`/api/flaky/${v2}`).map((request) => request.idempotencyKey)).toEqual([`${replay.id}:call`]);
    expect(seen(`/api/flaky/${v1}`).map((request) => request.idempotencyKey)).toEqual([`${original.run.id}:call`]);
    await expect(replayRun({ projectId: env.projectId, runId: randomUUID() })).rejects.toMatchObject({ code: "run_not_found" });
  });

  it("Retry from failed step keeps the earlier steps' outputs (not sent again) and reruns the failed step", async () => {
    const userId = await connectedUser(env.projectId, env.resources.api, env.tasklab);
    const key = unique("retry");
    // Step 2's path uses step 1's output; it fails once (retries off), so the run fails there.
    const { eventName } = await onEvent([
      requestStep(env.resources.api, "create_task", "POST", "/tasks", { body: '{"title": "{{trigger.payload.title}}"}' }),
      requestStep(env.resources.api, "use_task", "GET", `/flaky/${key}-{{steps.create_task.body.id}}`, {
        query: { failures: "1" },
        retries: false,
      }),
    ]);
    const failedRun = await finished(await runFor(userId, eventName, { title: "Retry me" }));
    expect(failedRun.run).toMatchObject({ status: "failed", error: "Step use_task: The API answered 503." });
    await expect(retryRunFromFailedStep({ projectId: env.projectId, runId: randomUUID() })).rejects.toMatchObject({
      code: "run_not_found",
    });
    const taskId = (failedRun.steps[0]!.output as { body: { id: string } }).body.id;

    const retry = await retryRunFromFailedStep({ projectId: env.projectId, runId: failedRun.run.id });
    expect(retry).toMatchObject({ version: 1, userId, sourceRunId: failedRun.run.id, trigger: failedRun.run.trigger });
    const detail = await finished(retry.id);
    expect(detail.run.status).toBe("succeeded");
    // Step 1 is the failed run's, copied: same output, same attempts.
    expect(detail.steps[0]).toMatchObject({
      stepKey: "create_task",
      status: "succeeded",
      output: failedRun.steps[0]!.output,
      attempts: failedRun.steps[0]!.attempts,
    });
    expect(detail.steps[1]).toMatchObject({
      stepKey: "use_task",
      status: "succeeded",
      output: { status: 200, body: { key: `${key}-${taskId}`, calls: 2 } },
    });
    expect(detail.steps[1]!.attempts).toHaveLength(1);
    // TaskLab saw step 1's request once (the failed run's), step 2's twice (once per run, each run's own key).
    expect(seen("/api/tasks").filter((request) => request.idempotencyKey === `${failedRun.run.id}:create_task`)).toHaveLength(1);
    expect(seen("/api/tasks").filter((request) => request.idempotencyKey === `${retry.id}:create_task`)).toEqual([]);
    expect(seen(`/api/flaky/${key}-${taskId}`).map((request) => request.idempotencyKey)).toEqual([
      `${failedRun.run.id}:use_task`,
      `${retry.id}:use_task`,
    ]);

    // Only a failed run can be retried.
    await expect(retryRunFromFailedStep({ projectId: env.projectId, runId: retry.id })).rejects.toMatchObject({ code: "run_not_failed" });
  });

  it("Replay and Retry of a run of a user who has since disabled the workflow start nothing and answer workflow_disabled", async () => {
    const userId = await connectedUser(env.projectId, env.resources.api, env.tasklab);
    const key = unique("opted-out");
    const { workflowId, eventName } = await onEvent([
      requestStep(env.resources.api, "call", "GET", `/flaky/${key}`, { query: { failures: "1" }, retries: false }),
    ]);
    const failedRun = await finished(await runFor(userId, eventName));
    expect(failedRun.run.status).toBe("failed");
    expect(seen(`/api/flaky/${key}`)).toHaveLength(1);

    await setUserWorkflowEnabled({ projectId: env.projectId, workflowId, userId, enabled: false, actor: SYSTEM_ACTOR });
    await expect(replayRun({ projectId: env.projectId, runId: failedRun.run.id })).rejects.toMatchObject({ code: "workflow_disabled" });
    await expect(retryRunFromFailedStep({ projectId: env.projectId, runId: failedRun.run.id })).rejects.toMatchObject({
      code: "workflow_disabled",
    });
    const db = await getDb();
    expect(await db.select().from(workflowRuns).where(eq(workflowRuns.workflowId, workflowId))).toHaveLength(1);
    expect(seen(`/api/flaky/${key}`)).toHaveLength(1);

    // Enabled again, both start runs.
    await setUserWorkflowEnabled({ projectId: env.projectId, workflowId, userId, enabled: true, actor: SYSTEM_ACTOR });
    expect((await replayRun({ projectId: env.projectId, runId: failedRun.run.id })).userId).toBe(userId);
    expect((await retryRunFromFailedStep({ projectId: env.projectId, runId: failedRun.run.id })).userId).toBe(userId);
  });
});

describe("Scheduler ticks", () => {
  it("a tick starts one run per Connected User of the workflow's resources who has it enabled", async () => {
    // A resource of its own: every connected user of it gets a run.
    const scheduled = await publishedTaskLabResource(env.projectId, env.tasklab, "user-oauth-no-profile");
    const users = [await connectedUser(env.projectId, scheduled, env.tasklab), await connectedUser(env.projectId, scheduled, env.tasklab)];
    const optedOut = await connectedUser(env.projectId, scheduled, env.tasklab);
    const key = unique("tick");
    const workflowId = await deployedWorkflow(env.projectId, {
      trigger: { kind: "scheduler", cron: "0 9 * * 1-5", timeZone: "Europe/Berlin" },
      steps: [requestStep(scheduled, "call", "GET", `/flaky/${key}-{{user.id}}`, { query: { failures: "0" } })],
    });
    await setUserWorkflowEnabled({ projectId: env.projectId, workflowId, userId: optedOut, enabled: false, actor: SYSTEM_ACTOR });

    // Monday 09:00 in Berlin; the tick job was sent a few seconds after the occurrence.
    const scheduledAt = new Date("2026-03-02T08:00:00.000Z");
    const sentAt = new Date(scheduledAt.getTime() + 4_000);
    const runs = await runScheduledTick({ workflowId, sentAt });
    expect(runs.map((run) => run.userId).sort()).toEqual([...users].sort());
    for (const run of runs)
      expect(run).toMatchObject({
        workflowId,
        version: 1,
        trigger: { kind: "scheduler", input: { scheduledAt: scheduledAt.toISOString() } },
      });
    for (const run of runs) expect((await finished(run.id)).run.status).toBe("succeeded");
    for (const userId of users) expect(seen(`/api/flaky/${key}-${userId}`)).toHaveLength(1);
    // The same tick again (a worker crashed before the job completed): nothing new.
    expect(await runScheduledTick({ workflowId, sentAt })).toEqual([]);
    expect(seen(`/api/flaky/${key}-${optedOut}`)).toEqual([]);
    // A workflow that is not on a Scheduler trigger (or not deployed) ticks nothing.
    const { workflowId: onEventOnly } = await onEvent([requestStep(scheduled, "call", "GET", "/tasks")]);
    expect(await runScheduledTick({ workflowId: onEventOnly, sentAt })).toEqual([]);
    expect(await runScheduledTick({ workflowId: randomUUID(), sentAt })).toEqual([]);
  });
});

describe("the Runs tab's pages", () => {
  it("pages 120 runs by keyset, newest first, without duplicates, filtered by status and by user", async () => {
    const { workflowId } = await onEvent([requestStep(env.resources.api, "call", "GET", "/tasks")]);
    const users = ["page-user-a", "page-user-b", "page-user-c"];
    // 10 transactions of 12 runs: runs of one transaction share created_at (the id breaks the tie).
    const created = [];
    for (let batch = 0; batch < 10; batch++) {
      const runs: NewRun[] = Array.from({ length: 12 }, (_, i) => ({
        projectId: env.projectId,
        workflowId,
        version: 1,
        userId: users[(batch * 12 + i) % 3]!,
        trigger: { kind: "app_event", input: { name: "page", payload: { n: batch * 12 + i } } },
      }));
      created.push(...(await createRuns({ runs, enqueue: async () => {} })));
    }
    expect(created).toHaveLength(120);
    // PostgreSQL's clock has microseconds (PGlite's only milliseconds): give every batch a
    // sub-millisecond part, as on PostgreSQL, so both databases page the same timestamps.
    const db = await getDb();
    await db
      .update(workflowRuns)
      .set({ createdAt: sql`date_trunc('milliseconds', ${workflowRuns.createdAt}) + interval '417 microseconds'` })
      .where(eq(workflowRuns.workflowId, workflowId));
    const cancelled = new Set(created.filter((_, i) => i % 4 === 0).map((run) => run.id));
    for (const runId of cancelled) await cancelRun({ projectId: env.projectId, runId });

    const pages = async (filter: { status?: "queued" | "cancelled"; userId?: string }) => {
      const all = [];
      const sizes = [];
      let before: string | undefined;
      do {
        const page = await listRunsPage({ projectId: env.projectId, workflowId, ...filter, before });
        all.push(...page.runs);
        sizes.push(page.runs.length);
        before = page.next;
      } while (before);
      return { runs: all, sizes };
    };
    const newestFirst = (runs: { createdAt: Date; id: string }[]) =>
      runs.every(
        (run, i) =>
          i === 0 ||
          run.createdAt < runs[i - 1]!.createdAt ||
          (run.createdAt.getTime() === runs[i - 1]!.createdAt.getTime() && run.id < runs[i - 1]!.id),
      );

    const all = await pages({});
    expect(all.sizes).toEqual([50, 50, 20]);
    expect(new Set(all.runs.map((run) => run.id)).size).toBe(120);
    expect(new Set(all.runs.map((run) => run.id))).toEqual(new Set(created.map((run) => run.id)));
    expect(newestFirst(all.runs)).toBe(true);
    // The last batch is on the first page.
    expect(
      all.runs
        .slice(0, 12)
        .map((run) => run.id)
        .sort(),
    ).toEqual(
      created
        .slice(108)
        .map((run) => run.id)
        .sort(),
    );

    const onlyCancelled = await pages({ status: "cancelled" });
    expect(onlyCancelled.runs.map((run) => run.id).sort()).toEqual([...cancelled].sort());
    expect(onlyCancelled.runs.every((run) => run.status === "cancelled") && newestFirst(onlyCancelled.runs)).toBe(true);
    const queued = await pages({ status: "queued" });
    expect(queued.sizes).toEqual([50, 40]);
    expect(queued.runs.some((run) => cancelled.has(run.id))).toBe(false);

    for (const userId of users) {
      const mine = await pages({ userId });
      expect(mine.runs).toHaveLength(40);
      expect(mine.runs.every((run) => run.userId === userId) && newestFirst(mine.runs)).toBe(true);
      const mineCancelled = await pages({ userId, status: "cancelled" });
      expect(mineCancelled.runs.map((run) => run.id).sort()).toEqual(
        created
          .filter((run) => run.userId === userId && cancelled.has(run.id))
          .map((run) => run.id)
          .sort(),
      );
    }
    await expect(listRunsPage({ projectId: env.projectId, workflowId, before: "not-a-cursor" })).rejects.toMatchObject({
      code: "invalid_input",
    });
    // Another project's id sees none of them.
    const other = await projectWithSigningKey();
    expect((await listRunsPage({ projectId: other.projectId, workflowId })).runs).toEqual([]);
  });
});

describe("retention", () => {
  it("deletes only the runs older than the retention, their steps with them", async () => {
    const { workflowId } = await onEvent([requestStep(env.resources.api, "call", "GET", "/tasks")]);
    const day = 24 * 60 * 60 * 1000;
    const now = new Date();
    const run = (age: string) => ({
      projectId: env.projectId,
      workflowId,
      version: 1,
      userId: "retained",
      trigger: { kind: "app_event" as const, input: { age } },
    });
    const [old, recent, fresh] = await createRuns({ runs: [run("31 days"), run("29 days"), run("now")], enqueue: async () => {} });
    const db = await getDb();
    await db
      .update(workflowRuns)
      .set({ createdAt: new Date(now.getTime() - 31 * day) })
      .where(eq(workflowRuns.id, old!.id));
    await db
      .update(workflowRuns)
      .set({ createdAt: new Date(now.getTime() - 29 * day) })
      .where(eq(workflowRuns.id, recent!.id));
    await db.insert(workflowRunSteps).values({ runId: old!.id, position: 0, stepKey: "call", status: "succeeded" });
    const ids = [old!.id, recent!.id, fresh!.id];
    const remaining = async () =>
      (await db.select({ id: workflowRuns.id }).from(workflowRuns).where(inArray(workflowRuns.id, ids))).map((row) => row.id).sort();

    // The default retention is 30 days.
    expect(await deleteExpiredRuns(now)).toBe(1);
    expect(await remaining()).toEqual([recent!.id, fresh!.id].sort());
    expect(await db.select().from(workflowRunSteps).where(eq(workflowRunSteps.runId, old!.id))).toEqual([]);
    expect(await deleteExpiredRuns(now)).toBe(0);

    // SWITCHBOARD_RUN_RETENTION_DAYS shortens it.
    process.env.SWITCHBOARD_RUN_RETENTION_DAYS = "7";
    try {
      expect(await deleteExpiredRuns(now)).toBe(1);
      expect(await remaining()).toEqual([fresh!.id]);
    } finally {
      delete process.env.SWITCHBOARD_RUN_RETENTION_DAYS;
    }
  });
});
