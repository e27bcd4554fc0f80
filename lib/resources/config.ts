import type { ApiAuthentication, ApiKeyName, RequiredInput, UserProfileSettings } from "./schema";

/**
 * A resource's non-secret configuration, filled in step by step. Where the level puts a
 * field in another step (App-Level resources enter their credentials under Request
 * Details), it is still stored in the same place.
 */
export interface ResourceConfig {
  oauth?: {
    accessTokenUrl: string;
    clientId: string;
    includeClientCredentials: boolean;
    /** User-Level only: values each Connected User supplies. */
    requiredInputs: RequiredInput[];
  };
  /** User-Level: the names each Connected User supplies; App-Level: the names of the app's values. */
  apiKeys?: ApiKeyName[];
  request?: {
    baseUrl: string;
    authentication: ApiAuthentication;
    userProfile: UserProfileSettings;
  };
}

/** What Finish publishes: the draft's API Info and configuration, frozen until the next Finish. */
export interface PublishedResource {
  level: "user" | "app";
  authType: "oauth2" | "api_keys";
  grantType: "refresh_token" | "client_credentials" | null;
  config: ResourceConfig;
}

/** Names of a resource's secrets in resource_secrets. */
export const CLIENT_SECRET = "client_secret";
export function appCredentialSecretName(name: string): string {
  return `credential:${name}`;
}

/** The published copy of a draft secret (re-encrypted under its own name by Finish). */
export function publishedSecretName(name: string): string {
  return `published:${name}`;
}
