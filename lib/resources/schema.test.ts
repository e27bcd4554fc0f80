import { describe, expect, it } from "vitest";
import type { z } from "zod";
import {
  apiInfoStepSchema,
  apiKeysAuthorizationSchema,
  hostVariableError,
  oauthAuthorizationSchema,
  type RequestDetailsContext,
  type RequestDetailsInput,
  requestDetailsStepSchema,
  resourceSlug,
  type SavedSecrets,
} from "./schema";

const nothingSaved: SavedSecrets = { clientSecret: false, credentials: [] };

/** Field path → first message, for a failed parse. */
function errorsOf(result: z.ZodSafeParseResult<unknown>): Record<string, string> {
  if (result.success) return {};
  const errors: Record<string, string> = {};
  for (const issue of result.error.issues) errors[issue.path.join(".")] ??= issue.message;
  return errors;
}

describe("resourceSlug", () => {
  it.each([
    ["TaskLab", "tasklab"],
    ["TaskLab API v2", "tasklab-api-v2"],
    ["  Café — Ünïcode  ", "cafe-unicode"],
    ["!!!", "resource"],
  ])("%s → %s", (name, slug) => expect(resourceSlug(name)).toBe(slug));
});

describe("API Info", () => {
  it("requires a grant type for OAuth 2.0 only, and drops it for API Keys", () => {
    expect(errorsOf(apiInfoStepSchema.safeParse({ level: "user", authType: "oauth2", grantType: null }))).toEqual({
      grantType: "Choose a grant type.",
    });
    expect(apiInfoStepSchema.parse({ level: "app", authType: "api_keys", grantType: "refresh_token" })).toEqual({
      level: "app",
      authType: "api_keys",
      grantType: null,
    });
    expect(errorsOf(apiInfoStepSchema.safeParse({ level: "team", authType: "oauth2", grantType: "refresh_token" }))).toHaveProperty(
      "level",
    );
  });
});

describe("OAuth 2.0 Authorization", () => {
  const valid = {
    accessTokenUrl: "https://{{inputs.subdomain}}.tasklab.test/oauth/token",
    clientId: "client-1",
    clientSecret: "secret-1",
    includeClientCredentials: true,
    requiredInputs: [{ key: "subdomain", label: "Subdomain" }],
  };

  it("accepts a complete configuration", () => {
    expect(oauthAuthorizationSchema(nothingSaved).safeParse(valid).success).toBe(true);
  });

  it.each([
    ["an empty Access Token URL", { accessTokenUrl: "" }, "accessTokenUrl", "Enter the Access Token URL."],
    [
      "a URL that is not http(s)",
      { accessTokenUrl: "ftp://tasklab.test/token" },
      "accessTokenUrl",
      "Enter a URL starting with http:// or https://. Only http:// and https:// URLs are allowed.",
    ],
    [
      "text that is not a URL",
      { accessTokenUrl: "not a url" },
      "accessTokenUrl",
      'Enter a URL starting with http:// or https://. "not a url" is not a valid URL.',
    ],
    [
      "a misspelled variable",
      { accessTokenUrl: "https://{{inputs.subdmain}}.tasklab.test/token" },
      "accessTokenUrl",
      'Unknown variable "inputs.subdmain". Did you mean "inputs.subdomain"?',
    ],
    [
      "an unclosed variable",
      { accessTokenUrl: "https://{{inputs.subdomain.tasklab.test" },
      "accessTokenUrl",
      'Unclosed "{{" at position 9.',
    ],
    [
      "duplicate input keys, ignoring case",
      {
        requiredInputs: [
          { key: "subdomain", label: "A" },
          { key: "Subdomain", label: "B" },
        ],
      },
      "requiredInputs.1.key",
      "Input keys must be unique.",
    ],
    [
      "an input key that is not an identifier",
      { requiredInputs: [{ key: "sub-domain", label: "A" }] },
      "requiredInputs.0.key",
      "Use letters, digits and underscores, starting with a letter or underscore.",
    ],
    ["no Client ID", { clientId: " " }, "clientId", "Enter the Client ID."],
    ["no Client Secret when none is saved", { clientSecret: "" }, "clientSecret", "Enter the Client Secret."],
  ])("rejects %s", (_case, change, path, message) => {
    expect(errorsOf(oauthAuthorizationSchema(nothingSaved).safeParse({ ...valid, ...change }))[path]).toBe(message);
  });

  it("keeps a saved Client Secret when the field is left empty", () => {
    const result = oauthAuthorizationSchema({ clientSecret: true, credentials: [] }).safeParse({ ...valid, clientSecret: "" });
    expect(result.success).toBe(true);
  });
});

