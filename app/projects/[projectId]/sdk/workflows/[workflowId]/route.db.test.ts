import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setWorkflowEnabledForAll, setWorkflowEndUsersMayStart } from "@/db/queries/workflows";
import { ALLOWED_ORIGIN, projectWithSigningKey, publishedTaskLabResource, signUserToken } from "@/test/support/connect-fixtures";
import { alwaysStep, callSdkRoute, draftWorkflow, runsOf, type SdkAuth } from "@/test/support/sdk-route-fixtures";
import { connectedUser, deployedWorkflow, requestStep, waitFor } from "@/test/support/workflow-fixtures";
import { workflowTestEnv } from "@/test/support/workflow-test-env";
import { MAX_WAITS_PER_USER, SECRET_KEY_REQUIRED_TO_START } from "@/lib/workflows/api-schema";
import { cancelRun } from "@/lib/workflows/runs";
import { GET as getMe } from "../../me/route";
import { POST as disable, OPTIONS as disableOptions } from "./disable/route";
import { POST as enable, OPTIONS as enableOptions } from "./enable/route";
import { POST as startRun, OPTIONS as runsOptions } from "./runs/route";
import { SYSTEM_ACTOR } from "@/lib/audit/audit-log";

// The SDK's workflow routes on a real database with the engine's workers running: Request runs
// (202, or ?wait=true with the last step's output, at most 10 waits per user), every refusal
// writing no run, each user's enablement as GET /sdk/me lists it, and who may start a workflow
// that uses an App-Level resource.

// A database of the file's own: another test file's workers must not take these runs' jobs.
const env = workflowTestEnv({ resources: { tasks: "api" }, secretKey: true });
let other: Awaited<ReturnType<typeof projectWithSigningKey>>;
let createTask: string;
let appLevel: string;
let onEvent: string;
let undeployed: string;
let othersWorkflow: string;

beforeAll(async () => {
  other = await projectWithSigningKey();
  createTask = await deployedWorkflow(
    env.projectId,
    {
      trigger: { kind: "request" },
      steps: [requestStep(env.resources.tasks, "create_task", "POST", "/tasks", { body: '{"title": "{{trigger.body.title}}"}' })],
    },
    "Create task",
  );
  appLevel = await deployedWorkflow(env.projectId, { trigger: { kind: "request" }, steps: [alwaysStep] }, "App check");
  onEvent = await deployedWorkflow(
    env.projectId,
    { trigger: { kind: "app_event", eventName: "task.created" }, steps: [alwaysStep] },
    "On event",
  );
  undeployed = await draftWorkflow(env.projectId, { trigger: { kind: "request" }, steps: [alwaysStep] });
  const otherResource = await publishedTaskLabResource(other.projectId, env.tasklab, "user-oauth-no-profile");
  othersWorkflow = await deployedWorkflow(other.projectId, {
    trigger: { kind: "request" },
    steps: [requestStep(otherResource, "list", "GET", "/tasks")],
  });
});

const userToken = async (userId: string): Promise<SdkAuth> => ({
  token: await signUserToken(env.signingKey.privateKeyPem, { kid: env.signingKey.kid, claims: { sub: userId } }),
});

const workflowUrl = (workflowId: string, action: string) => `/projects/${env.projectId}/sdk/workflows/${workflowId}/${action}`;

function run(
  auth: SdkAuth,
  workflowId: string,
  { body = {}, query = "", headers }: { body?: unknown; query?: string; headers?: Record<string, string> } = {},
) {
  return callSdkRoute(startRun, {
    url: `${workflowUrl(workflowId, "runs")}${query}`,
    params: { projectId: env.projectId, workflowId },
    auth,
    body,
    headers,
  });
}

function setEnabled(auth: SdkAuth, workflowId: string, enabled: boolean) {
  return callSdkRoute(enabled ? enable : disable, {
    url: workflowUrl(workflowId, enabled ? "enable" : "disable"),
    params: { projectId: env.projectId, workflowId },
    auth,
  });
}

async function me(userId: string) {
  const auth = (await userToken(userId)) as { token: string };
  return callSdkRoute(getMe, {
    url: `/projects/${env.projectId}/sdk/me`,
    params: { projectId: env.projectId },
    auth,
    method: "GET",
  });
}

