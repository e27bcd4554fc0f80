import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { pathToFileURL } from "node:url";
import { build, transform } from "esbuild";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, expectTypeOf, it, vi } from "vitest";
import type { ConnectionView, SdkUser as SchemaSdkUser } from "@/lib/connections/api-schema";
import type { AppEventAccepted, WorkflowEnablement as SchemaWorkflowEnablement } from "@/lib/workflows/api-schema";
import type { ToolCallAnswer, ToolView } from "@/lib/tools/api-schema";
import * as sdk from "./index";
import {
  type Connection,
  createClient,
  CredentialsRejectedError,
  NetworkError,
  NotAuthenticatedError,
  PopupBlockedError,
  RateLimitedError,
  ResourceNotFoundError,
  type SdkUser,
  type SentEvent,
  SwitchboardError,
  type Tool,
  type ToolCallResult,
  ValidationError,
  type WorkflowEnablement,
  WorkflowNotFoundError,
} from "./index";

// A fake Connect API on 127.0.0.1 that answers as app/projects/[projectId]/sdk/** documents:
// Bearer User Token (401 otherwise), `{ error: { code, message, fields? } }` errors, 400 with
// fields per bad key, 404 / 409 / 415 / 422, 429 with Retry-After; workflows' enablement per user
// and App Events (202 with a run per enabled workflow on the event).

interface FakeResource {
  id: string;
  slug: string;
  name: string;
  level: "user" | "app";
  keys: { key: string; optional?: boolean }[];
}

interface FakeWorkflow {
  id: string;
  name: string;
  eventName: string;
  enabledForAll: boolean;
  settings: Map<string, boolean>; // userId → the user's own setting
}

interface FakeProject {
  id: string;
  tokens: Map<string, string>; // User Token → userId
  resources: FakeResource[];
  connections: Map<string, Connection>; // `${resourceId}:${userId}` → connection
  workflows: FakeWorkflow[];
  events: { userId: string; name: string; payload: unknown }[];
  /** The tools each user has. */
  tools: Map<string, Tool[]>;
}

interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
  contentType: string | undefined;
  cookie: string | undefined;
  body: string;
}

const TOKEN = "user-token-alice-secret";
const OTHER_TOKEN = "user-token-bob-secret";
const SECRET_VALUE = "gho_super_secret_value";

const projects = new Map<string, FakeProject>();
const requests: RecordedRequest[] = [];
let rateLimitedRetryAfter: string | undefined;
// POST /sdk/connect-sessions: refuse as from an origin not in Allowed Origins; or answer this url instead.
let connectSessionsRefused = false;
let connectSessionUrl: string | undefined;
// An older server's /sdk/me, without workflows.
let meWithoutWorkflows = false;

function resource(
  name: string,
  slug: string,
  level: "user" | "app" = "user",
  keys: FakeResource["keys"] = [{ key: "access_token" }],
): FakeResource {
  return { id: randomUUID(), slug, name, level, keys };
}

function workflow(name: string, eventName: string, enabledForAll = true): FakeWorkflow {
  return { id: randomUUID(), name, eventName, enabledForAll, settings: new Map() };
}

const enabledFor = (flow: FakeWorkflow, userId: string) => flow.settings.get(userId) ?? flow.enabledForAll;

function addProject(
  resources: FakeResource[],
  tokens: [string, string][] = [[TOKEN, "alice"]],
  workflows: FakeWorkflow[] = [],
): FakeProject {
  const project: FakeProject = {
    id: randomUUID(),
    tokens: new Map(tokens),
    resources,
    connections: new Map(),
    workflows,
    events: [],
    tools: new Map(),
  };
  projects.set(project.id, project);
  return project;
}

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

function sendError(
  response: ServerResponse,
  status: number,
  code: string,
  message: string,
  extra: { fields?: Record<string, string>; headers?: Record<string, string> } = {},
) {
  sendJson(response, status, { error: { code, message, ...(extra.fields ? { fields: extra.fields } : {}) } }, extra.headers);
}