describe("host variables in the Access Token URL", () => {
  const keys = ["host", "subdomain", "tld", "a", "b", "port", "scheme"];
  const base = {
    clientId: "client-1",
    clientSecret: "secret-1",
    includeClientCredentials: true,
    requiredInputs: keys.map((key) => ({ key, label: key })),
  };
  const parse = (accessTokenUrl: string, allowAnyHost?: boolean) =>
    oauthAuthorizationSchema(nothingSaved).safeParse({ ...base, accessTokenUrl, ...(allowAnyHost === undefined ? {} : { allowAnyHost }) });
  const anyServer = "end users could send the Client Secret to any server.";

  it.each([
    ["https://tasklab.com/oauth/token"],
    ["https://{{inputs.subdomain}}.tasklab.com/oauth/token"],
    ["https://{{inputs.subdomain}}.eu.tasklab.com:8443/oauth/token"],
    ["https://login.tasklab.com/{{inputs.subdomain}}/oauth/token?tenant={{inputs.a}}"],
  ])("accepts %j without Allow any host", (url) => {
    expect(errorsOf(parse(url))).toEqual({});
    expect(errorsOf(parse(url, false))).toEqual({});
  });

  it.each([
    [
      "https://{{inputs.host}}/oauth/token",
      `{{inputs.host}} sets the whole host: ${anyServer} Follow it with your domain, e.g. {{inputs.host}}.tasklab.com, or tick Allow any host.`,
    ],
    [
      "https://{{inputs.host}}.com/oauth/token",
      "{{inputs.host}}.com lets end users choose the domain: they could send the Client Secret to any server. Follow {{inputs.host}} with your whole domain, e.g. {{inputs.host}}.tasklab.com, or tick Allow any host.",
    ],
    [
      "https://api.{{inputs.tld}}/oauth/token",
      `{{inputs.tld}} is not followed directly by your domain: ${anyServer} Follow it with your domain, e.g. {{inputs.tld}}.tasklab.com, or tick Allow any host.`,
    ],
    [
      "https://{{inputs.a}}{{inputs.b}}.tasklab.com/oauth/token",
      `{{inputs.a}} is not followed directly by your domain: ${anyServer} Follow it with your domain, e.g. {{inputs.a}}.tasklab.com, or tick Allow any host.`,
    ],
    [
      "https://{{inputs.subdomain}}.tasklab.com:{{inputs.port}}/oauth/token",
      "{{inputs.port}} sets the port: end users could send the Client Secret to any service on that host. Write the port out, or tick Allow any host.",
    ],
    [
      "https:/{{inputs.host}}/oauth/token",
      `{{inputs.host}} sets the whole host: ${anyServer} Follow it with your domain, e.g. {{inputs.host}}.tasklab.com, or tick Allow any host.`,
    ],
  ])("refuses %j unless Allow any host is ticked", (url, message) => {
    expect(errorsOf(parse(url))).toEqual({ accessTokenUrl: message });
    expect(errorsOf(parse(url, false))).toEqual({ accessTokenUrl: message });
    expect(errorsOf(parse(url, true))).toEqual({});
  });

  it("keeps the flag in its output, and reports an unknown or unparseable variable instead of the host", () => {
    expect(parse("https://{{inputs.host}}/oauth/token", true)).toMatchObject({ success: true, data: { allowAnyHost: true } });
    expect(errorsOf(parse("https://{{inputs.hots}}/oauth/token"))).toEqual({
      accessTokenUrl: 'Unknown variable "inputs.hots". Did you mean "inputs.host"?',
    });
    // A variable in the scheme is never a URL: the value would have to be http or https.
    expect(errorsOf(parse("{{inputs.scheme}}://tasklab.com/oauth/token", true))).toEqual({
      accessTokenUrl: "Enter a URL starting with http:// or https://. Only http:// and https:// URLs are allowed.",
    });
    expect(errorsOf(parse("ht\ttps://{{inputs.host}}/oauth/token", true))).toEqual({
      accessTokenUrl:
        "Enter a URL starting with http:// or https://. URLs cannot contain tabs or line breaks, or start or end with a space.",
    });
    expect(errorsOf(parse("https://{{inputs.host}}/oauth/token", "yes" as unknown as boolean))).toHaveProperty("allowAnyHost");
  });

  it("words the risk for what the URL would receive", () => {
    expect(hostVariableError("https://{{inputs.host}}/api", "your API requests, with their credentials,")).toBe(
      "{{inputs.host}} sets the whole host: end users could send your API requests, with their credentials, to any server. Follow it with your domain, e.g. {{inputs.host}}.tasklab.com, or tick Allow any host.",
    );
    expect(hostVariableError("{{inputs.scheme}}://tasklab.com/api", "the Client Secret")).toBe(
      "{{inputs.scheme}} sets the scheme: end users could send the Client Secret unencrypted or to any server. Write https:// out.",
    );
    expect(hostVariableError("https://{{inputs.subdomain}}.tasklab.com/api", "x")).toBeUndefined();
  });
});

