import { describe, expect, it } from "vitest";
import { previewRequest } from "./preview";
import type { ApiAuthentication } from "./schema";

const blank: ApiAuthentication = { preset: "none", token: "", username: "", password: "", name: "", value: "", custom: [] };
const secrets = new Set(["credentials.access_token", "credentials.api_key"]);

describe("previewRequest", () => {
  it("masks secrets and shows other variables by name", () => {
    expect(
      previewRequest({
        baseUrl: "https://{{inputs.subdomain}}.tasklab.test/api/",
        authentication: {
          ...blank,
          preset: "bearer",
          token: "{{credentials.access_token}}",
          custom: [
            { location: "header", name: "X-Account", value: "{{inputs.account}}" },
            { location: "query", name: "key", value: "{{credentials.api_key}}" },
          ],
        },
        secrets,
        path: "/me",
      }),
    ).toEqual({
      method: "GET",
      url: "https://<subdomain>.tasklab.test/api/me?key=••••••••",
      headers: [
        ["Authorization", "Bearer ••••••••"],
        ["X-Account", "<account>"],
      ],
    });
  });

  it("always masks Basic Auth, and places a query preset on the URL", () => {
    expect(
      previewRequest({ baseUrl: "https://tasklab.test", authentication: { ...blank, preset: "basic", username: "me" }, secrets }).headers,
    ).toEqual([["Authorization", "Basic ••••••••"]]);
    expect(
      previewRequest({
        baseUrl: "https://tasklab.test?v=1",
        authentication: { ...blank, preset: "query", name: "api_key", value: "{{credentials.api_key}}" },
        secrets,
      }).url,
    ).toBe("https://tasklab.test?v=1&api_key=••••••••");
  });

  it("shows a template it cannot parse as typed", () => {
    expect(previewRequest({ baseUrl: "https://{{inputs.x", authentication: blank, secrets }).url).toBe("https://{{inputs.x");
  });
});