async function readBody(request: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function describeUser(project: FakeProject, userId: string) {
  return {
    authenticated: true,
    userId,
    resources: project.resources.map(({ id, slug, name, level }) => {
      const connection = project.connections.get(`${id}:${userId}`);
      return { id, slug, name, level, ...(connection ? { credentialId: connection.id, credentialStatus: connection.status } : {}) };
    }),
    ...(meWithoutWorkflows
      ? {}
      : { workflows: project.workflows.map((flow) => ({ id: flow.id, name: flow.name, enabled: enabledFor(flow, userId) })) }),
  };
}

const EVENT_NAME = /^[A-Za-z0-9_.:-]{1,100}$/;

function handleWorkflows(
  request: IncomingMessage,
  response: ServerResponse,
  project: FakeProject,
  userId: string,
  route: string,
  body: string,
) {
  if (request.method !== "POST") return sendError(response, 405, "method_not_allowed", "POST only.");
  const enablement = /^workflows\/([^/]+)\/(enable|disable)$/.exec(route);
  if (enablement) {
    const flow = project.workflows.find((candidate) => candidate.id === decodeURIComponent(enablement[1] ?? ""));
    if (!flow) return sendError(response, 404, "workflow_not_found", "No workflow with this ID in this project.");
    flow.settings.set(userId, enablement[2] === "enable");
    return sendJson(response, 200, { workflowId: flow.id, enabled: enablement[2] === "enable" });
  }
  if (route !== "events") return sendError(response, 404, "not_found", "No such route.");
  if (!/^application\/json\s*(;|$)/i.test(request.headers["content-type"] ?? "")) {
    return sendError(response, 415, "unsupported_media_type", "Send the body as JSON, with Content-Type: application/json.");
  }
  const event = JSON.parse(body) as Record<string, unknown>;
  const fields: Record<string, string> = {};
  for (const key of Object.keys(event)) if (key !== "name" && key !== "payload") fields[key] = "Unknown field.";
  if (typeof event.name !== "string" || !EVENT_NAME.test(event.name)) fields.name = "Use letters, digits and . _ : - (e.g. task.sync).";
  if (Object.keys(fields).length) return sendError(response, 400, "invalid_event", "The body is not a valid event.", { fields });
  project.events.push({ userId, name: event.name as string, payload: event.payload });
  const started = project.workflows.filter((flow) => flow.eventName === event.name && enabledFor(flow, userId));
  return sendJson(response, 202, { runIds: started.map(() => randomUUID()) });
}

/** GET tools: the user's tools; POST tools/{name}: answers the arguments back, or a tool error for `{ fail: true }`. */
function handleTools(
  request: IncomingMessage,
  response: ServerResponse,
  project: FakeProject,
  userId: string,
  route: string,
  body: string,
) {
  const tools = project.tools.get(userId) ?? [];
  if (route === "tools") {
    if (request.method !== "GET") return sendError(response, 405, "method_not_allowed", "GET only.");
    return sendJson(response, 200, { tools });
  }
  if (request.method !== "POST") return sendError(response, 405, "method_not_allowed", "POST only.");
  const name = decodeURIComponent(route.slice("tools/".length));
  if (!tools.some((tool) => tool.name === name)) return sendError(response, 404, "tool_not_found", `This user has no tool named ${name}.`);
  const args = JSON.parse(body) as Record<string, unknown>;
  if (args.fail === true) {
    return sendJson(response, 200, {
      isError: true,
      content: { code: "api_error", status: 404, message: 'The API answered 404: {"error":"not_found"}' },
    });
  }
  return sendJson(response, 200, { isError: false, content: { status: 200, body: { name, args } } });
}

/** POST connect-sessions: 201 { url, expiresAt } for a published User-Level resource of the project. */
function handleConnectSessions(request: IncomingMessage, response: ServerResponse, project: FakeProject, body: string) {
  if (request.method !== "POST") return sendError(response, 405, "method_not_allowed", "POST only.");
  if (connectSessionsRefused) {
    return sendError(response, 403, "origin_not_allowed", "This page's origin is not in the project's Allowed Origins.");
  }
  const { resourceId } = JSON.parse(body) as { resourceId?: unknown };
  const target = project.resources.find((candidate) => candidate.id === resourceId);
  if (!target) return sendError(response, 404, "resource_not_found", "No published resource with this ID in this project.");
  if (target.level === "app") return sendError(response, 409, "app_level_resource", "Users do not connect to an App-Level resource.");
  return sendJson(response, 201, {
    url: connectSessionUrl ?? `${baseUrl}/connect/cs_${randomUUID()}`,
    expiresAt: new Date(Date.now() + 600_000).toISOString(),
  });
}

async function handle(request: IncomingMessage, response: ServerResponse) {
  const url = new URL(request.url ?? "/", "http://127.0.0.1");
  const body = await readBody(request);
  requests.push({
    method: request.method ?? "",
    path: url.pathname,
    authorization: request.headers.authorization,
    contentType: request.headers["content-type"],
    cookie: request.headers.cookie,
    body,
  });
  const match =
    /^\/projects\/([^/]+)\/sdk\/(me|events|connect-sessions|tools(?:\/[^/]+)?|workflows\/[^/]+\/[a-z]+|resources\/([^/]+)\/connect)$/.exec(
      url.pathname,
    );
  if (!match) return sendError(response, 404, "not_found", "No such route.");
  const project = projects.get(decodeURIComponent(match[1] ?? ""));
  if (!project) return sendError(response, 404, "project_not_found", "No project has this ID.");
  const token = /^Bearer ([^\s]+)$/i.exec(request.headers.authorization ?? "")?.[1];
  if (!token) return sendError(response, 401, "missing_user_token", "Send the User Token as Authorization: Bearer <token>.");
  const userId = project.tokens.get(token);
  if (!userId) return sendError(response, 401, "invalid_user_token", "The User Token has expired.");
  if (rateLimitedRetryAfter !== undefined) {
    return sendError(response, 429, "rate_limited", "Too many requests for this user: at most 120 a minute.", {
      headers: { "retry-after": rateLimitedRetryAfter },
    });
  }

  if (match[2] === "me") {
    if (request.method !== "GET") return sendError(response, 405, "method_not_allowed", "GET only.");
    return sendJson(response, 200, describeUser(project, userId));
  }
  if (match[2]?.startsWith("tools")) return handleTools(request, response, project, userId, match[2], body);
  if (match[2] === "connect-sessions") return handleConnectSessions(request, response, project, body);
  if (!match[2]?.startsWith("resources/")) return handleWorkflows(request, response, project, userId, match[2] ?? "", body);

  const target = project.resources.find((candidate) => candidate.id === decodeURIComponent(match[3] ?? ""));
  if (!target) return sendError(response, 404, "resource_not_found", "No published resource with this ID in this project.");
  if (target.level === "app") {
    return sendError(
      response,
      409,
      "app_level_resource",
      "This is an App-Level resource: it uses the app's credentials, so users do not connect to it.",
    );
  }
  const key = `${target.id}:${userId}`;
  if (request.method === "DELETE") {
    if (!project.connections.delete(key))
      return sendError(response, 404, "connection_not_found", "This user has no connection to this resource.");
    return sendJson(response, 200, { deleted: true });
  }
  if (request.method !== "POST") return sendError(response, 405, "method_not_allowed", "POST or DELETE only.");
  if (!/^application\/json\s*(;|$)/i.test(request.headers["content-type"] ?? "")) {
    return sendError(response, 415, "unsupported_media_type", "Send the body as JSON, with Content-Type: application/json.");
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return sendError(response, 400, "invalid_json", "The body is not valid JSON.");
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) {
    return sendError(response, 400, "invalid_body", "The body must be a JSON object of the resource's required keys.");
  }
  const values = parsed as Record<string, unknown>;
  const fields: Record<string, string> = {};
  for (const [name, value] of Object.entries(values)) {
    if (!target.keys.some((known) => known.key === name)) fields[name] = "Unknown key: this resource does not take it.";
    else if (typeof value !== "string") fields[name] = "Must be a string.";
  }
  for (const known of target.keys) {
    const value = values[known.key];
    if (!known.optional && (value === undefined || (typeof value === "string" && !value.trim()))) fields[known.key] ??= "Required.";
  }
  if (Object.keys(fields).length) {
    return sendError(
      response,
      400,
      "invalid_credentials_payload",
      `The body does not match the resource's required keys: ${Object.keys(fields).join(", ")}.`,
      { fields },
    );
  }
  if (values.access_token === "refused-by-the-api") {
    return sendError(response, 422, "credentials_rejected", "The API refused these credentials: the profile request answered 401.");
  }
  const now = new Date().toISOString();
  const existing = project.connections.get(key);
  const connection: Connection = {
    id: existing?.id ?? randomUUID(),
    projectId: project.id,
    resourceId: target.id,
    userId,
    status: "VALID",
    profile: { login: "alice" },
    dateCreated: existing?.dateCreated ?? now,
    dateUpdated: now,
    dateRefreshed: null,
  };
  project.connections.set(key, connection);
  return sendJson(response, 200, connection);
}

async function listen(server: Server): Promise<string> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let server: Server;
let baseUrl: string;

beforeAll(async () => {
  server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => sendError(response, 500, "internal_error", String(error)));
  });
  baseUrl = await listen(server);
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  requests.length = 0;
  rateLimitedRetryAfter = undefined;
  connectSessionsRefused = false;
  connectSessionUrl = undefined;
  meWithoutWorkflows = false;
});