describe("API Key names", () => {
  it("needs at least one, each an identifier, unique", () => {
    expect(errorsOf(apiKeysAuthorizationSchema.safeParse({ apiKeys: [] }))).toEqual({ apiKeys: "Add at least one API key name." });
    expect(
      errorsOf(
        apiKeysAuthorizationSchema.safeParse({
          apiKeys: [
            { name: "api_key", secret: true },
            { name: "API_KEY", secret: false },
          ],
        }),
      ),
    ).toEqual({ "apiKeys.1.name": "API key names must be unique." });
    expect(
      apiKeysAuthorizationSchema.safeParse({
        apiKeys: [
          { name: "username", secret: false },
          { name: "password", secret: true },
        ],
      }).success,
    ).toBe(true);
  });
});

describe("Request Details", () => {
  const userOAuth: RequestDetailsContext = {
    level: "user",
    authType: "oauth2",
    grantType: "refresh_token",
    requiredInputs: [{ key: "subdomain", label: "Subdomain" }],
    apiKeys: [],
    saved: { clientSecret: true, credentials: [] },
  };
  const blankAuth = { token: "", username: "", password: "", name: "", value: "", custom: [] };
  const noProfile = { source: "none" as const, method: "GET" as const, path: "", fields: "", claimPath: "" };
  const valid: RequestDetailsInput = {
    baseUrl: "https://{{inputs.subdomain}}.tasklab.test/api",
    authentication: { ...blankAuth, preset: "bearer", token: "{{credentials.access_token}}" },
    userProfile: noProfile,
  };
  const parse = (context: RequestDetailsContext, input: RequestDetailsInput) => requestDetailsStepSchema(context).safeParse(input);

  it("accepts a Bearer Token with the access token and an input in the base URL", () => {
    expect(parse(userOAuth, valid).success).toBe(true);
  });

  it("lists what a field may use when a variable is unknown there", () => {
    expect(errorsOf(parse(userOAuth, { ...valid, authentication: { ...valid.authentication, token: "{{credentials.api_key}}" } }))).toEqual(
      {
        "authentication.token":
          'Unknown variable "credentials.api_key". Available here: inputs.subdomain, credentials.access_token, credentials.refresh_token.',
      },
    );
    // Tokens never go into a URL.
    expect(errorsOf(parse(userOAuth, { ...valid, baseUrl: "https://tasklab.test/{{credentials.access_token}}" }))).toHaveProperty(
      "baseUrl",
    );
  });

  it.each([
    ["basic", { preset: "basic" }, "authentication.username", "Enter the username."],
    ["header without a name", { preset: "header", value: "{{credentials.access_token}}" }, "authentication.name", "Enter the header name."],
    [
      "header with a space in its name",
      { preset: "header", name: "X Api Key", value: "x" },
      "authentication.name",
      "Header names cannot contain spaces or separators.",
    ],
    ["query without a value", { preset: "query", name: "api_key" }, "authentication.value", "Enter the value."],
  ])("checks the %s preset", (_case, change, path, message) => {
    const result = parse(userOAuth, { ...valid, authentication: { ...blankAuth, ...change } as RequestDetailsInput["authentication"] });
    expect(errorsOf(result)[path]).toBe(message);
  });

  it("checks a User Profile request and makes its fields available as profile variables", () => {
    const profile = { ...noProfile, source: "request" as const, path: "me", fields: "id, team.name, bad-field" };
    expect(errorsOf(parse(userOAuth, { ...valid, userProfile: profile }))).toEqual({
      "userProfile.path": "Enter a path starting with /, relative to the API Base URL.",
      "userProfile.fields": "Not a field path: bad-field. Use names like id or team.name.",
    });
    const withProfile = {
      ...valid,
      userProfile: { ...profile, path: "/me", fields: "id, team.name" },
      authentication: {
        ...valid.authentication,
        custom: [{ location: "header" as const, name: "X-Team", value: "{{profile.team.name}}" }],
      },
    };
    expect(parse(userOAuth, withProfile).success).toBe(true);
  });

  it("allows a JWT field only with OAuth 2.0", () => {
    const jwt = { ...noProfile, source: "jwt" as const, claimPath: "user.email" };
    expect(parse(userOAuth, { ...valid, userProfile: jwt }).success).toBe(true);
    const apiKeys: RequestDetailsContext = {
      ...userOAuth,
      authType: "api_keys",
      grantType: null,
      apiKeys: [{ name: "api_key", secret: true }],
    };
    const input = {
      ...valid,
      baseUrl: "https://tasklab.test",
      authentication: { ...blankAuth, preset: "bearer" as const, token: "{{credentials.api_key}}" },
    };
    expect(errorsOf(parse(apiKeys, { ...input, userProfile: jwt }))).toEqual({
      "userProfile.source": "A JWT field needs an OAuth 2.0 access token.",
    });
  });

  it("takes an optional JWKS URL beside the claim path: a plain http(s) URL, never a template", () => {
    const jwt = { ...noProfile, source: "jwt" as const, claimPath: "account_id" };
    for (const jwksUrl of ["", "https://tasklab.test/.well-known/jwks.json", "http://127.0.0.1:8080/jwks"]) {
      expect(parse(userOAuth, { ...valid, userProfile: { ...jwt, jwksUrl } }).success).toBe(true);
    }
    for (const jwksUrl of [
      "tasklab.test/jwks",
      "ftp://tasklab.test/jwks",
      "https://{{inputs.subdomain}}.tasklab.test/jwks",
      "https://user:pw@tasklab.test/jwks",
    ]) {
      expect(Object.keys(errorsOf(parse(userOAuth, { ...valid, userProfile: { ...jwt, jwksUrl } })))).toEqual(["userProfile.jwksUrl"]);
    }
  });

  it("refuses a host variable in the API Base URL of a User-Level resource unless Allow any host is ticked", () => {
    const url = "https://{{inputs.subdomain}}/api";
    expect(errorsOf(parse(userOAuth, { ...valid, baseUrl: url }))).toEqual({
      baseUrl:
        "{{inputs.subdomain}} sets the whole host: end users could send your API requests, with their credentials, to any server. Follow it with your domain, e.g. {{inputs.subdomain}}.tasklab.com, or tick Allow any host.",
    });
    expect(errorsOf(parse(userOAuth, { ...valid, baseUrl: url, allowAnyHost: false }))).toHaveProperty("baseUrl");
    expect(parse(userOAuth, { ...valid, baseUrl: url, allowAnyHost: true })).toMatchObject({ success: true, data: { allowAnyHost: true } });

    // API key values count too: end users supply them.
    const apiKeys: RequestDetailsContext = {
      ...userOAuth,
      authType: "api_keys",
      grantType: null,
      apiKeys: [{ name: "region", secret: false }],
    };
    const keyAuth = { ...blankAuth, preset: "bearer" as const, token: "{{credentials.region}}" };
    expect(
      errorsOf(parse(apiKeys, { ...valid, baseUrl: "https://api.{{credentials.region}}/v1", authentication: keyAuth })),
    ).toHaveProperty("baseUrl");
    expect(parse(apiKeys, { ...valid, baseUrl: "https://{{credentials.region}}.tasklab.test/v1", authentication: keyAuth }).success).toBe(
      true,
    );
  });

  it("lets an App-Level API Base URL use the team's own values in the host", () => {
    const appKeys: RequestDetailsContext = { ...userOAuth, level: "app", authType: "api_keys", grantType: null, requiredInputs: [] };
    const input: RequestDetailsInput = {
      baseUrl: "https://{{credentials.host}}/api",
      authentication: { ...blankAuth, preset: "header", name: "X-Api-Key", value: "{{credentials.api_key}}" },
      userProfile: noProfile,
      appApiKeys: [
        { name: "api_key", secret: true, value: "k" },
        { name: "host", secret: false, value: "tasklab.test" },
      ],
    };
    expect(errorsOf(parse(appKeys, input))).toEqual({});
  });

  it("requires App-Level credentials, keeping saved secrets when left empty", () => {
    const appKeys: RequestDetailsContext = { ...userOAuth, level: "app", authType: "api_keys", grantType: null, requiredInputs: [] };
    const input: RequestDetailsInput = {
      baseUrl: "https://tasklab.test",
      authentication: { ...blankAuth, preset: "header", name: "X-Api-Key", value: "{{credentials.api_key}}" },
      userProfile: noProfile,
      appApiKeys: [{ name: "api_key", secret: true, value: "" }],
    };
    expect(errorsOf(parse(appKeys, input))).toEqual({ "appApiKeys.0.value": "Enter the value." });
    expect(parse({ ...appKeys, saved: { clientSecret: false, credentials: ["api_key"] } }, input).success).toBe(true);

    const appRefresh: RequestDetailsContext = { ...userOAuth, level: "app", requiredInputs: [], saved: nothingSaved };
    const oauthInput: RequestDetailsInput = {
      ...valid,
      baseUrl: "https://tasklab.test",
      appOAuth: {
        accessTokenUrl: "https://tasklab.test/token",
        clientId: "app",
        clientSecret: "",
        includeClientCredentials: true,
        refreshToken: "",
      },
    };
    expect(errorsOf(parse(appRefresh, oauthInput))).toEqual({
      "appOAuth.clientSecret": "Enter the Client Secret.",
      "appOAuth.refreshToken": "Enter the Refresh Token.",
    });
  });
});

