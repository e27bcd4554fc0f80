import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { projectWithSigningKey, publishedTaskLabResource } from "@/test/support/connect-fixtures";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";
import { publishResourceDraft } from "@/lib/connections/test-and-publish";
import { createResourceDraft, saveResourceStep } from "@/lib/resources/save-step";
import { connectedUser, deployedWorkflow, requestStep, waitFor } from "@/test/support/workflow-fixtures";
import { workflowTestEnv } from "@/test/support/workflow-test-env";
import { getRunDetail } from "./runs";
import { sendAppEvent } from "./triggers";

// Concurrency groups: one Connected User's steps run at most SWITCHBOARD_USER_CONCURRENCY at once
// (here 1), a project's App-Level steps at most SWITCHBOARD_APP_CONCURRENCY (here 1), while other
// users' and other projects' runs go on beside them.
process.env.SWITCHBOARD_USER_CONCURRENCY = "1";
process.env.SWITCHBOARD_APP_CONCURRENCY = "1";

const env = workflowTestEnv({ resources: { api: "api" } });
afterAll(() => {
  delete process.env.SWITCHBOARD_USER_CONCURRENCY;
  delete process.env.SWITCHBOARD_APP_CONCURRENCY;
});

const startedAt = async (projectId: string, runId: string) =>
  Date.parse((await getRunDetail({ projectId, runId })).steps[0]!.attempts[0]!.startedAt);

/** How far `time` is from the nearest of `times` (ms). */
const nearest = (time: number, times: number[]) => Math.min(...times.map((other) => Math.abs(time - other)));

async function waitForSuccess(runs: { projectId: string; runId: string }[]): Promise<void> {
  for (const { projectId, runId } of runs) {
    await waitFor(
      `run ${runId}`,
      () => getRunDetail({ projectId, runId }),
      (detail) => detail.run.status === "succeeded",
      { timeoutMs: 30_000 },
    );
  }
}

/** A workflow on a new App Event whose one step takes 700 ms; answers how to send the event (for `userId`, or for the app). */
async function slowWorkflow(projectId: string, resourceId: string) {
  const eventName = `slow-${randomUUID().slice(0, 8)}`;
  await deployedWorkflow(projectId, {
    trigger: { kind: "app_event", eventName },
    steps: [requestStep(resourceId, "slow_call", "GET", "/slow", { query: { ms: "700" } })],
  });
  return async (userId?: string) => {
    const { runIds } = await sendAppEvent({ projectId, caller: { kind: "backend", userId }, name: eventName, payload: {} });
    return runIds.map((runId) => ({ projectId, runId }));
  };
}

/** A published App-Level API Keys resource on TaskLab's own root (its /slow answers whatever the key). */
async function appResourceOnTaskLabRoot(projectId: string): Promise<string> {
  const actor = SYSTEM_ACTOR;
  const { resourceId } = await createResourceDraft({ projectId, values: { name: `TaskLab app ${randomUUID().slice(0, 8)}` }, actor });
  await saveResourceStep({
    projectId,
    resourceId,
    step: "api-info",
    values: { level: "app", authType: "api_keys", grantType: null },
    actor,
  });
  await saveResourceStep({
    projectId,
    resourceId,
    step: "request-details",
    values: {
      baseUrl: env.tasklab.url,
      authentication: {
        preset: "header",
        token: "",
        username: "",
        password: "",
        name: "X-API-Key",
        value: "{{credentials.api_key}}",
        custom: [],
      },
      userProfile: { source: "none", method: "GET", path: "", fields: "", claimPath: "" },
      appApiKeys: [{ name: "api_key", secret: true, value: "tl_key_123" }],
    },
    actor,
  });
  await publishResourceDraft({ projectId, resourceId, actor });
  return resourceId;
}