afterEach(() => {
  vi.unstubAllGlobals();
});

/** Awaits a rejection and checks its message never carries the User Token or a payload value. */
async function rejection(promise: Promise<unknown>): Promise<SwitchboardError> {
  const error = await promise.then(
    () => expect.unreachable("expected a rejection"),
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(SwitchboardError);
  const { message } = error as SwitchboardError;
  for (const secret of [TOKEN, OTHER_TOKEN, SECRET_VALUE]) expect(message).not.toContain(secret);
  return error as SwitchboardError;
}

function standardProject() {
  const github = resource("GitHub", "github", "user", [{ key: "access_token" }, { key: "refresh_token", optional: true }]);
  const stripe = resource("Stripe Billing", "stripe-billing", "app");
  const sync = workflow("Sync tasks", "task.created");
  const project = addProject([github, stripe], undefined, [sync]);
  return { project, github, stripe, sync };
}

async function authenticated() {
  const fixture = standardProject();
  const client = createClient();
  await client.authenticate(fixture.project.id, TOKEN, { baseUrl });
  return { ...fixture, client };
}

describe("the default client", () => {
  it("refuses calls before authenticate() with NotAuthenticatedError", async () => {
    const error = await rejection(sdk.connectAction("GitHub", { access_token: SECRET_VALUE }));
    expect(error).toBeInstanceOf(NotAuthenticatedError);
    expect(error.code).toBe("not_authenticated");
    expect(error.message).toMatch(/Call authenticate\(projectId, userToken\) before connectAction\(\)/);
    expect(await rejection(sdk.getUser())).toBeInstanceOf(NotAuthenticatedError);
    expect(await rejection(sdk.disconnectAction("GitHub"))).toBeInstanceOf(NotAuthenticatedError);
    expect((await rejection(sdk.enableWorkflow(randomUUID()))).message).toMatch(/before enableWorkflow\(\)/);
    expect((await rejection(sdk.disableWorkflow(randomUUID()))).message).toMatch(/before disableWorkflow\(\)/);
    expect((await rejection(sdk.sendEvent("task.created", {}))).message).toMatch(/before sendEvent\(\)/);
    expect(requests).toHaveLength(0);
  });

  it("authenticates, connects, reads the user and disconnects through the module-level functions", async () => {
    const { project, github } = standardProject();
    await sdk.authenticate(project.id, TOKEN, { baseUrl });
    const connection = await sdk.connectAction("GitHub", { access_token: SECRET_VALUE });
    expect(connection).toMatchObject({ projectId: project.id, resourceId: github.id, userId: "alice", status: "VALID" });
    const user = await sdk.getUser();
    expect(user.resources.find((entry) => entry.id === github.id)).toMatchObject({
      credentialId: connection.id,
      credentialStatus: "VALID",
    });
    await sdk.disconnectAction("github");
    expect(project.connections.size).toBe(0);
  });

  it("disables a workflow, sends an event and enables it again through the module-level functions", async () => {
    const { project, sync } = standardProject();
    await sdk.authenticate(project.id, TOKEN, { baseUrl });
    expect(await sdk.disableWorkflow(sync.id)).toEqual({ workflowId: sync.id, enabled: false });
    expect(await sdk.sendEvent("task.created", { id: 1 })).toEqual({ runIds: [] });
    expect(await sdk.enableWorkflow(sync.id)).toEqual({ workflowId: sync.id, enabled: true });
    expect((await sdk.sendEvent("task.created")).runIds).toHaveLength(1);
    expect((await sdk.getUser()).workflows).toEqual([{ id: sync.id, name: "Sync tasks", enabled: true }]);
  });
});

describe("authenticate", () => {
  it("verifies the User Token with GET /sdk/me", async () => {
    const { project } = standardProject();
    const client = createClient();
    await client.authenticate(project.id, TOKEN, { baseUrl: `${baseUrl}/` });
    expect(requests).toEqual([
      expect.objectContaining({ method: "GET", path: `/projects/${project.id}/sdk/me`, authorization: `Bearer ${TOKEN}` }),
    ]);
  });

  it("throws NotAuthenticatedError on a 401, saying what to do, and stays unauthenticated", async () => {
    const { project } = standardProject();
    const client = createClient();
    const error = await rejection(client.authenticate(project.id, "not-a-valid-token", { baseUrl }));
    expect(error).toBeInstanceOf(NotAuthenticatedError);
    expect(error).toMatchObject({ status: 401, code: "invalid_user_token" });
    expect(error.message).toContain("The User Token has expired.");
    expect(error.message).toContain("Call authenticate() again with a fresh User Token");
    expect((await rejection(client.getUser())).code).toBe("not_authenticated");
  });

  it("forgets the previous session when a new authenticate() fails", async () => {
    const { client, project } = await authenticated();
    await rejection(client.authenticate(project.id, "not-a-valid-token", { baseUrl }));
    expect((await rejection(client.connectAction("GitHub", { access_token: SECRET_VALUE }))).code).toBe("not_authenticated");
  });

  it("answers an unknown project with the server's message", async () => {
    const error = await rejection(createClient().authenticate(randomUUID(), TOKEN, { baseUrl }));
    expect(error.constructor).toBe(SwitchboardError);
    expect(error).toMatchObject({ status: 404, code: "project_not_found", message: "No project has this ID." });
  });

  it("needs a baseUrl when not loaded from <origin>/sdk.js", async () => {
    const { project } = standardProject();
    const error = await rejection(createClient().authenticate(project.id, TOKEN));
    expect(error.code).toBe("missing_base_url");
    expect(error.message).toContain("options.baseUrl");
    expect((await rejection(createClient().authenticate(project.id, TOKEN, { baseUrl: "ftp://example.com" }))).code).toBe(
      "invalid_base_url",
    );
    expect(requests).toHaveLength(0);
  });
});

describe("connectAction", () => {
  it("POSTs the payload as JSON with the Bearer token to the resource's connect path", async () => {
    const { client, project, github } = await authenticated();
    requests.length = 0;
    const connection = await client.connectAction("GitHub", { access_token: SECRET_VALUE, refresh_token: "r" });
    expect(requests).toEqual([
      {
        method: "POST",
        path: `/projects/${project.id}/sdk/resources/${github.id}/connect`,
        authorization: `Bearer ${TOKEN}`,
        contentType: "application/json",
        cookie: undefined,
        body: JSON.stringify({ access_token: SECRET_VALUE, refresh_token: "r" }),
      },
    ]);
    expect(connection).toEqual(project.connections.get(`${github.id}:alice`));
  });

  it("resolves the name case-insensitively, by slug or by ID, from the cached list", async () => {
    const { client, github } = await authenticated();
    requests.length = 0;
    for (const name of ["github", "GITHUB", "github", github.id]) await client.connectAction(name, { access_token: SECRET_VALUE });
    expect(requests.map((request) => `${request.method} ${request.path}`)).toEqual(
      Array.from({ length: 4 }, () => expect.stringMatching(new RegExp(`^POST .*/resources/${github.id}/connect$`))),
    );
  });

  it("prefers a resource's name over another resource's slug", async () => {
    const named = resource("linear", "issues");
    const slugged = resource("Linear Tracker", "linear");
    const project = addProject([slugged, named]);
    const client = createClient();
    await client.authenticate(project.id, TOKEN, { baseUrl });
    const connection = await client.connectAction("Linear", { access_token: SECRET_VALUE });
    expect(connection.resourceId).toBe(named.id);
  });

  it("refetches /sdk/me once when the name is unknown, then connects", async () => {
    const { client, project } = await authenticated();
    const linear = resource("Linear", "linear");
    project.resources.push(linear);
    requests.length = 0;
    const connection = await client.connectAction("linear", { access_token: SECRET_VALUE });
    expect(connection.resourceId).toBe(linear.id);
    expect(requests.map((request) => request.method)).toEqual(["GET", "POST"]);
    // Now cached: no further refetch.
    requests.length = 0;
    await client.connectAction("Linear", { access_token: SECRET_VALUE });
    expect(requests.map((request) => request.method)).toEqual(["POST"]);
  });

  it("throws ResourceNotFoundError listing the published resources after one refetch", async () => {
    const { client } = await authenticated();
    requests.length = 0;
    const error = await rejection(client.connectAction("Jira", { access_token: SECRET_VALUE }));
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect(error.message).toBe('No resource named "Jira" in this project. Published resources: GitHub, Stripe Billing.');
    expect(error).toMatchObject({ code: "resource_not_found", resourceName: "Jira", knownResources: ["GitHub", "Stripe Billing"] });
    expect(requests.map((request) => request.method)).toEqual(["GET"]);
  });

  it("throws ResourceNotFoundError when the resource was unpublished since the list was fetched", async () => {
    const { client, project, github } = await authenticated();
    project.resources = project.resources.filter((entry) => entry.id !== github.id);
    const error = await rejection(client.connectAction("GitHub", { access_token: SECRET_VALUE }));
    expect(error).toBeInstanceOf(ResourceNotFoundError);
    expect(error).toMatchObject({ status: 404, knownResources: ["Stripe Billing"] });
    expect(error.message).toMatch(/^No resource named "GitHub" in this project any more/);
  });

  it("throws ValidationError naming each bad field on a 400", async () => {
    const { client } = await authenticated();
    const error = await rejection(client.connectAction("GitHub", { refresh_token: SECRET_VALUE, extra: SECRET_VALUE }));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      status: 400,
      code: "invalid_credentials_payload",
      fields: { extra: "Unknown key: this resource does not take it.", access_token: "Required." },
    });
    expect(error.message).toBe(
      "The payload does not match the resource's required keys: extra (Unknown key: this resource does not take it.), access_token (Required.).",
    );
  });

  it("throws ValidationError without calling the server when the payload is not an object", async () => {
    const { client } = await authenticated();
    requests.length = 0;
    const error = await rejection(client.connectAction("GitHub", null as unknown as Record<string, string>));
    expect(error).toBeInstanceOf(ValidationError);
    expect(requests).toHaveLength(0);
  });

  it("throws CredentialsRejectedError on a 422", async () => {
    const { client } = await authenticated();
    const error = await rejection(client.connectAction("GitHub", { access_token: "refused-by-the-api" }));
    expect(error).toBeInstanceOf(CredentialsRejectedError);
    expect(error).toMatchObject({
      status: 422,
      code: "credentials_rejected",
      message: "The API refused these credentials: the profile request answered 401.",
    });
  });

  it("throws RateLimitedError with retryAfterSeconds on a 429", async () => {
    const { client } = await authenticated();
    rateLimitedRetryAfter = "42";
    const error = await rejection(client.connectAction("GitHub", { access_token: SECRET_VALUE }));
    expect(error).toBeInstanceOf(RateLimitedError);
    expect(error).toMatchObject({ status: 429, code: "rate_limited", retryAfterSeconds: 42 });
    expect(error.message).toBe("Too many requests for this user: at most 120 a minute. Retry in 42 s.");
  });

  it("throws NotAuthenticatedError when the token is refused later (401)", async () => {
    const { client, project } = await authenticated();
    project.tokens.clear();
    const error = await rejection(client.connectAction("GitHub", { access_token: SECRET_VALUE }));
    expect(error).toBeInstanceOf(NotAuthenticatedError);
    expect(error.status).toBe(401);
  });

  it("answers an App-Level resource with a SwitchboardError carrying the server's code and message", async () => {
    const { client } = await authenticated();
    const error = await rejection(client.connectAction("stripe-billing", { access_token: SECRET_VALUE }));
    expect(error.constructor).toBe(SwitchboardError);
    expect(error).toMatchObject({ status: 409, code: "app_level_resource" });
    expect(error.message).toMatch(/^This is an App-Level resource/);
  });

  it("throws NetworkError when the server is down", async () => {
    const { project } = standardProject();
    const closed = createServer();
    const closedUrl = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    const error = await rejection(createClient().authenticate(project.id, TOKEN, { baseUrl: closedUrl }));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.code).toBe("network_error");
    expect(error.status).toBeUndefined();
    expect(error.message).toContain(`Could not reach Switchboard at ${closedUrl}`);
    expect(error.message).not.toContain("Allowed Origins");
  });

  it("explains Allowed Origins in a NetworkError's message when running in a browser", async () => {
    const { project } = standardProject();
    const closed = createServer();
    const closedUrl = await listen(closed);
    await new Promise((resolve) => closed.close(resolve));
    vi.stubGlobal("window", {});
    vi.stubGlobal("document", {});
    vi.stubGlobal("location", { origin: "https://app.example.com" });
    const error = await rejection(createClient().authenticate(project.id, TOKEN, { baseUrl: closedUrl }));
    expect(error).toBeInstanceOf(NetworkError);
    expect(error.message).toContain("this page's origin (https://app.example.com) must be in the project's Allowed Origins");
  });
});

