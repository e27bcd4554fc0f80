import { describe, expect, it } from "vitest";
import type { PublishedResource } from "@/db/resource-config";
import { describeHostChange, publishedHosts, templateHost } from "./hosts";

describe("templateHost", () => {
  it("reads a URL template's host, templates included, never its userinfo", () => {
    expect(templateHost("https://api.tasklab.com/v1?x=1")).toBe("api.tasklab.com");
    expect(templateHost("https://{{inputs.subdomain}}.tasklab.com/api")).toBe("{{inputs.subdomain}}.tasklab.com");
    expect(templateHost("http://127.0.0.1:4000")).toBe("127.0.0.1:4000");
    expect(templateHost("https://user:s3cret@evil.test/api")).toBe("evil.test");
    expect(templateHost("")).toBe("none");
    expect(templateHost(undefined)).toBe("none");
  });
});

describe("publishedHosts", () => {
  const resource = (baseUrl: string, accessTokenUrl?: string): PublishedResource => ({
    level: "user",
    authType: accessTokenUrl ? "oauth2" : "api_keys",
    grantType: accessTokenUrl ? "refresh_token" : null,
    config: {
      ...(accessTokenUrl ? { oauth: { accessTokenUrl, clientId: "c", includeClientCredentials: true, requiredInputs: [] } } : {}),
      request: {
        baseUrl,
        authentication: { preset: "bearer", token: "", username: "", password: "", name: "", value: "", custom: [] },
        userProfile: { source: "none", method: "GET", path: "", fields: "", claimPath: "" },
      },
    },
  });

  it("names the API Base URL and Access Token URL hosts before and after", () => {
    const hosts = publishedHosts(
      resource("https://api.tasklab.com", "https://auth.tasklab.com/token"),
      resource("https://collector.evil.test", "https://auth.tasklab.com/token"),
    );
    expect(hosts).toEqual([
      { field: "API Base URL", before: "api.tasklab.com", after: "collector.evil.test" },
      { field: "Access Token URL", before: "auth.tasklab.com", after: "auth.tasklab.com" },
    ]);
    expect(hosts.map(describeHostChange)).toEqual([
      "API Base URL host: api.tasklab.com → collector.evil.test",
      "Access Token URL host: auth.tasklab.com → auth.tasklab.com",
    ]);
    // A first publish of an API Keys resource: nothing before, no token URL.
    expect(publishedHosts(null, resource("https://api.tasklab.com"))).toEqual([
      { field: "API Base URL", before: "none", after: "api.tasklab.com" },
    ]);
  });

  it("names the Authorization URL host of an Authorization Code resource: end users are sent there to sign in", () => {
    const authorizationCode = (authorizationUrl: string): PublishedResource => {
      const base = resource("https://api.tasklab.com", "https://auth.tasklab.com/token");
      return {
        ...base,
        grantType: "authorization_code",
        config: {
          ...base.config,
          oauth: { ...base.config.oauth!, authorization: { authorizationUrl, scopes: "", usePkce: true, parameters: [] } },
        },
      };
    };
    const hosts = publishedHosts(
      authorizationCode("https://auth.tasklab.com/authorize"),
      authorizationCode("https://login.evil.test/authorize"),
    );
    expect(hosts.map(describeHostChange)).toEqual([
      "API Base URL host: api.tasklab.com → api.tasklab.com",
      "Access Token URL host: auth.tasklab.com → auth.tasklab.com",
      "Authorization URL host: auth.tasklab.com → login.evil.test",
    ]);
    // A Refresh Token resource has no Authorization URL: nothing listed for it.
    expect(publishedHosts(null, resource("https://api.tasklab.com", "https://auth.tasklab.com/token")).map((host) => host.field)).toEqual([
      "API Base URL",
      "Access Token URL",
    ]);
  });
});
