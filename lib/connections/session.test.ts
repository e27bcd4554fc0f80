import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  startTaskLab,
  TASKLAB_DEFAULT_API_KEY,
  TASKLAB_DEFAULT_BASIC_USER,
  TASKLAB_DEFAULT_CLIENT,
  TASKLAB_DEFAULT_USER,
  type TaskLab,
} from "@/test/fixtures/tasklab";
import { AppError } from "@/lib/errors";
import type { OutboundPolicy } from "@/lib/http/client";
import type { ApiCall } from "@/lib/resources/request";
import type { ResourceRuntime } from "@/lib/resources/runtime";
import type { ApiAuthentication } from "@/lib/resources/schema";
import type { ConnectionCredentials } from "./credentials";
import { openPendingSession } from "./session";

const open = { allowPrivateNetwork: true };
let tasklab: TaskLab;
let elsewhere: TaskLab;

beforeAll(async () => {
  [tasklab, elsewhere] = await Promise.all([startTaskLab(), startTaskLab()]);
});
afterAll(() => Promise.all([tasklab.close(), elsewhere.close()]));
beforeEach(() => tasklab.reset());

const noAuth: ApiAuthentication = { preset: "none", token: "", username: "", password: "", name: "", value: "", custom: [] };
const bearer: ApiAuthentication = { ...noAuth, preset: "bearer", token: "{{credentials.access_token}}" };
const noProfile = { source: "none" as const, method: "GET" as const, path: "", fields: "", claimPath: "" };

function oauthResource(
  overrides: Partial<ResourceRuntime> = {},
  oauth: Partial<NonNullable<ResourceRuntime["config"]["oauth"]>> = {},
): ResourceRuntime {
  return {
    resourceId: "00000000-0000-4000-8000-000000000001",
    version: "draft",
    level: "user",
    authType: "oauth2",
    grantType: "refresh_token",
    clientSecret: TASKLAB_DEFAULT_CLIENT.clientSecret,
    appCredentials: {},
    config: {
      oauth: {
        accessTokenUrl: `${tasklab.url}/oauth/token`,
        clientId: TASKLAB_DEFAULT_CLIENT.clientId,
        includeClientCredentials: true,
        requiredInputs: [],
        ...oauth,
      },
      request: { baseUrl: `${tasklab.url}/api`, authentication: bearer, userProfile: noProfile },
    },
    ...overrides,
  };
}

function apiKeyResource(authentication: ApiAuthentication, base: string, names: string[], level: "user" | "app" = "user"): ResourceRuntime {
  return {
    resourceId: "00000000-0000-4000-8000-000000000002",
    version: "draft",
    level,
    authType: "api_keys",
    grantType: null,
    appCredentials: {},
    config: {
      apiKeys: names.map((name) => ({ name, secret: true })),
      request: { baseUrl: `${tasklab.url}${base}`, authentication, userProfile: noProfile },
    },
  };
}

/** One call through a session over credentials no row holds; `tokens` are the new ones it obtained, if any. */
async function callResource({
  resource,
  credentials,
  call,
  policy,
}: {
  resource: ResourceRuntime;
  credentials: { values: ConnectionCredentials; accessTokenExpiresAt?: Date };
  call: ApiCall;
  policy: OutboundPolicy;
}) {
  const session = openPendingSession({
    runtime: resource,
    values: credentials.values,
    accessTokenExpiresAt: credentials.accessTokenExpiresAt,
    policy,
  });
  const result = await session.send(call);
  const after = session.current();
  const refreshed = after.obtainedAt !== null;
  return {
    ...result,
    tokens: refreshed ? { accessToken: after.values.access_token!, refreshToken: after.values.refresh_token } : undefined,
  };
}

function body(result: { response: { body: string } }) {
  return JSON.parse(result.response.body) as Record<string, unknown>;
}