/**
 * A minimal stand-in for a browser's `window`: what connect() uses of it (open, message listeners)
 * and of the popup (closed, close, location.replace). Messages are delivered as the browser would
 * dispatch them, with an origin and a source; the real popup is the lead's Playwright test.
 */
function fakeBrowser({ blocked = false }: { blocked?: boolean } = {}) {
  const listeners = new Set<(event: { origin: string; source: unknown; data: unknown }) => void>();
  const opened: { url: string; target: string; features: string }[] = [];
  const navigations: string[] = [];
  const popup = {
    closed: false,
    close() {
      popup.closed = true;
    },
    location: {
      replace(url: string) {
        navigations.push(url);
      },
    },
  };
  vi.stubGlobal("window", {
    open(url: string, target: string, features: string) {
      opened.push({ url, target, features });
      return blocked ? null : popup;
    },
    addEventListener(type: string, listener: (event: { origin: string; source: unknown; data: unknown }) => void) {
      if (type === "message") listeners.add(listener);
    },
    removeEventListener(type: string, listener: (event: { origin: string; source: unknown; data: unknown }) => void) {
      if (type === "message") listeners.delete(listener);
    },
  });
  vi.stubGlobal("document", {});
  return {
    popup,
    opened,
    navigations,
    listeners,
    post(event: { origin: string; source: unknown; data: unknown }) {
      for (const listener of [...listeners]) listener(event);
    },
    /** Waits until connect() has sent the popup to the session's url. */
    async navigated(): Promise<string> {
      await vi.waitFor(() => expect(navigations).toHaveLength(1));
      return navigations[0]!;
    },
  };
}

