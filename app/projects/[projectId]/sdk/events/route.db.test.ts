import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { setUserWorkflowEnabled } from "@/db/queries/workflows";
import { ALLOWED_ORIGIN, projectWithSigningKey, publishedTaskLabResource, signUserToken } from "@/test/support/connect-fixtures";
import { alwaysStep, callSdkRoute, draftWorkflow, runsOf, type SdkAuth } from "@/test/support/sdk-route-fixtures";
import { connectedUser, deployedWorkflow, requestStep, waitFor } from "@/test/support/workflow-fixtures";
import { workflowTestEnv } from "@/test/support/workflow-test-env";
import { OPTIONS, POST } from "./route";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";

// POST /sdk/events on a real database with the engine's workers running: the runs it starts
// execute against TaskLab; every refusal writes no run.

// A database of the file's own: another test file's workers must not take these runs' jobs.
const env = workflowTestEnv({ resources: { tasks: "api" }, secretKey: true });
let orderPaid: string;
let orderPaidApp: string;

beforeAll(async () => {
  // Two workflows on order.paid: one through the user's TaskLab connection, one on no resource (App-Level).
  orderPaid = await deployedWorkflow(env.projectId, {
    trigger: { kind: "app_event", eventName: "order.paid" },
    steps: [requestStep(env.resources.tasks, "create_task", "POST", "/tasks", { body: '{"title": "{{trigger.payload.title}}"}' })],
  });
  orderPaidApp = await deployedWorkflow(env.projectId, {
    trigger: { kind: "app_event", eventName: "order.paid" },
    steps: [alwaysStep],
  });
  // Needs a user, and runs for nobody else.
  await deployedWorkflow(env.projectId, {
    trigger: { kind: "app_event", eventName: "user.only" },
    steps: [requestStep(env.resources.tasks, "list", "GET", "/tasks")],
  });
  // A draft on an event is not deployed: it starts nothing.
  await draftWorkflow(env.projectId, { trigger: { kind: "app_event", eventName: "draft.only" }, steps: [alwaysStep] });
});

const userToken = async (userId: string): Promise<SdkAuth> => ({
  token: await signUserToken(env.signingKey.privateKeyPem, { kid: env.signingKey.kid, claims: { sub: userId } }),
});

function sendEvent(auth: SdkAuth, body: unknown, headers?: Record<string, string>) {
  return callSdkRoute(POST, {
    url: `/projects/${env.projectId}/sdk/events`,
    params: { projectId: env.projectId },
    auth,
    body,
    headers,
  });
}

