import type { ResourceConfig } from "./config";
import type { ApiInfo } from "./schema";

/** A value each Connected User supplies (through connectAction, the connect route, or as test credentials). */
export interface RequiredKey {
  key: string;
  label: string;
  secret: boolean;
  /**
   * May be omitted: an empty access token (Refresh Token grant) is fetched with the refresh token
   * first; a refresh token (Authorization Code grant) is one many APIs never issue.
   */
  optional: boolean;
  /**
   * Made to be sent in an HTTP header (the access token, API keys), so it must be text a header can
   * carry; a refresh token goes in the token request's form body, an input wherever its template puts it.
   */
  header: boolean;
}

/** The keys a User-Level resource's connections carry; App-Level resources have none. */
export function requiredKeys(apiInfo: ApiInfo, config: ResourceConfig): RequiredKey[] {
  if (apiInfo.level === "app") return [];
  if (apiInfo.authType === "api_keys") {
    return (config.apiKeys ?? []).map((key) => ({ key: key.name, label: key.name, secret: key.secret, optional: false, header: true }));
  }
  const inputs = requiredInputKeys(config);
  if (apiInfo.grantType === "client_credentials") return inputs;
  if (apiInfo.grantType === "authorization_code") {
    // The token answer of the code exchange: an access token always, a refresh token when the API issues one.
    return [
      { key: "access_token", label: "Access Token", secret: true, optional: false, header: true },
      { key: "refresh_token", label: "Refresh Token", secret: true, optional: true, header: false },
      ...inputs,
    ];
  }
  return [
    { key: "access_token", label: "Access Token", secret: true, optional: true, header: true },
    { key: "refresh_token", label: "Refresh Token", secret: true, optional: false, header: false },
    ...inputs,
  ];
}

/** An OAuth 2.0 resource's Required Inputs as keys: what a user types (the Connect Portal asks for them before Continue). */
export function requiredInputKeys(config: ResourceConfig): RequiredKey[] {
  return (config.oauth?.requiredInputs ?? []).map((input) => ({
    key: input.key,
    label: input.label,
    secret: false,
    optional: false,
    header: false,
  }));
}
