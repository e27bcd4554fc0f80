import type { AuthType, GrantType, ResourceLevel } from "./schema";

export function describeLevel(level: ResourceLevel | null): string {
  if (!level) return "—";
  return level === "user" ? "User-Level" : "App-Level";
}

export function describeAuthentication(authType: AuthType | null, grantType: GrantType | null): string {
  if (!authType) return "—";
  if (authType === "api_keys") return "API Keys";
  return grantType === "client_credentials" ? "OAuth 2.0 (Client Credentials)" : "OAuth 2.0 (Refresh Token)";
}
