import type { AuthType, GrantType, ResourceLevel } from "./schema";

export function describeLevel(level: ResourceLevel | null): string {
  if (!level) return "—";
  return level === "user" ? "User-Level" : "App-Level";
}

export function describeAuthentication(authType: AuthType | null, grantType: GrantType | null): string {
  if (!authType) return "—";
  if (authType === "api_keys") return "API Keys";
  if (grantType === "client_credentials") return "OAuth 2.0 (Client Credentials)";
  if (grantType === "authorization_code") return "OAuth 2.0 (Authorization Code)";
  return "OAuth 2.0 (Refresh Token)";
}