describe("Authorization Code", () => {
  it("is a grant of User-Level resources only", () => {
    expect(apiInfoStepSchema.parse({ level: "user", authType: "oauth2", grantType: "authorization_code" })).toEqual({
      level: "user",
      authType: "oauth2",
      grantType: "authorization_code",
    });
    expect(errorsOf(apiInfoStepSchema.safeParse({ level: "app", authType: "oauth2", grantType: "authorization_code" }))).toEqual({
      grantType: "Authorization Code needs a User-Level resource: each end user authorizes for themselves.",
    });
    // API Keys drops the grant, whichever level.
    expect(apiInfoStepSchema.parse({ level: "app", authType: "api_keys", grantType: "authorization_code" }).grantType).toBeNull();
  });

  const client = {
    accessTokenUrl: "https://{{inputs.subdomain}}.tasklab.test/oauth/token",
    clientId: "client-1",
    clientSecret: "secret-1",
    includeClientCredentials: true,
    requiredInputs: [{ key: "subdomain", label: "Subdomain" }],
  };
  const authorization = {
    authorizationUrl: "https://{{inputs.subdomain}}.tasklab.test/oauth/authorize",
    scopes: "tasks:read tasks:write",
    usePkce: true,
    parameters: [{ name: "prompt", value: "consent" }],
  };
  const parse = (change: Partial<typeof authorization>, more: Record<string, unknown> = {}) =>
    oauthAuthorizationSchema(nothingSaved, "authorization_code").safeParse({
      ...client,
      ...more,
      authorization: { ...authorization, ...change },
    });

  it("accepts the Authorization URL, Scopes, Use PKCE and parameters over Required Inputs", () => {
    const result = parse({
      scopes: "  openid   https://www.example.com/auth/tasks ",
      parameters: [
        { name: "prompt", value: "consent" },
        { name: "tenant", value: "{{inputs.subdomain}}" },
      ],
    });
    expect(result.success).toBe(true);
    // Runs of spaces collapse: the scope parameter is sent as it is stored.
    expect(result.data?.authorization).toEqual({
      authorizationUrl: authorization.authorizationUrl,
      scopes: "openid https://www.example.com/auth/tasks",
      usePkce: true,
      parameters: [
        { name: "prompt", value: "consent" },
        { name: "tenant", value: "{{inputs.subdomain}}" },
      ],
    });
    expect(parse({ scopes: "", parameters: [], usePkce: false }).success).toBe(true);
  });

  it("requires the Authorization URL, a URL over Required Inputs", () => {
    expect(errorsOf(oauthAuthorizationSchema(nothingSaved, "authorization_code").safeParse(client))).toEqual({
      "authorization.authorizationUrl": "Enter the Authorization URL.",
    });
    expect(errorsOf(parse({ authorizationUrl: "" }))).toEqual({ "authorization.authorizationUrl": "Enter the Authorization URL." });
    expect(errorsOf(parse({ authorizationUrl: "ftp://tasklab.test/authorize" }))).toEqual({
      "authorization.authorizationUrl": "Enter a URL starting with http:// or https://. Only http:// and https:// URLs are allowed.",
    });
    expect(errorsOf(parse({ authorizationUrl: "https://tasklab.test/authorize?user={{credentials.access_token}}" }))).toEqual({
      "authorization.authorizationUrl": 'Unknown variable "credentials.access_token". Available here: inputs.subdomain.',
    });
  });

  it("refuses a variable that chooses the Authorization URL's host unless Allow any host is ticked", () => {
    const whole = parse({ authorizationUrl: "https://{{inputs.subdomain}}/oauth/authorize" });
    expect(errorsOf(whole)).toEqual({
      "authorization.authorizationUrl":
        "{{inputs.subdomain}} sets the whole host: end users could send their sign-in to any server. Follow it with your domain, e.g. {{inputs.subdomain}}.tasklab.com, or tick Allow any host.",
    });
    expect(parse({ authorizationUrl: "https://{{inputs.subdomain}}/oauth/authorize" }, { allowAnyHost: true }).success).toBe(true);
  });

  it("refuses scopes that the scope parameter cannot carry, and more than 1024 characters", () => {
    expect(errorsOf(parse({ scopes: 'read "write"' }))).toEqual({
      "authorization.scopes":
        'Separate scopes with spaces; a scope cannot hold control characters, quotes, backslashes or non-ASCII characters: "\\"write\\"".',
    });
    expect(errorsOf(parse({ scopes: "read\twrite" }))).toHaveProperty("authorization.scopes");
    expect(errorsOf(parse({ scopes: "read\nwrite" }))).toHaveProperty("authorization.scopes");
    expect(errorsOf(parse({ scopes: "a".repeat(1025) }))).toEqual({ "authorization.scopes": "Use at most 1024 characters." });
  });

  it.each(["response_type", "client_id", "redirect_uri", "state", "scope", "code_challenge", "code_challenge_method", "Redirect_URI"])(
    "refuses the parameter %s, which the Connect Portal sets itself",
    (name) => {
      const message = errorsOf(parse({ parameters: [{ name, value: "x" }] }))["authorization.parameters.0.name"];
      expect(message).toContain(`The Connect Portal sets ${name.toLowerCase()} itself`);
      expect(message).toContain("response_type, client_id, redirect_uri, state, scope, code_challenge, code_challenge_method");
    },
  );

  it("needs unique, non-empty parameter names, at most 20 rows, and values over Required Inputs", () => {
    expect(
      errorsOf(
        parse({
          parameters: [
            { name: "prompt", value: "consent" },
            { name: "Prompt", value: "login" },
            { name: " ", value: "x" },
            { name: "a b", value: "x" },
            { name: "audience", value: "{{inputs.tenant}}" },
          ],
        }),
      ),
    ).toEqual({
      "authorization.parameters.1.name": "Parameter names must be unique.",
      "authorization.parameters.2.name": "Enter a name.",
      "authorization.parameters.3.name": "Use letters, digits and . _ ~ - : [ ] in a parameter name.",
      "authorization.parameters.4.value": 'Unknown variable "inputs.tenant". Available here: inputs.subdomain.',
    });
    const many = Array.from({ length: 21 }, (_, i) => ({ name: `p${i}`, value: "x" }));
    expect(errorsOf(parse({ parameters: many }))).toEqual({ "authorization.parameters": "Use at most 20 parameters." });
  });

  it("belongs to the Authorization Code grant only", () => {
    for (const grantType of ["refresh_token", "client_credentials"] as const) {
      expect(oauthAuthorizationSchema(nothingSaved, grantType).safeParse(client).success).toBe(true);
      expect(errorsOf(oauthAuthorizationSchema(nothingSaved, grantType).safeParse({ ...client, authorization }))).toEqual({
        authorization: "Only the Authorization Code grant has an Authorization URL, Scopes and authorization parameters.",
      });
    }
  });
});