describe("POST /projects/:projectId/sdk/workflows/:workflowId/runs", () => {
  it("answers 202 with the run's id, the body as trigger.body, for the user", async () => {
    const userId = await connectedUser(env.projectId, env.resources.tasks, env.tasklab);
    const response = await run(await userToken(userId), createTask, { body: { title: "Queued", nested: { n: 1 } } });
    expect(response.status).toBe(202);
    expect(Object.keys(response.json!)).toEqual(["runId"]);
    const stored = (await runsOf(env.projectId)).find((candidate) => candidate.id === response.json!.runId);
    expect(stored).toMatchObject({
      workflowId: createTask,
      userId,
      version: 1,
      trigger: { kind: "request", input: { body: { title: "Queued", nested: { n: 1 } } } },
    });
  });

  it("with ?wait=true answers 200 with the run's status and its last step's output", async () => {
    const userId = await connectedUser(env.projectId, env.resources.tasks, env.tasklab);
    const response = await run(await userToken(userId), createTask, { body: { title: "Waited for" }, query: "?wait=true" });
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({
      runId: expect.any(String),
      status: "succeeded",
      output: { status: 201, body: { title: "Waited for" } },
    });
    const stored = (await runsOf(env.projectId)).find((candidate) => candidate.id === response.json!.runId);
    expect(stored?.status).toBe("succeeded");
  });

  it("takes a Secret Key naming the user, or naming none for a workflow on no User-Level resource", async () => {
    const userId = await connectedUser(env.projectId, env.resources.tasks, env.tasklab);
    const forUser = await run({ secretKey: env.secretKey, user: userId }, createTask, {
      body: { title: "From the backend" },
      query: "?wait=true",
    });
    expect(forUser).toMatchObject({ status: 200, json: { status: "succeeded", output: { body: { title: "From the backend" } } } });

    const forApp = await run({ secretKey: env.secretKey }, appLevel, { query: "?wait=false" });
    expect(forApp.status).toBe(202);
    expect((await runsOf(env.projectId)).find((candidate) => candidate.id === forApp.json!.runId)).toMatchObject({
      workflowId: appLevel,
      userId: null,
    });
  });

  it("answers CORS preflights for Allowed Origins only, on every workflow route", async () => {
    for (const [handler, action] of [
      [runsOptions, "runs"],
      [enableOptions, "enable"],
      [disableOptions, "disable"],
    ] as const) {
      const call = (origin: string) =>
        handler(new Request(`http://switchboard.test${workflowUrl(createTask, action)}`, { method: "OPTIONS", headers: { origin } }), {
          params: Promise.resolve({ projectId: env.projectId, workflowId: createTask }),
        });
      const allowed = await call(ALLOWED_ORIGIN);
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get("access-control-allow-methods")).toBe("POST, OPTIONS");
      expect((await call("https://evil.test")).status).toBe(403);
    }
  });
});

