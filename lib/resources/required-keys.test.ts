import { describe, expect, it } from "vitest";
import { validateConnectBody } from "@/lib/connections/connect-body";
import { AppError } from "@/lib/errors";
import type { ResourceConfig } from "./config";
import { describeAuthentication } from "./describe";
import { requiredKeys } from "./required-keys";

const oauth: ResourceConfig = {
  oauth: {
    accessTokenUrl: "https://{{inputs.team}}.tasklab.test/oauth/token",
    clientId: "c",
    includeClientCredentials: true,
    requiredInputs: [{ key: "team", label: "Team" }],
  },
};
const keysOf = (grantType: "refresh_token" | "client_credentials" | "authorization_code") =>
  requiredKeys({ level: "user", authType: "oauth2", grantType }, oauth).map(({ key, optional }) => ({ key, optional }));

describe("requiredKeys", () => {
  it("asks an Authorization Code connection for its access token, and for a refresh token only when the API issued one", () => {
    expect(keysOf("authorization_code")).toEqual([
      { key: "access_token", optional: false },
      { key: "refresh_token", optional: true },
      { key: "team", optional: false },
    ]);
  });

  it("lets a connect body of an Authorization Code resource leave out the refresh token, never the access token", () => {
    const keys = requiredKeys({ level: "user", authType: "oauth2", grantType: "authorization_code" }, oauth);
    expect(validateConnectBody({ access_token: "at", team: "acme" }, keys)).toEqual({ access_token: "at", team: "acme" });
    let error: unknown;
    try {
      validateConnectBody({ refresh_token: "rt", team: "acme" }, keys);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe("invalid_credentials_payload");
    expect((error as AppError).fields).toEqual({ access_token: "Required." });
  });

  it("asks a Refresh Token connection for its refresh token (the access token is fetched with it), a Client Credentials one for inputs only", () => {
    expect(keysOf("refresh_token")).toEqual([
      { key: "access_token", optional: true },
      { key: "refresh_token", optional: false },
      { key: "team", optional: false },
    ]);
    expect(keysOf("client_credentials")).toEqual([{ key: "team", optional: false }]);
  });

  it("describes the grant", () => {
    expect(describeAuthentication("oauth2", "authorization_code")).toBe("OAuth 2.0 (Authorization Code)");
    expect(describeAuthentication("oauth2", "refresh_token")).toBe("OAuth 2.0 (Refresh Token)");
    expect(describeAuthentication("oauth2", "client_credentials")).toBe("OAuth 2.0 (Client Credentials)");
  });
});
