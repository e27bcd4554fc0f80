import type { ApiKeyName, AuthType, GrantType } from "./schema";

/** What a resource's templates can refer to. */
export interface ResourceShape {
  authType: AuthType;
  grantType: GrantType | null;
  inputs: readonly string[];
  apiKeys: readonly ApiKeyName[];
  profileFields: readonly string[];
}

export type TemplateField =
  "accessTokenUrl" | "authorizationUrl" | "authorizationParameter" | "baseUrl" | "authentication" | "profilePath" | "validationPath";

/** The variables a template field may use, in the order the variable menu lists them. */
export function variablesFor(field: TemplateField, shape: ResourceShape): string[] {
  const inputs = shape.inputs.map((key) => `inputs.${key}`);
  // Filled in before any token exists: the Required Inputs only.
  if (field === "accessTokenUrl" || field === "authorizationUrl" || field === "authorizationParameter") return inputs;
  const credentials =
    shape.authType === "oauth2"
      ? ["credentials.access_token", ...(hasRefreshToken(shape.grantType) ? ["credentials.refresh_token"] : [])]
      : shape.apiKeys.map((key) => `credentials.${key.name}`);
  // What the end user typed in the Connect Portal: API key values and Required Inputs, never a token.
  if (field === "validationPath") return [...inputs, ...(shape.authType === "api_keys" ? credentials : [])];
  // Tokens never belong in a URL; API key values sometimes do (a subdomain, an account id).
  if (field === "baseUrl") return [...inputs, ...(shape.authType === "api_keys" ? credentials : [])];
  if (field === "profilePath") return [...inputs, ...(shape.authType === "api_keys" ? credentials : [])];
  return [...inputs, ...credentials, ...shape.profileFields.map((path) => `profile.${path}`)];
}

/** Whether a grant's connections may hold a refresh token (Authorization Code: when the API issues one). */
export function hasRefreshToken(grantType: GrantType | null): boolean {
  return grantType === "refresh_token" || grantType === "authorization_code";
}

/** Variables whose values are secret, and are masked wherever a request is shown. */
export function secretVariables(shape: ResourceShape): Set<string> {
  if (shape.authType === "oauth2") return new Set(["credentials.access_token", "credentials.refresh_token"]);
  return new Set(shape.apiKeys.filter((key) => key.secret).map((key) => `credentials.${key.name}`));
}