describe("connect", () => {
  it("needs a resource name and an options object, and opens nothing without them", async () => {
    const { client } = await authenticated();
    const browser = fakeBrowser();
    requests.length = 0;
    expect((await rejection(client.connect(""))).code).toBe("invalid_argument");
    expect((await rejection(client.connect("GitHub", "onSuccess" as never))).message).toContain("{ onSuccess, onError, onClose }");
    expect(browser.opened).toEqual([]);
    expect(requests).toEqual([]);
  });

  it("refuses to run outside a browser with a typed error that says what to do instead", async () => {
    const { client } = await authenticated();
    requests.length = 0;
    const error = await rejection(client.connect("GitHub"));
    expect(error).toMatchObject({ name: "SwitchboardError", code: "browser_required" });
    expect(error.message).toContain("runs only in a browser");
    expect(error.message).toContain("POST /projects/{projectId}/sdk/connect-sessions");
    expect((await rejection(sdk.connect("GitHub"))).code).toBe("browser_required");
    expect(requests).toEqual([]);
  });

  it("needs authenticate() first, and opens no popup", async () => {
    const browser = fakeBrowser();
    const error = await rejection(createClient().connect("GitHub"));
    expect(error).toBeInstanceOf(NotAuthenticatedError);
    expect(error.message).toContain("before connect()");
    expect(browser.opened).toEqual([]);
  });

  it("throws PopupBlockedError when the browser blocks the popup, and asks Switchboard for nothing", async () => {
    const { client } = await authenticated();
    fakeBrowser({ blocked: true });
    requests.length = 0;
    const error = await rejection(client.connect("GitHub"));
    expect(error).toBeInstanceOf(PopupBlockedError);
    expect(error.code).toBe("popup_blocked");
    expect(error.message).toContain("from a click handler");
    expect(requests).toEqual([]);
  });

  it("opens the popup at once, asks for a connect session, sends the popup there, and resolves with the popup's answer only", async () => {
    const { client, project, github } = await authenticated();
    const browser = fakeBrowser();
    requests.length = 0;
    const onSuccess = vi.fn();
    const onError = vi.fn();
    const onClose = vi.fn();
    const pending = client.connect("github", { onSuccess, onError, onClose });
    // Synchronously, before any request: a popup opened after an await would be blocked.
    expect(browser.opened).toEqual([{ url: "about:blank", target: "switchboard-connect", features: "popup,width=520,height=720" }]);
    expect(requests).toEqual([]);

    const sessionUrl = await browser.navigated();
    expect(sessionUrl).toMatch(new RegExp(`^${baseUrl}/connect/cs_`));
    expect(requests).toEqual([
      expect.objectContaining({
        method: "POST",
        path: `/projects/${project.id}/sdk/connect-sessions`,
        authorization: `Bearer ${TOKEN}`,
        contentType: "application/json",
        cookie: undefined,
      }),
    ]);
    expect(JSON.parse(requests[0]!.body)).toEqual({ resourceId: github.id });

    const answer = { type: "switchboard:connect", status: "connected", resourceId: github.id };
    // Ignored: another origin, another window, another kind of message, another resource, an unknown status.
    browser.post({ origin: "https://evil.example", source: browser.popup, data: answer });
    browser.post({ origin: baseUrl, source: {}, data: answer });
    browser.post({ origin: baseUrl, source: null, data: answer });
    browser.post({ origin: baseUrl, source: browser.popup, data: { ...answer, type: "other:connect" } });
    browser.post({ origin: baseUrl, source: browser.popup, data: JSON.stringify(answer) });
    browser.post({ origin: baseUrl, source: browser.popup, data: { ...answer, resourceId: randomUUID() } });
    browser.post({ origin: baseUrl, source: browser.popup, data: { ...answer, status: "pending" } });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(onSuccess).not.toHaveBeenCalled();
    expect(browser.listeners.size).toBe(1);

    browser.post({ origin: baseUrl, source: browser.popup, data: answer });
    expect(await pending).toEqual({ status: "connected", resourceId: github.id });
    expect(onSuccess).toHaveBeenCalledExactlyOnceWith({ status: "connected", resourceId: github.id });
    expect(onError).not.toHaveBeenCalled();
    expect(onClose).not.toHaveBeenCalled();
    expect(browser.listeners.size).toBe(0);
  });

  it("resolves an error answer with its code and message (or a string's), calling onError", async () => {
    const { client, github } = await authenticated();
    const browser = fakeBrowser();
    const onError = vi.fn();
    const denied = client.connect("GitHub", { onError });
    await browser.navigated();
    browser.post({
      origin: baseUrl,
      source: browser.popup,
      data: {
        type: "switchboard:connect",
        status: "error",
        resourceId: github.id,
        error: { code: "access_denied", message: "You denied access at GitHub." },
      },
    });
    const result = { status: "error", resourceId: github.id, error: { code: "access_denied", message: "You denied access at GitHub." } };
    expect(await denied).toEqual(result);
    expect(onError).toHaveBeenCalledExactlyOnceWith(result);

    browser.navigations.length = 0;
    const failed = client.connect("GitHub");
    await browser.navigated();
    browser.post({
      origin: baseUrl,
      source: browser.popup,
      data: { type: "switchboard:connect", status: "error", resourceId: github.id, error: "The API answered 401." },
    });
    expect(await failed).toEqual({
      status: "error",
      resourceId: github.id,
      error: { code: "connect_failed", message: "The API answered 401." },
    });
  });

  it("resolves closed and calls onClose when the user closes the popup without an answer", async () => {
    const { client, github } = await authenticated();
    const browser = fakeBrowser();
    const onSuccess = vi.fn();
    const onClose = vi.fn();
    const pending = client.connect("GitHub", { onSuccess, onClose });
    await browser.navigated();
    browser.popup.closed = true;
    expect(await pending).toEqual({ status: "closed", resourceId: github.id });
    expect(onClose).toHaveBeenCalledExactlyOnceWith({ status: "closed", resourceId: github.id });
    expect(onSuccess).not.toHaveBeenCalled();
    expect(browser.listeners.size).toBe(0);
  });

  it("takes an answer posted just before the popup closed itself", async () => {
    const { client, github } = await authenticated();
    const browser = fakeBrowser();
    const pending = client.connect("GitHub");
    await browser.navigated();
    browser.popup.closed = true;
    // The poll may see the popup closed before the message event is dispatched.
    await new Promise((resolve) => setTimeout(resolve, 560));
    browser.post({
      origin: baseUrl,
      source: browser.popup,
      data: { type: "switchboard:connect", status: "connected", resourceId: github.id },
    });
    expect(await pending).toEqual({ status: "connected", resourceId: github.id });
  });

  it("closes the popup and rejects when Switchboard refuses the session, the resource is unknown or the answer has no url", async () => {
    const { client } = await authenticated();
    let browser = fakeBrowser();
    connectSessionsRefused = true;
    const refused = await rejection(client.connect("GitHub"));
    expect(refused).toMatchObject({ status: 403, code: "origin_not_allowed" });
    expect(refused.message).toContain("Allowed Origins");
    expect(browser.popup.closed).toBe(true);
    expect(browser.navigations).toEqual([]);
    connectSessionsRefused = false;

    browser = fakeBrowser();
    const unknown = await rejection(client.connect("Jira"));
    expect(unknown).toBeInstanceOf(ResourceNotFoundError);
    expect(browser.popup.closed).toBe(true);

    browser = fakeBrowser();
    const appLevel = await rejection(client.connect("Stripe Billing"));
    expect(appLevel).toMatchObject({ status: 409, code: "app_level_resource" });
    expect(browser.popup.closed).toBe(true);

    browser = fakeBrowser();
    connectSessionUrl = "javascript:alert(1)";
    expect((await rejection(client.connect("GitHub"))).code).toBe("unexpected_response");
    expect(browser.popup.closed).toBe(true);
    expect(browser.navigations).toEqual([]);
  });

  it("works through the module-level connect()", async () => {
    const { project, github } = standardProject();
    await sdk.authenticate(project.id, TOKEN, { baseUrl });
    const browser = fakeBrowser();
    const pending = sdk.connect("GitHub");
    await browser.navigated();
    browser.post({
      origin: baseUrl,
      source: browser.popup,
      data: { type: "switchboard:connect", status: "connected", resourceId: github.id },
    });
    expect(await pending).toEqual({ status: "connected", resourceId: github.id });
  });
});