describe("refused runs start nothing", () => {
  const disabledUser = `disabled-${randomUUID()}`;
  beforeAll(async () => {
    expect((await setEnabled(await userToken(disabledUser), createTask, false)).status).toBe(200);
  });

  interface Refusal {
    label: string;
    status: number;
    code: string;
    fields?: Record<string, string>;
    message?: string;
    call: () => Promise<Awaited<ReturnType<typeof run>>>;
  }
  const asUser = async (workflowId: () => string, options?: Parameters<typeof run>[2]) =>
    run(await userToken("refused"), workflowId(), options);
  const cases: Refusal[] = [
    { label: "no Authorization header", status: 401, code: "missing_user_token", call: () => run(null, createTask) },
    {
      label: "an unknown Secret Key",
      status: 401,
      code: "invalid_secret_key",
      call: () => run({ secretKey: "sk_not-a-key", user: "u" }, createTask),
    },
    { label: "bad JSON", status: 400, code: "invalid_json", call: () => asUser(() => createTask, { body: '{"title": ' }) },
    { label: "a JSON array", status: 400, code: "invalid_body", call: () => asUser(() => createTask, { body: [] }) },
    {
      label: "a body holding NUL, which PostgreSQL cannot store",
      status: 400,
      code: "invalid_body",
      message: "A NUL character or a lone surrogate cannot be stored (at body.title).",
      call: () => asUser(() => createTask, { body: '{"title": "a\\u0000b"}' }),
    },
    {
      label: "no body",
      status: 415,
      code: "unsupported_media_type",
      call: () => asUser(() => createTask, { body: "", headers: { "content-type": "" } }),
    },
    {
      label: "a wait that is neither true nor false",
      status: 400,
      code: "invalid_input",
      fields: { wait: "Use wait=true, or leave it out." },
      call: () => asUser(() => createTask, { query: "?wait=yes" }),
    },
    { label: "a malformed workflow id", status: 404, code: "workflow_not_found", call: () => asUser(() => "not-a-uuid") },
    { label: "an unknown workflow id", status: 404, code: "workflow_not_found", call: () => asUser(() => randomUUID()) },
    { label: "another project's workflow id", status: 404, code: "workflow_not_found", call: () => asUser(() => othersWorkflow) },
    { label: "a workflow never deployed", status: 409, code: "workflow_not_deployed", call: () => asUser(() => undeployed) },
    { label: "a workflow on another trigger", status: 409, code: "wrong_trigger", call: () => asUser(() => onEvent) },
    {
      label: "a workflow the user disabled",
      status: 409,
      code: "workflow_disabled",
      call: async () => run(await userToken(disabledUser), createTask),
    },
    {
      label: "the same, by Secret Key for that user",
      status: 409,
      code: "workflow_disabled",
      call: () => run({ secretKey: env.secretKey, user: disabledUser }, createTask),
    },
    {
      label: "a Secret Key naming no user for a workflow on User-Level resources",
      status: 400,
      code: "missing_user",
      call: () => run({ secretKey: env.secretKey }, createTask),
    },
  ];

  it.each(cases)("$label → $status $code", async ({ status, code, fields, message, call }) => {
    const before = [(await runsOf(env.projectId)).length, (await runsOf(other.projectId)).length];
    const response = await call();
    expect(response.status).toBe(status);
    expect(response.json?.error?.code).toBe(code);
    if (fields) expect(response.json?.error?.fields).toEqual(fields);
    if (message) expect(response.json?.error?.message).toBe(message);
    expect([(await runsOf(env.projectId)).length, (await runsOf(other.projectId)).length]).toEqual(before);
  });
});