describe("POST /projects/:projectId/sdk/events", () => {
  it("answers 202 with a run per enabled workflow on the event, run for the user with the payload", async () => {
    const userId = await connectedUser(env.projectId, env.resources.tasks, env.tasklab);
    const response = await sendEvent(await userToken(userId), { name: "order.paid", payload: { title: "Invoice 42 paid" } });
    expect(response.status).toBe(202);
    const runIds = response.json!.runIds as string[];
    expect(runIds).toHaveLength(2);

    const runs = (await runsOf(env.projectId)).filter((run) => runIds.includes(run.id));
    expect(runs.map((run) => run.workflowId).sort()).toEqual([orderPaid, orderPaidApp].sort());
    for (const run of runs) {
      expect(run).toMatchObject({
        userId,
        version: 1,
        trigger: { kind: "app_event", input: { name: "order.paid", payload: { title: "Invoice 42 paid" } } },
      });
    }
    // The run goes through the user's connection: TaskLab got the task.
    const throughTaskLab = runs.find((run) => run.workflowId === orderPaid)!;
    const finished = await waitFor(
      "the run to finish",
      async () => (await runsOf(env.projectId)).find((run) => run.id === throughTaskLab.id)!,
      (run) => !["queued", "running"].includes(run.status),
    );
    expect(finished.status).toBe("succeeded");
    expect(env.tasklab.apiRequests.some((request) => request.method === "POST" && request.path === "/api/tasks")).toBe(true);
  });

  it("takes a Secret Key naming the user, trims the name and defaults the payload to {}", async () => {
    const userId = await connectedUser(env.projectId, env.resources.tasks, env.tasklab);
    const response = await sendEvent({ secretKey: env.secretKey, user: userId }, { name: "  user.only " });
    expect(response.status).toBe(202);
    const [runId] = response.json!.runIds as string[];
    const run = (await runsOf(env.projectId)).find((candidate) => candidate.id === runId);
    expect(run).toMatchObject({ userId, trigger: { kind: "app_event", input: { name: "user.only", payload: {} } } });
  });

  it("starts no run for a user who disabled the workflow, and still does for others", async () => {
    const [optedOut, other] = [
      await connectedUser(env.projectId, env.resources.tasks, env.tasklab),
      await connectedUser(env.projectId, env.resources.tasks, env.tasklab),
    ];
    await setUserWorkflowEnabled({
      projectId: env.projectId,
      workflowId: orderPaid,
      userId: optedOut,
      enabled: false,
      actor: SYSTEM_ACTOR,
    });

    const response = await sendEvent(await userToken(optedOut), { name: "order.paid", payload: {} });
    expect(response.status).toBe(202);
    const runs = (await runsOf(env.projectId)).filter((run) => (response.json!.runIds as string[]).includes(run.id));
    expect(runs.map((run) => run.workflowId)).toEqual([orderPaidApp]);
    expect((await runsOf(env.projectId)).filter((run) => run.userId === optedOut && run.workflowId === orderPaid)).toEqual([]);

    const forOther = await sendEvent(await userToken(other), { name: "order.paid", payload: {} });
    expect(forOther.json!.runIds).toHaveLength(2);
  });

  it("answers 202 with no runs when no deployed workflow is on the event", async () => {
    const before = (await runsOf(env.projectId)).length;
    for (const name of ["nobody.listens", "draft.only"]) {
      expect(await sendEvent(await userToken("listener"), { name })).toMatchObject({ status: 202, json: { runIds: [] } });
    }
    expect(await runsOf(env.projectId)).toHaveLength(before);
  });

  it("with a Secret Key and no user, runs only the workflows on no User-Level resource", async () => {
    const response = await sendEvent({ secretKey: env.secretKey }, { name: "order.paid", payload: {} });
    expect(response.status).toBe(202);
    const runs = (await runsOf(env.projectId)).filter((run) => (response.json!.runIds as string[]).includes(run.id));
    expect(runs).toEqual([expect.objectContaining({ workflowId: orderPaidApp, userId: null })]);
  });

  it("answers CORS preflights for Allowed Origins only", async () => {
    const call = (origin: string) =>
      OPTIONS(new Request(`http://switchboard.test/projects/${env.projectId}/sdk/events`, { method: "OPTIONS", headers: { origin } }), {
        params: Promise.resolve({ projectId: env.projectId }),
      });
    const allowed = await call(ALLOWED_ORIGIN);
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get("access-control-allow-methods")).toBe("POST, OPTIONS");
    expect((await call("https://evil.test")).status).toBe(403);
  });
});