describe("disconnectAction", () => {
  it("DELETEs the connection and resolves to nothing", async () => {
    const { client, project, github } = await authenticated();
    await client.connectAction("GitHub", { access_token: SECRET_VALUE });
    requests.length = 0;
    await expect(client.disconnectAction("GITHUB")).resolves.toBeUndefined();
    expect(requests).toEqual([
      expect.objectContaining({
        method: "DELETE",
        path: `/projects/${project.id}/sdk/resources/${github.id}/connect`,
        authorization: `Bearer ${TOKEN}`,
        body: "",
      }),
    ]);
    expect(project.connections.size).toBe(0);
  });

  it("reports a missing connection with the server's code", async () => {
    const { client } = await authenticated();
    const error = await rejection(client.disconnectAction("GitHub"));
    expect(error).toMatchObject({ status: 404, code: "connection_not_found", message: "This user has no connection to this resource." });
  });

  it("throws ResourceNotFoundError for an unknown name", async () => {
    const { client } = await authenticated();
    expect(await rejection(client.disconnectAction("Jira"))).toBeInstanceOf(ResourceNotFoundError);
  });
});

describe("getUser", () => {
  it("fetches /sdk/me afresh each time", async () => {
    const { client, project, github, stripe, sync } = await authenticated();
    requests.length = 0;
    const before = await client.getUser();
    expect(before).toEqual({
      authenticated: true,
      userId: "alice",
      resources: [
        { id: github.id, slug: "github", name: "GitHub", level: "user" },
        { id: stripe.id, slug: "stripe-billing", name: "Stripe Billing", level: "app" },
      ],
      workflows: [{ id: sync.id, name: "Sync tasks", enabled: true }],
    });
    const connection = await client.connectAction("GitHub", { access_token: SECRET_VALUE });
    const after = await client.getUser();
    expect(after.resources[0]).toEqual({
      id: github.id,
      slug: "github",
      name: "GitHub",
      level: "user",
      credentialId: connection.id,
      credentialStatus: "VALID",
    });
    expect(requests.filter((request) => request.path === `/projects/${project.id}/sdk/me`)).toHaveLength(2);
  });
});

