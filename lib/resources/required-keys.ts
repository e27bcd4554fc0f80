import type { ResourceConfig } from "./config";
import type { ApiInfo } from "./schema";

/** A value each Connected User supplies (through connectAction, the connect route, or as test credentials). */
export interface RequiredKey {
  key: string;
  label: string;
  secret: boolean;
  /** May be omitted: an empty access token is fetched with the refresh token first. */
  optional: boolean;
}

/** The keys a User-Level resource's connections carry; App-Level resources have none. */
export function requiredKeys(apiInfo: ApiInfo, config: ResourceConfig): RequiredKey[] {
  if (apiInfo.level === "app") return [];
  if (apiInfo.authType === "api_keys") {
    return (config.apiKeys ?? []).map((key) => ({ key: key.name, label: key.name, secret: key.secret, optional: false }));
  }
  const inputs = (config.oauth?.requiredInputs ?? []).map((input) => ({
    key: input.key,
    label: input.label,
    secret: false,
    optional: false,
  }));
  if (apiInfo.grantType === "client_credentials") return inputs;
  return [
    { key: "access_token", label: "Access Token", secret: true, optional: true },
    { key: "refresh_token", label: "Refresh Token", secret: true, optional: false },
    ...inputs,
  ];
}