describe("refused events start no run", () => {
  interface Refusal {
    label: string;
    status: number;
    code: string;
    fields?: Record<string, unknown>;
    /** What is sent; every body names order.paid, which would start two runs if accepted. */
    call: () => Promise<{ auth: SdkAuth; body: unknown; headers?: Record<string, string> }>;
  }
  const asUser = async (body: unknown, headers?: Record<string, string>) => ({ auth: await userToken("refused"), body, headers });
  const cases: Refusal[] = [
    {
      label: "no Authorization header",
      status: 401,
      code: "missing_user_token",
      call: async () => ({ auth: null, body: { name: "order.paid" } }),
    },
    {
      label: "an unknown Secret Key",
      status: 401,
      code: "invalid_secret_key",
      call: async () => ({ auth: { secretKey: "sk_not-a-key", user: "u" }, body: { name: "order.paid" } }),
    },
    {
      label: "a User Token signed by another project's key",
      status: 401,
      code: "invalid_user_token",
      call: async () => {
        const stranger = await projectWithSigningKey();
        return {
          auth: { token: await signUserToken(stranger.key.privateKeyPem, { kid: stranger.key.kid }) },
          body: { name: "order.paid" },
        };
      },
    },
    { label: "bad JSON", status: 400, code: "invalid_json", call: () => asUser('{"name": "order.paid"') },
    { label: "a JSON array", status: 400, code: "invalid_body", call: () => asUser([{ name: "order.paid" }]) },
    {
      label: "a body that is not JSON",
      status: 415,
      code: "unsupported_media_type",
      call: () => asUser("name=order.paid", { "content-type": "text/plain" }),
    },
    {
      label: "an unknown field",
      status: 400,
      code: "invalid_event",
      fields: { userId: "Unknown field." },
      call: () => asUser({ name: "order.paid", payload: {}, userId: "someone-else" }),
    },
    {
      label: "a bad event name",
      status: 400,
      code: "invalid_event",
      fields: { name: "Use letters, digits and . _ : - (e.g. task.sync)." },
      call: () => asUser({ name: "order.paid!" }),
    },
    {
      label: "no event name",
      status: 400,
      code: "invalid_event",
      fields: { name: expect.any(String) },
      call: () => asUser({ payload: { name: "order.paid" } }),
    },
    {
      label: "a payload that is not an object",
      status: 400,
      code: "invalid_event",
      fields: { payload: expect.any(String) },
      call: () => asUser({ name: "order.paid", payload: [1] }),
    },
    {
      label: "a payload holding NUL, which PostgreSQL cannot store",
      status: 400,
      code: "invalid_event",
      fields: { payload: 'A NUL character or a lone surrogate cannot be stored (at payload.items[1]["the title"]).' },
      call: () => asUser('{"name": "order.paid", "payload": {"items": [{}, {"the title": "a\\u0000b"}]}}'),
    },
    {
      label: "a payload holding a lone surrogate in a key",
      status: 400,
      code: "invalid_event",
      fields: { payload: 'A NUL character or a lone surrogate cannot be stored (at payload["\\ud800"]).' },
      call: () => asUser('{"name": "order.paid", "payload": {"\\ud800": 1}}'),
    },
    {
      label: "a Secret Key naming no user for a workflow on User-Level resources",
      status: 400,
      code: "missing_user",
      call: async () => ({ auth: { secretKey: env.secretKey }, body: { name: "user.only" } }),
    },
    {
      label: "an X-Switchboard-User over 255 characters",
      status: 400,
      code: "invalid_user",
      call: async () => ({ auth: { secretKey: env.secretKey, user: "u".repeat(256) }, body: { name: "order.paid" } }),
    },
  ];

  it.each(cases)("$label → $status $code", async ({ status, code, fields, call }) => {
    const before = (await runsOf(env.projectId)).length;
    const { auth, body, headers } = await call();
    const response = await sendEvent(auth, body, headers);
    expect(response.status).toBe(status);
    expect(response.json?.error?.code).toBe(code);
    if (fields) expect(response.json?.error?.fields).toEqual(fields);
    expect(await runsOf(env.projectId)).toHaveLength(before);
  });

  it("answers 404 for an unknown project", async () => {
    const projectId = randomUUID();
    const response = await callSdkRoute(POST, {
      url: `/projects/${projectId}/sdk/events`,
      params: { projectId },
      auth: { secretKey: env.secretKey },
      body: { name: "order.paid" },
    });
    expect(response).toMatchObject({ status: 404, json: { error: { code: "project_not_found" } } });
  });
});

describe("App Events from a User Token and workflows that use an App-Level resource", () => {
  let appWorkflow: string;
  let openWorkflow: string;
  beforeAll(async () => {
    // App-Level OAuth (client credentials) on TaskLab's /api: every request it sends is in env.tasklab.apiRequests.
    const appResource = await publishedTaskLabResource(env.projectId, env.tasklab, "app-oauth-client-credentials");
    const appStep = requestStep(appResource, "app_call", "GET", "/flaky/app-event-start", { query: { failures: "0" } });
    appWorkflow = await deployedWorkflow(env.projectId, {
      trigger: { kind: "app_event", eventName: "invoice.sync" },
      steps: [appStep],
    });
    openWorkflow = await deployedWorkflow(env.projectId, {
      trigger: { kind: "app_event", eventName: "invoice.sync" },
      steps: [alwaysStep],
    });
    await deployedWorkflow(env.projectId, { trigger: { kind: "app_event", eventName: "invoice.app-only" }, steps: [appStep] });
  });
  const appCalls = () => env.tasklab.apiRequests.filter((request) => request.path === "/api/flaky/app-event-start").length;
  const startedBy = async (runIds: unknown) => (await runsOf(env.projectId)).filter((run) => (runIds as string[]).includes(run.id));

  it("starts only the others, answers 403 secret_key_required when the event has no other, and a Secret Key starts them", async () => {
    const before = (await runsOf(env.projectId)).length;
    const mixed = await sendEvent(await userToken("end-user"), { name: "invoice.sync" });
    expect(mixed.status).toBe(202);
    expect((await startedBy(mixed.json!.runIds)).map((run) => run.workflowId)).toEqual([openWorkflow]);

    expect(await sendEvent(await userToken("end-user"), { name: "invoice.app-only" })).toMatchObject({
      status: 403,
      json: { error: { code: "secret_key_required" } },
    });
    expect(await runsOf(env.projectId)).toHaveLength(before + 1);
    expect(appCalls()).toBe(0);

    const fromBackend = await sendEvent({ secretKey: env.secretKey }, { name: "invoice.sync" });
    expect((await startedBy(fromBackend.json!.runIds)).map((run) => run.workflowId).sort()).toEqual([appWorkflow, openWorkflow].sort());
    await waitFor(
      "the App-Level run's request",
      async () => appCalls(),
      (calls) => calls === 1,
    );
  });
});