describe("getUser's workflows", () => {
  it("lists each deployed workflow with the user's setting, else Enabled for all users", async () => {
    const { client, project, sync } = await authenticated();
    const optIn = workflow("Weekly digest", "digest.weekly", false);
    project.workflows.push(optIn);
    expect((await client.getUser()).workflows).toEqual([
      { id: sync.id, name: "Sync tasks", enabled: true },
      { id: optIn.id, name: "Weekly digest", enabled: false },
    ]);
    await client.enableWorkflow(optIn.id);
    await client.disableWorkflow(sync.id);
    expect((await client.getUser()).workflows).toEqual([
      { id: sync.id, name: "Sync tasks", enabled: false },
      { id: optIn.id, name: "Weekly digest", enabled: true },
    ]);
  });

  it("refuses a /sdk/me answer without workflows as an unexpected response", async () => {
    const { client } = await authenticated();
    meWithoutWorkflows = true;
    expect(await rejection(client.getUser())).toMatchObject({ code: "unexpected_response", status: 200 });
  });
});

describe("enableWorkflow and disableWorkflow", () => {
  it("POST to the workflow's enable and disable paths with the Bearer token and no body", async () => {
    const { client, project, sync } = await authenticated();
    requests.length = 0;
    expect(await client.disableWorkflow(sync.id)).toEqual({ workflowId: sync.id, enabled: false });
    expect(await client.enableWorkflow(` ${sync.id} `)).toEqual({ workflowId: sync.id, enabled: true });
    expect(requests).toEqual([
      {
        method: "POST",
        path: `/projects/${project.id}/sdk/workflows/${sync.id}/disable`,
        authorization: `Bearer ${TOKEN}`,
        contentType: undefined,
        cookie: undefined,
        body: "",
      },
      {
        method: "POST",
        path: `/projects/${project.id}/sdk/workflows/${sync.id}/enable`,
        authorization: `Bearer ${TOKEN}`,
        contentType: undefined,
        cookie: undefined,
        body: "",
      },
    ]);
    expect(sync.settings.get("alice")).toBe(true);
  });

  it("throws WorkflowNotFoundError for an ID the project has no workflow for", async () => {
    const { client } = await authenticated();
    const unknown = randomUUID();
    const error = await rejection(client.enableWorkflow(unknown));
    expect(error).toBeInstanceOf(WorkflowNotFoundError);
    expect(error).toMatchObject({ status: 404, code: "workflow_not_found", workflowId: unknown });
    expect(error.message).toBe(`No workflow with the ID "${unknown}" in this project. getUser() lists the deployed workflows.`);
  });

  it("needs a workflow ID, and calls nothing without one", async () => {
    const { client } = await authenticated();
    requests.length = 0;
    for (const id of ["", "  ", undefined, 42]) {
      const error = await rejection(client.disableWorkflow(id as unknown as string));
      expect(error).toMatchObject({
        code: "invalid_argument",
        message: "disableWorkflow() needs the workflow's ID as its first argument.",
      });
    }
    expect(requests).toHaveLength(0);
  });

  it("throws NotAuthenticatedError when the token is refused (401)", async () => {
    const { client, project, sync } = await authenticated();
    project.tokens.clear();
    expect(await rejection(client.enableWorkflow(sync.id))).toBeInstanceOf(NotAuthenticatedError);
  });
});

describe("sendEvent", () => {
  it("POSTs { name, payload } as JSON and answers the runs it started", async () => {
    const { client, project } = await authenticated();
    requests.length = 0;
    const sent: SentEvent = await client.sendEvent("task.created", { taskId: "t_1", nested: { done: false } });
    expect(sent.runIds).toHaveLength(1);
    expect(requests).toEqual([
      {
        method: "POST",
        path: `/projects/${project.id}/sdk/events`,
        authorization: `Bearer ${TOKEN}`,
        contentType: "application/json",
        cookie: undefined,
        body: JSON.stringify({ name: "task.created", payload: { taskId: "t_1", nested: { done: false } } }),
      },
    ]);
    expect(project.events).toEqual([{ userId: "alice", name: "task.created", payload: { taskId: "t_1", nested: { done: false } } }]);
  });

  it("sends {} when no payload is given, and answers no runs when no enabled workflow is on the event", async () => {
    const { client, project } = await authenticated();
    expect(await client.sendEvent("nothing.listens")).toEqual({ runIds: [] });
    expect(project.events.at(-1)).toEqual({ userId: "alice", name: "nothing.listens", payload: {} });
  });

  it("throws ValidationError naming each bad field on a 400", async () => {
    const { client } = await authenticated();
    const error = await rejection(client.sendEvent("not a valid name!", {}));
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({
      status: 400,
      code: "invalid_event",
      fields: { name: "Use letters, digits and . _ : - (e.g. task.sync)." },
    });
    expect(error.message).toBe("The event is not valid: name (Use letters, digits and . _ : - (e.g. task.sync).).");
  });

  it("throws ValidationError without calling the server for a missing name or a payload that is not an object", async () => {
    const { client } = await authenticated();
    requests.length = 0;
    expect(await rejection(client.sendEvent("", {}))).toMatchObject({ code: "invalid_event", fields: { name: "Required." } });
    expect(await rejection(client.sendEvent("task.created", [] as unknown as Record<string, unknown>))).toMatchObject({
      code: "invalid_event",
      fields: { payload: "Must be an object." },
    });
    expect(await rejection(client.sendEvent("task.created", "x" as unknown as Record<string, unknown>))).toBeInstanceOf(ValidationError);
    expect(requests).toHaveLength(0);
  });

  it("throws RateLimitedError on a 429", async () => {
    const { client } = await authenticated();
    rateLimitedRetryAfter = "7";
    expect(await rejection(client.sendEvent("task.created"))).toMatchObject({ status: 429, retryAfterSeconds: 7 });
  });
});

describe("listTools and callTool", () => {
  const createTask: Tool = {
    name: "create_task",
    description: "Create a task",
    inputSchema: { type: "object", properties: { body: { type: "object" } }, required: ["body"] },
  };

  it("lists the user's tools and calls one by name with its arguments as JSON", async () => {
    const { project, client } = await authenticated();
    project.tools.set("alice", [createTask]);
    expect(await client.listTools()).toEqual([createTask]);
    const result: ToolCallResult = await client.callTool("create_task", { body: { title: "Write the docs" } });
    expect(result).toEqual({
      isError: false,
      content: { status: 200, body: { name: "create_task", args: { body: { title: "Write the docs" } } } },
    });
    expect(requests.at(-1)).toMatchObject({
      method: "POST",
      path: `/projects/${project.id}/sdk/tools/create_task`,
      authorization: `Bearer ${TOKEN}`,
      contentType: "application/json",
      body: JSON.stringify({ body: { title: "Write the docs" } }),
    });
    // A tool's failure is a result, not a throw.
    expect(await client.callTool("create_task", { fail: true })).toMatchObject({
      isError: true,
      content: { code: "api_error", status: 404 },
    });
  });

  it("throws with the server's code for an unknown tool, and checks its own arguments first", async () => {
    const { client } = await authenticated();
    expect(await rejection(client.callTool("no_such_tool"))).toMatchObject({ code: "tool_not_found", status: 404 });
    const sent = requests.length;
    expect(await rejection(client.callTool(""))).toMatchObject({ code: "invalid_argument" });
    expect(await rejection(client.callTool("create_task", [] as never))).toBeInstanceOf(ValidationError);
    expect(requests).toHaveLength(sent);
    expect(await rejection(createClient().listTools())).toBeInstanceOf(NotAuthenticatedError);
  });
});