describe("per-user concurrency", () => {
  it("runs one user's steps one at a time, and another user's beside them", async () => {
    const busy = await connectedUser(env.projectId, env.resources.api, env.tasklab);
    const other = await connectedUser(env.projectId, env.resources.api, env.tasklab);
    const eventName = `slow-${randomUUID().slice(0, 8)}`;
    await deployedWorkflow(env.projectId, {
      trigger: { kind: "app_event", eventName },
      steps: [requestStep(env.resources.api, "slow_call", "GET", "/slow", { query: { ms: "700", user: "{{user.id}}" } })],
    });
    const send = (userId: string) =>
      sendAppEvent({ projectId: env.projectId, caller: { kind: "backend", userId }, name: eventName, payload: {} });
    const runIds = [
      ...(await send(busy)).runIds,
      ...(await send(busy)).runIds,
      ...(await send(busy)).runIds,
      ...(await send(other)).runIds,
    ];
    for (const runId of runIds) {
      await waitFor(
        `run ${runId}`,
        () => getRunDetail({ projectId: env.projectId, runId }),
        (detail) => detail.run.status === "succeeded",
        { timeoutMs: 30_000 },
      );
    }
    const startedAt = async (runId: string) =>
      Date.parse((await getRunDetail({ projectId: env.projectId, runId })).steps[0]!.attempts[0]!.startedAt);
    const busyStarts = (await Promise.all(runIds.slice(0, 3).map(startedAt))).sort((a, b) => a - b);
    // Each of the busy user's steps started after the one before had had its 700 ms answer.
    for (let i = 1; i < busyStarts.length; i++) expect(busyStarts[i]! - busyStarts[i - 1]!).toBeGreaterThanOrEqual(650);
    // The other user's step did not wait for all three.
    expect(await startedAt(runIds[3]!)).toBeLessThan(busyStarts[2]!);
  });
});

describe("concurrency groups are per project", () => {
  it("runs one project's App-Level steps beside another project's", async () => {
    const other = await projectWithSigningKey();
    const sendA = await slowWorkflow(env.projectId, await appResourceOnTaskLabRoot(env.projectId));
    const sendB = await slowWorkflow(other.projectId, await appResourceOnTaskLabRoot(other.projectId));
    const runsA = [...(await sendA()), ...(await sendA())];
    const [runB] = await sendB();
    await waitForSuccess([...runsA, runB!]);
    const startsA = (await Promise.all(runsA.map((run) => startedAt(run.projectId, run.runId)))).sort((a, b) => a - b);
    // Project A's App-Level steps ran one at a time (SWITCHBOARD_APP_CONCURRENCY=1)…
    expect(startsA[1]! - startsA[0]!).toBeGreaterThanOrEqual(650);
    // …and project B's ran beside one of them, not before or after both.
    expect(nearest(await startedAt(runB!.projectId, runB!.runId), startsA)).toBeLessThan(650);
  });

  it("runs a user's steps beside those of the user with the same id in another project", async () => {
    const other = await projectWithSigningKey();
    const otherResourceId = await publishedTaskLabResource(other.projectId, env.tasklab, "user-oauth-no-profile");
    const userId = `same-${randomUUID()}`;
    await connectedUser(env.projectId, env.resources.api, env.tasklab, userId);
    await connectedUser(other.projectId, otherResourceId, env.tasklab, userId);
    const sendA = await slowWorkflow(env.projectId, env.resources.api);
    const sendB = await slowWorkflow(other.projectId, otherResourceId);
    const runsA = [...(await sendA(userId)), ...(await sendA(userId))];
    const [runB] = await sendB(userId);
    await waitForSuccess([...runsA, runB!]);
    const startsA = (await Promise.all(runsA.map((run) => startedAt(run.projectId, run.runId)))).sort((a, b) => a - b);
    expect(startsA[1]! - startsA[0]!).toBeGreaterThanOrEqual(650);
    expect(nearest(await startedAt(runB!.projectId, runB!.runId), startsA)).toBeLessThan(650);
  });
});
