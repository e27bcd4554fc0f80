import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createHash, randomBytes } from "node:crypto";
import { authorizeAtTaskLab, startTaskLab, TASKLAB_DEFAULT_CLIENT, type TaskLab } from "@/test/fixtures/tasklab";
import { requestToken, TokenEndpointError, type TokenEndpoint } from "./token";

const policy = { allowPrivateNetwork: true };
let tasklab: TaskLab;
let endpoint: TokenEndpoint;

beforeAll(async () => {
  tasklab = await startTaskLab({
    clients: [TASKLAB_DEFAULT_CLIENT, { clientId: "odd client:1", clientSecret: "s3cr:t+%é " }],
  });
  endpoint = { url: new URL(`${tasklab.url}/oauth/token`), ...TASKLAB_DEFAULT_CLIENT, includeClientCredentials: true };
});
afterAll(() => tasklab.close());
beforeEach(() => tasklab.reset());

async function tokenError(promise: Promise<unknown>): Promise<TokenEndpointError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(TokenEndpointError);
  return error as TokenEndpointError;
}

describe("requestToken", () => {
  it.each([
    ["a Basic header", true, "basic"],
    ["client_id and client_secret in the body", false, "body"],
  ])("authenticates the client with %s, never both", async (_how, includeClientCredentials, clientAuth) => {
    const { refreshToken } = tasklab.issueTokens();
    const tokens = await requestToken({ ...endpoint, includeClientCredentials }, { grantType: "refresh_token", refreshToken }, policy);
    expect(tokens.accessToken).toMatch(/^ey/);
    expect(tokens.refreshToken).not.toBe(refreshToken);
    expect(tokens.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 3000_000);
    expect(tasklab.tokenRequests.map((request) => [request.clientAuth, request.status])).toEqual([[clientAuth, 200]]);
  });

  it.each([
    ["a Basic header", true, "basic"],
    ["client_id and client_secret in the body", false, "body"],
  ])(
    "exchanges an authorization code with its PKCE verifier, the client authenticated with %s",
    async (_how, includeClientCredentials, clientAuth) => {
      const verifier = randomBytes(32).toString("base64url");
      const redirectUri = "https://switchboard.test/oauth/callback";
      const authorize = new URL(`${tasklab.url}/oauth/authorize`);
      for (const [name, value] of Object.entries({
        response_type: "code",
        client_id: TASKLAB_DEFAULT_CLIENT.clientId,
        redirect_uri: redirectUri,
        state: "s",
        scope: "tasks:read",
        code_challenge: createHash("sha256").update(verifier).digest("base64url"),
        code_challenge_method: "S256",
      }))
        authorize.searchParams.set(name, value);
      const code = new URL(await authorizeAtTaskLab(authorize.toString())).searchParams.get("code")!;
      const grant = { grantType: "authorization_code" as const, code, redirectUri, codeVerifier: verifier };
      const tokens = await requestToken({ ...endpoint, includeClientCredentials }, grant, policy);
      expect(tokens.accessToken).toMatch(/^ey/);
      expect(tokens.refreshToken).toMatch(/^tlr_/);
      expect(tasklab.tokenRequests.map((request) => [request.grantType, request.clientAuth, request.status])).toEqual([
        ["authorization_code", clientAuth, 200],
      ]);
      // A code is single use.
      expect((await tokenError(requestToken(endpoint, grant, policy))).error).toBe("invalid_grant");
    },
  );

  it("form-encodes the client id and secret before base64 (RFC 6749 §2.3.1)", async () => {
    const tokens = await requestToken(
      { ...endpoint, clientId: "odd client:1", clientSecret: "s3cr:t+%é " },
      { grantType: "client_credentials" },
      policy,
    );
    expect(tokens.accessToken).toBeTruthy();
    expect(tokens.refreshToken).toBeUndefined();
  });

  it("keeps the old refresh token when none is returned, and accepts a missing expires_in", async () => {
    const { refreshToken } = tasklab.issueTokens();
    tasklab.behaviour.omitRefreshToken = true;
    tasklab.behaviour.omitExpiresIn = true;
    const tokens = await requestToken(endpoint, { grantType: "refresh_token", refreshToken }, policy);
    expect(tokens.refreshToken).toBe(refreshToken);
    expect(tokens.expiresAt).toBeUndefined();
  });

  it("reports invalid_grant for a reused refresh token", async () => {
    const { refreshToken } = tasklab.issueTokens();
    await requestToken(endpoint, { grantType: "refresh_token", refreshToken }, policy);
    const error = await tokenError(requestToken(endpoint, { grantType: "refresh_token", refreshToken }, policy));
    expect(error).toMatchObject({ status: 400, error: "invalid_grant" });
    expect(error.message).toMatch(/^The token endpoint answered 400 invalid_grant: .*reuse/);
  });

  it("reports invalid_client for a wrong client secret, with the body", async () => {
    const error = await tokenError(requestToken({ ...endpoint, clientSecret: "wrong" }, { grantType: "client_credentials" }, policy));
    expect(error).toMatchObject({ status: 401, error: "invalid_client" });
    expect(JSON.parse(error.body)).toMatchObject({ error: "invalid_client" });
  });

  it("reports a 5xx and a body that is not JSON", async () => {
    tasklab.behaviour.tokenStatus = 503;
    expect(await tokenError(requestToken(endpoint, { grantType: "client_credentials" }, policy))).toMatchObject({
      status: 503,
      error: "temporarily_unavailable",
    });
    tasklab.reset();
    // A token URL that points at a web page rather than the token endpoint.
    const page = createServer((_request, response) => response.writeHead(200, { "content-type": "text/html" }).end("<h1>Sign in</h1>"));
    await new Promise<void>((resolve) => page.listen(0, "127.0.0.1", resolve));
    try {
      const url = new URL(`http://127.0.0.1:${(page.address() as AddressInfo).port}/oauth/token`);
      const notJson = await tokenError(requestToken({ ...endpoint, url }, { grantType: "client_credentials" }, policy));
      expect(notJson).toMatchObject({ status: 200, body: "<h1>Sign in</h1>" });
      expect(notJson.message).toBe("The token endpoint's answer is not JSON.");
    } finally {
      page.close();
    }
  });

  it("follows no redirect, so the client secret cannot be resent elsewhere", async () => {
    const redirecting = new URL(`${tasklab.url}/redirect?status=307&to=${encodeURIComponent(`${tasklab.url}/oauth/token`)}`);
    await expect(
      requestToken({ ...endpoint, url: redirecting, includeClientCredentials: false }, { grantType: "client_credentials" }, policy),
    ).rejects.toMatchObject({ code: "too_many_redirects", message: expect.stringContaining("redirects are not followed here") });
    expect(tasklab.tokenRequests).toEqual([]);
  });
});