describe("POST /projects/:projectId/sdk/workflows/:workflowId/enable and /disable", () => {
  it("round-trips a user's setting, as GET /sdk/me lists it and the runs route obeys it", async () => {
    const userId = await connectedUser(env.projectId, env.resources.tasks, env.tasklab);
    const auth = await userToken(userId);
    const listed = await me(userId);
    expect(listed.status).toBe(200);
    // Deployed workflows only (no draft, no other project's), by name, enabled for all users by default.
    expect(listed.json!.workflows).toEqual([
      { id: appLevel, name: "App check", enabled: true },
      { id: createTask, name: "Create task", enabled: true },
      { id: onEvent, name: "On event", enabled: true },
    ]);

    expect(await setEnabled(auth, createTask, false)).toMatchObject({ status: 200, json: { workflowId: createTask, enabled: false } });
    expect((await me(userId)).json!.workflows).toContainEqual({ id: createTask, name: "Create task", enabled: false });
    expect((await run(auth, createTask)).json?.error?.code).toBe("workflow_disabled");
    // Disabling twice is harmless.
    expect((await setEnabled(auth, createTask, false)).status).toBe(200);

    expect(await setEnabled(auth, createTask, true)).toMatchObject({ status: 200, json: { workflowId: createTask, enabled: true } });
    expect((await me(userId)).json!.workflows).toContainEqual({ id: createTask, name: "Create task", enabled: true });
    expect((await run(auth, createTask)).status).toBe(202);
    // Another user's setting is their own.
    expect((await me(`someone-${randomUUID()}`)).json!.workflows).toContainEqual({ id: createTask, name: "Create task", enabled: true });
  });

  it("lets a user enable a workflow that is off for all users", async () => {
    const optIn = await deployedWorkflow(env.projectId, { trigger: { kind: "request" }, steps: [alwaysStep] }, "Opt-in");
    await setWorkflowEnabledForAll({ projectId: env.projectId, workflowId: optIn, enabled: false, actor: SYSTEM_ACTOR });
    const userId = `opt-in-${randomUUID()}`;
    expect((await me(userId)).json!.workflows).toContainEqual({ id: optIn, name: "Opt-in", enabled: false });
    expect((await run(await userToken(userId), optIn)).json?.error?.code).toBe("workflow_disabled");
    expect((await setEnabled(await userToken(userId), optIn, true)).status).toBe(200);
    expect((await me(userId)).json!.workflows).toContainEqual({ id: optIn, name: "Opt-in", enabled: true });
    expect((await run(await userToken(userId), optIn)).status).toBe(202);
  });

  it("acts for the user X-Switchboard-User names with a Secret Key, and needs one", async () => {
    const userId = `backend-${randomUUID()}`;
    expect(await setEnabled({ secretKey: env.secretKey, user: userId }, onEvent, false)).toMatchObject({
      status: 200,
      json: { workflowId: onEvent, enabled: false },
    });
    expect((await me(userId)).json!.workflows).toContainEqual({ id: onEvent, name: "On event", enabled: false });
    expect(await setEnabled({ secretKey: env.secretKey }, onEvent, true)).toMatchObject({
      status: 400,
      json: { error: { code: "missing_user" } },
    });
    expect((await me(userId)).json!.workflows).toContainEqual({ id: onEvent, name: "On event", enabled: false });
  });

  it("answers 404 for a workflow that is not this project's, and changes nothing there", async () => {
    const auth = await userToken("lost");
    for (const workflowId of ["not-a-uuid", randomUUID(), othersWorkflow]) {
      for (const enabled of [true, false]) {
        expect(await setEnabled(auth, workflowId, enabled)).toMatchObject({ status: 404, json: { error: { code: "workflow_not_found" } } });
      }
    }
    // The other project's user named "lost" still has the workflow enabled by default.
    const otherToken = await signUserToken(other.key.privateKeyPem, { kid: other.key.kid, claims: { sub: "lost" } });
    const theirs = await callSdkRoute(getMe, {
      url: `/projects/${other.projectId}/sdk/me`,
      params: { projectId: other.projectId },
      auth: { token: otherToken },
      method: "GET",
    });
    expect(theirs.json!.workflows).toEqual([{ id: othersWorkflow, name: expect.any(String), enabled: true }]);
  });

  it("answers 401 without a token", async () => {
    expect(await setEnabled(null, createTask, false)).toMatchObject({ status: 401, json: { error: { code: "missing_user_token" } } });
  });
});

describe("?wait=true", () => {
  it("holds at most 10 waits per user: the 11th answers 429 too_many_waits and starts nothing, another user's wait still runs", async () => {
    // A Delay before a step holds each run until the test cancels it: Cancel ends it, which wakes its waiter.
    const delayed = await deployedWorkflow(
      env.projectId,
      { trigger: { kind: "request" }, steps: [{ key: "pause", type: "delay", seconds: 600 }, alwaysStep] },
      "Held",
    );
    const [busy, calm] = [`busy-${randomUUID()}`, `calm-${randomUUID()}`];
    const runsOfHeld = async () => (await runsOf(env.projectId)).filter((candidate) => candidate.workflowId === delayed);
    const waits = Array.from({ length: MAX_WAITS_PER_USER }, () =>
      run({ secretKey: env.secretKey, user: busy }, delayed, { query: "?wait=true" }),
    );
    // Each wait is held before its run starts: ten runs, ten waits held.
    await waitFor("ten held runs", runsOfHeld, (runs) => runs.length === MAX_WAITS_PER_USER);

    const refused = await run({ secretKey: env.secretKey, user: busy }, delayed, { query: "?wait=true" });
    expect(refused).toMatchObject({ status: 429, json: { error: { code: "too_many_waits" } } });
    expect(refused.headers.get("retry-after")).toBe("1");
    expect(await runsOfHeld()).toHaveLength(MAX_WAITS_PER_USER);
    // Without waiting, the same user still starts runs.
    expect((await run({ secretKey: env.secretKey, user: busy }, delayed)).status).toBe(202);

    const other = run({ secretKey: env.secretKey, user: calm }, delayed, { query: "?wait=true" });
    await waitFor("the other user's run", runsOfHeld, (runs) => runs.some((candidate) => candidate.userId === calm));
    for (const held of await runsOfHeld()) await cancelRun({ projectId: env.projectId, runId: held.id });
    for (const answer of await Promise.all([...waits, other])) expect(answer).toMatchObject({ status: 200, json: { status: "cancelled" } });
    // The waits ended: the user may wait again.
    const again = run({ secretKey: env.secretKey, user: busy }, delayed, { query: "?wait=true" });
    const [last] = await waitFor(
      "another held run",
      async () => (await runsOfHeld()).filter((candidate) => candidate.status === "queued" || candidate.status === "running"),
      (runs) => runs.length === 1,
    );
    await cancelRun({ projectId: env.projectId, runId: last!.id });
    expect((await again).status).toBe(200);
  });
});