describe("Validation request", () => {
  const blankAuth = { token: "", username: "", password: "", name: "", value: "", custom: [] };
  const noProfile = { source: "none" as const, method: "GET" as const, path: "", fields: "", claimPath: "" };
  const userApiKeys: RequestDetailsContext = {
    level: "user",
    authType: "api_keys",
    grantType: null,
    requiredInputs: [],
    apiKeys: [{ name: "api_key", secret: true }],
    saved: { clientSecret: false, credentials: [] },
  };
  const input = (validationRequest?: { method: "GET" | "POST"; path: string }): RequestDetailsInput => ({
    baseUrl: "https://tasklab.test/api",
    authentication: { ...blankAuth, preset: "bearer", token: "{{credentials.api_key}}" },
    userProfile: noProfile,
    validationRequest,
  });
  const parse = (context: RequestDetailsContext, value: RequestDetailsInput) => requestDetailsStepSchema(context).safeParse(value);

  it("is optional, and an empty path means none", () => {
    expect(parse(userApiKeys, input()).data?.validationRequest).toBeUndefined();
    expect(parse(userApiKeys, input({ method: "POST", path: "  " })).data?.validationRequest).toBeUndefined();
  });

  it("takes a method and a path over the API key names for a User-Level API Keys resource", () => {
    expect(parse(userApiKeys, input({ method: "GET", path: "/me?key={{credentials.api_key}}" })).data?.validationRequest).toEqual({
      method: "GET",
      path: "/me?key={{credentials.api_key}}",
    });
    expect(errorsOf(parse(userApiKeys, input({ method: "GET", path: "me" })))).toEqual({
      "validationRequest.path": "Enter a path starting with /, relative to the API Base URL.",
    });
    expect(errorsOf(parse(userApiKeys, input({ method: "GET", path: "/me/{{credentials.apikey}}" })))).toEqual({
      "validationRequest.path": 'Unknown variable "credentials.apikey". Did you mean "credentials.api_key"?',
    });
    expect(errorsOf(parse(userApiKeys, input({ method: "PUT" as "GET", path: "/me" })))).toHaveProperty("validationRequest.method");
  });

  it("takes the Required Inputs, never a token, for a User-Level OAuth 2.0 resource that has them", () => {
    const oauthWithInputs: RequestDetailsContext = {
      ...userApiKeys,
      authType: "oauth2",
      grantType: "authorization_code",
      requiredInputs: [{ key: "team", label: "Team" }],
      apiKeys: [],
    };
    const oauthInput = (path: string) => ({
      ...input({ method: "GET", path }),
      authentication: { ...blankAuth, preset: "bearer" as const, token: "{{credentials.access_token}}" },
    });
    expect(parse(oauthWithInputs, oauthInput("/teams/{{inputs.team}}")).success).toBe(true);
    expect(errorsOf(parse(oauthWithInputs, oauthInput("/teams/{{credentials.access_token}}")))).toEqual({
      "validationRequest.path": 'Unknown variable "credentials.access_token". Available here: inputs.team.',
    });
  });

  it.each<[string, Partial<RequestDetailsContext>]>([
    ["an App-Level resource", { level: "app" }],
    ["a User-Level OAuth 2.0 resource without Required Inputs", { authType: "oauth2", grantType: "authorization_code", apiKeys: [] }],
  ])("is refused for %s", (_case, change) => {
    const context = { ...userApiKeys, ...change };
    const value = {
      ...input({ method: "GET", path: "/me" }),
      authentication: { ...blankAuth, preset: "none" as const },
      ...(context.level === "app" ? { appApiKeys: [{ name: "api_key", secret: true, value: "k" }] } : {}),
    };
    expect(errorsOf(parse(context, value))).toEqual({
      "validationRequest.path":
        "A Validation request is for User-Level resources whose end users type values: API Keys, or Required Inputs.",
    });
  });
});