describe("createClient", () => {
  it("gives each client its own project, token and resource list", async () => {
    const first = await authenticated();
    const jira = resource("Jira", "jira");
    const secondProject = addProject([jira], [[OTHER_TOKEN, "bob"]]);
    const second = createClient();
    const third = createClient();
    await second.authenticate(secondProject.id, OTHER_TOKEN, { baseUrl });

    expect((await rejection(third.connectAction("GitHub", { access_token: SECRET_VALUE }))).code).toBe("not_authenticated");
    expect((await rejection(second.connectAction("GitHub", { access_token: SECRET_VALUE }))).message).toBe(
      'No resource named "GitHub" in this project. Published resources: Jira.',
    );
    expect(await rejection(first.client.connectAction("Jira", { access_token: SECRET_VALUE }))).toBeInstanceOf(ResourceNotFoundError);

    requests.length = 0;
    await second.connectAction("jira", { access_token: SECRET_VALUE });
    await first.client.connectAction("github", { access_token: SECRET_VALUE });
    expect(requests).toEqual([
      expect.objectContaining({
        path: `/projects/${secondProject.id}/sdk/resources/${jira.id}/connect`,
        authorization: `Bearer ${OTHER_TOKEN}`,
      }),
      expect.objectContaining({
        path: `/projects/${first.project.id}/sdk/resources/${first.github.id}/connect`,
        authorization: `Bearer ${TOKEN}`,
      }),
    ]);
    expect((await second.getUser()).userId).toBe("bob");
    expect((await first.client.getUser()).userId).toBe("alice");
  });
});

describe("types", () => {
  it("match the Connect API's schema", () => {
    expectTypeOf<Connection>().toEqualTypeOf<ConnectionView>();
    expectTypeOf<SdkUser>().toEqualTypeOf<SchemaSdkUser>();
    expectTypeOf<WorkflowEnablement>().toEqualTypeOf<SchemaWorkflowEnablement>();
    expectTypeOf<SentEvent>().toEqualTypeOf<AppEventAccepted>();
    expectTypeOf<Tool>().toEqualTypeOf<ToolView>();
    expectTypeOf<ToolCallResult>().toEqualTypeOf<ToolCallAnswer>();
  });
});

describe("the /sdk.js bundle", () => {
  const root = path.resolve(import.meta.dirname, "../..");
  const bundlePath = path.join(root, "public/sdk.js");
  let source: string;
  let temporaryDir: string | undefined;

  beforeAll(async () => {
    await promisify(execFile)(process.execPath, [path.join(root, "scripts/build-sdk.mjs")], { cwd: root });
    source = await readFile(bundlePath, "utf8");
  }, 60_000);

  afterAll(async () => {
    if (temporaryDir) await rm(temporaryDir, { recursive: true, force: true });
  });

  it("imports and requires no other module", async () => {
    // esbuild's own reading of the file: every import record, static or dynamic, and require().
    const analysis = await build({
      entryPoints: [bundlePath],
      bundle: true,
      write: false,
      metafile: true,
      format: "esm",
      platform: "neutral",
      logLevel: "silent",
    });
    expect(Object.keys(analysis.metafile.inputs)).toEqual(["public/sdk.js"]);
    expect(analysis.metafile.inputs["public/sdk.js"]?.imports).toEqual([]);
    // And the text, comments and strings aside.
    const { code } = await transform(source, { minifyWhitespace: true, minifySyntax: false, legalComments: "none" });
    const withoutStrings = code.replace(/"(?:[^"\\]|\\.)*"|`(?:[^`\\]|\\.)*`/g, '""').replaceAll("import.meta", "");
    expect(withoutStrings).not.toMatch(/\bimport\b/);
    expect(withoutStrings).not.toMatch(/\brequire\s*\(/);
  });

  it("exposes the same API and works against the Connect API", async () => {
    const bundle = (await import(/* @vite-ignore */ pathToFileURL(bundlePath).href)) as typeof sdk;
    expect(Object.keys(bundle).sort()).toEqual(Object.keys(sdk).sort());
    const { project, github } = standardProject();
    const client = bundle.createClient();
    await client.authenticate(project.id, TOKEN, { baseUrl });
    expect((await client.connectAction("github", { access_token: SECRET_VALUE })).resourceId).toBe(github.id);
    const error = await client.connectAction("Jira", { access_token: SECRET_VALUE }).catch((reason: unknown) => reason);
    expect(error).toBeInstanceOf(bundle.ResourceNotFoundError);
    expect(error).toBeInstanceOf(bundle.SwitchboardError);
    expect(error).toMatchObject({ name: "ResourceNotFoundError", code: "resource_not_found" });
    const sync = project.workflows[0]!;
    expect(await client.disableWorkflow(sync.id)).toEqual({ workflowId: sync.id, enabled: false });
    expect(await client.sendEvent("task.created", {})).toEqual({ runIds: [] });
    expect(await client.enableWorkflow(randomUUID()).catch((reason: unknown) => reason)).toBeInstanceOf(bundle.WorkflowNotFoundError);
  });

  it("defaults baseUrl to the origin it was loaded from as <origin>/sdk.js", async () => {
    // Node cannot import over HTTP: load a copy whose module URL reads as if served at <baseUrl>/sdk.js.
    expect(source.split("import.meta.url")).toHaveLength(2);
    temporaryDir = await mkdtemp(path.join(tmpdir(), "switchboard-sdk-"));
    const copy = path.join(temporaryDir, "sdk-served.js");
    await writeFile(copy, source.replace("import.meta.url", JSON.stringify(`${baseUrl}/sdk.js`)));
    const served = (await import(/* @vite-ignore */ pathToFileURL(copy).href)) as typeof sdk;
    const { project } = standardProject();
    requests.length = 0;
    await served.authenticate(project.id, TOKEN);
    expect(requests).toEqual([expect.objectContaining({ method: "GET", path: `/projects/${project.id}/sdk/me` })]);
  });
});