describe("a workflow that uses an App-Level resource", () => {
  let appResource: string;
  let appWorkflow: string;
  beforeAll(async () => {
    // App-Level OAuth (client credentials) on TaskLab's /api: every request it sends is in env.tasklab.apiRequests.
    appResource = await publishedTaskLabResource(env.projectId, env.tasklab, "app-oauth-client-credentials");
    appWorkflow = await deployedWorkflow(
      env.projectId,
      {
        trigger: { kind: "request" },
        steps: [requestStep(appResource, "app_call", "GET", "/flaky/app-level-start", { query: { failures: "0" } })],
      },
      "With the app's key",
    );
  });
  afterAll(async () => {
    await setWorkflowEndUsersMayStart({ projectId: env.projectId, workflowId: appWorkflow, allowed: false, actor: SYSTEM_ACTOR });
  });
  const appCalls = () => env.tasklab.apiRequests.filter((request) => request.path === "/api/flaky/app-level-start").length;
  const tokenCalls = () => env.tasklab.tokenRequests.length;
  const appRuns = async () => (await runsOf(env.projectId)).filter((candidate) => candidate.workflowId === appWorkflow);

  it("is started by a Secret Key; a User Token answers 403 secret_key_required, starts no run and sends nothing; /sdk/me does not list it", async () => {
    const userId = `end-user-${randomUUID()}`;
    const tokensBefore = tokenCalls();
    const refused = await run(await userToken(userId), appWorkflow, { query: "?wait=true" });
    expect(refused).toMatchObject({ status: 403, json: { error: { code: "secret_key_required", message: SECRET_KEY_REQUIRED_TO_START } } });
    expect(await appRuns()).toEqual([]);
    expect([appCalls(), tokenCalls()]).toEqual([0, tokensBefore]);
    expect((await me(userId)).json!.workflows).not.toContainEqual(expect.objectContaining({ id: appWorkflow }));

    const fromBackend = await run({ secretKey: env.secretKey }, appWorkflow, { query: "?wait=true" });
    expect(fromBackend).toMatchObject({ status: 200, json: { status: "succeeded", output: { status: 200 } } });
    expect(await appRuns()).toMatchObject([{ userId: null, status: "succeeded" }]);
    expect(appCalls()).toBe(1);
  });

  it("with End users may start this workflow on, a User Token starts it and /sdk/me lists it", async () => {
    const userId = `end-user-${randomUUID()}`;
    await setWorkflowEndUsersMayStart({ projectId: env.projectId, workflowId: appWorkflow, allowed: true, actor: SYSTEM_ACTOR });
    const calls = appCalls();
    const started = await run(await userToken(userId), appWorkflow, { query: "?wait=true" });
    expect(started).toMatchObject({ status: 200, json: { status: "succeeded" } });
    expect(appCalls()).toBe(calls + 1);
    expect((await me(userId)).json!.workflows).toContainEqual({ id: appWorkflow, name: "With the app's key", enabled: true });
  });
});