describe("a session over credentials no row holds, with OAuth 2.0", () => {
  it("refreshes first when there is no access token, and hands back the rotated tokens", async () => {
    const { refreshToken } = tasklab.issueTokens();
    const result = await callResource({
      resource: oauthResource(),
      credentials: { values: { refresh_token: refreshToken } },
      call: { method: "GET", path: "/me" },
      policy: open,
    });
    expect(result.response.status).toBe(200);
    expect(body(result)).toMatchObject({ id: TASKLAB_DEFAULT_USER.id, email: TASKLAB_DEFAULT_USER.email });
    expect(result.tokens?.refreshToken).toBeTruthy();
    expect(result.tokens?.refreshToken).not.toBe(refreshToken);
    expect(tasklab.tokenRequests).toHaveLength(1);
    // The request as shown never holds the token.
    expect(JSON.stringify(result.request)).not.toContain(result.tokens!.accessToken);
    expect(result.request.headers).toContainEqual(["authorization", "Bearer ••••••••"]);
  });

  it("refreshes once on a 401 and retries", async () => {
    const { refreshToken } = tasklab.issueTokens();
    const result = await callResource({
      resource: oauthResource(),
      credentials: { values: { access_token: tasklab.expiredAccessToken(), refresh_token: refreshToken } },
      call: { method: "GET", path: "/tasks" },
      policy: open,
    });
    expect(result.response.status).toBe(200);
    expect(tasklab.tokenRequests).toHaveLength(1);
  });

  it("refreshes ahead of time when the access token is about to expire", async () => {
    const { accessToken, refreshToken } = tasklab.issueTokens();
    await callResource({
      resource: oauthResource(),
      credentials: {
        values: { access_token: accessToken, refresh_token: refreshToken },
        accessTokenExpiresAt: new Date(Date.now() + 30_000),
      },
      call: { method: "GET", path: "/tasks" },
      policy: open,
    });
    expect(tasklab.tokenRequests).toHaveLength(1);
  });

  it("uses client credentials with a templated token URL and base URL, body authentication", async () => {
    const resource = oauthResource(
      { grantType: "client_credentials" },
      {
        accessTokenUrl: `${tasklab.url}/workspaces/{{inputs.workspace}}/oauth/token`,
        includeClientCredentials: false,
        requiredInputs: [{ key: "workspace", label: "Workspace" }],
      },
    );
    resource.config.request!.baseUrl = `${tasklab.url}/workspaces/{{inputs.workspace}}/api`;
    const result = await callResource({
      resource,
      credentials: { values: { workspace: "acme" } },
      call: { method: "GET", path: "/tasks" },
      policy: open,
    });
    expect(result.response.status).toBe(200);
    expect(body(result)).toMatchObject({ workspace: "acme" });
    expect(tasklab.tokenRequests.map((request) => [request.clientAuth, request.path])).toEqual([["body", "/workspaces/acme/oauth/token"]]);
  });

  it("refuses, when sending, an Access Token URL or API Base URL whose host a user's value chooses, unless any host is allowed", async () => {
    const port = new URL(tasklab.url).port;
    const inputs = [{ key: "host", label: "Host" }];
    const hostile = oauthResource(
      { grantType: "client_credentials" },
      { accessTokenUrl: `http://{{inputs.host}}:${port}/oauth/token`, requiredInputs: inputs },
    );
    const values = { host: "localhost" };
    await expect(
      callResource({ resource: hostile, credentials: { values }, call: { method: "GET", path: "/tasks" }, policy: open }),
    ).rejects.toMatchObject({
      code: "resource_not_ready",
      message: expect.stringContaining("Allow any host"),
    });
    expect(tasklab.tokenRequests).toHaveLength(0);

    const allowed = oauthResource(
      { grantType: "client_credentials" },
      { accessTokenUrl: `http://{{inputs.host}}:${port}/oauth/token`, requiredInputs: inputs, allowAnyHost: true },
    );
    expect(
      (await callResource({ resource: allowed, credentials: { values }, call: { method: "GET", path: "/tasks" }, policy: open })).response
        .status,
    ).toBe(200);

    allowed.config.request!.baseUrl = `http://{{inputs.host}}:${port}/api`;
    await expect(
      callResource({ resource: allowed, credentials: { values }, call: { method: "GET", path: "/tasks" }, policy: open }),
    ).rejects.toMatchObject({
      code: "resource_not_ready",
      message: expect.stringContaining("API Base URL"),
    });
  });

  it("reports the token endpoint's invalid_client", async () => {
    const error = await callResource({
      resource: oauthResource({ grantType: "client_credentials", clientSecret: "wrong" }),
      credentials: { values: {} },
      call: { method: "GET", path: "/tasks" },
      policy: open,
    }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(AppError);
    expect(error).toMatchObject({
      code: "token_refresh_failed",
      failure: { kind: "token_endpoint", status: 401, oauthError: "invalid_client" },
    });
  });
});

describe("a session over credentials no row holds, with API keys", () => {
  it.each([
    ["a header", { ...noAuth, preset: "header", name: "X-API-Key", value: "{{credentials.api_key}}" }, "/header", ["api_key"]],
    ["a query parameter", { ...noAuth, preset: "query", name: "api_key", value: "{{credentials.api_key}}" }, "/query", ["api_key"]],
    [
      "Basic Auth",
      { ...noAuth, preset: "basic", username: "{{credentials.username}}", password: "{{credentials.password}}" },
      "/basic",
      ["username", "password"],
    ],
  ] as const)("authenticates with %s", async (_how, authentication, base, names) => {
    const values = { api_key: TASKLAB_DEFAULT_API_KEY, ...TASKLAB_DEFAULT_BASIC_USER };
    const result = await callResource({
      resource: apiKeyResource(authentication, base, [...names]),
      credentials: { values },
      call: { method: "GET", path: "/tasks" },
      policy: open,
    });
    expect(result.response.status).toBe(200);
    const shown = JSON.stringify(result.request);
    expect(shown).not.toContain(TASKLAB_DEFAULT_API_KEY);
    expect(shown).not.toContain(TASKLAB_DEFAULT_BASIC_USER.password);
  });

  it("uses the app's key for an App-Level resource", async () => {
    const resource = apiKeyResource(
      { ...noAuth, preset: "header", name: "X-API-Key", value: "{{credentials.api_key}}" },
      "/header",
      ["api_key"],
      "app",
    );
    resource.appCredentials = { api_key: TASKLAB_DEFAULT_API_KEY };
    const result = await callResource({ resource, credentials: { values: {} }, call: { method: "GET", path: "/me" }, policy: open });
    expect(result.response.status).toBe(200);
  });

  it("does not carry the key across a redirect to another origin", async () => {
    const resource = apiKeyResource({ ...noAuth, preset: "header", name: "X-API-Key", value: "{{credentials.api_key}}" }, "", ["api_key"]);
    const result = await callResource({
      resource,
      credentials: { values: { api_key: TASKLAB_DEFAULT_API_KEY } },
      call: { method: "GET", path: `/redirect?to=${encodeURIComponent(`${elsewhere.url}/echo`)}` },
      policy: open,
    });
    expect(result.response.url).toBe(`${elsewhere.url}/echo`);
    expect(result.response.body).not.toContain(TASKLAB_DEFAULT_API_KEY);
  });

  it("refuses a full URL on another origin, and a loopback API when private networks are off", async () => {
    const resource = apiKeyResource({ ...noAuth, preset: "header", name: "X-API-Key", value: "{{credentials.api_key}}" }, "/header", [
      "api_key",
    ]);
    const credentials = { values: { api_key: TASKLAB_DEFAULT_API_KEY } };
    await expect(
      callResource({ resource, credentials, call: { method: "GET", path: `${elsewhere.url}/echo` }, policy: open }),
    ).rejects.toMatchObject({
      failure: { kind: "configuration" },
      message: expect.stringContaining("only go to the API Base URL's origin"),
    });
    await expect(
      callResource({ resource, credentials, call: { method: "GET", path: "/tasks" }, policy: { allowPrivateNetwork: false } }),
    ).rejects.toMatchObject({ failure: { kind: "network" }, message: expect.stringContaining("loopback") });
  });
});
