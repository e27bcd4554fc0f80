// The shapes of a resource's configuration as the database stores it (jsonb). lib/resources/schema.ts
// validates them with zod; its output types must stay assignable to these.

export interface StoredRequiredInput {
  key: string;
  label: string;
}

export interface StoredApiKeyName {
  name: string;
  secret: boolean;
}

export interface StoredApiAuthentication {
  preset: "bearer" | "basic" | "header" | "query" | "none";
  token: string;
  username: string;
  password: string;
  name: string;
  value: string;
  custom: { location: "header" | "query"; name: string; value: string }[];
}

export interface StoredUserProfileSettings {
  source: "none" | "request" | "jwt";
  method: "GET" | "POST";
  path: string;
  fields: string;
  claimPath: string;
  /** JWT field: where the API publishes the keys its access tokens are signed with (absent or "": none). */
  jwksUrl?: string;
}

/**
 * A resource's non-secret configuration, filled in step by step. Where the level puts a
 * field in another step (App-Level resources enter their credentials under Request
 * Details), it is still stored in the same place.
 */
export interface ResourceConfig {
  oauth?: {
    accessTokenUrl: string;
    /** A variable in the Access Token URL's host may choose the whole host (absent: false). */
    allowAnyHost?: boolean;
    clientId: string;
    includeClientCredentials: boolean;
    /** User-Level only: values each Connected User supplies. */
    requiredInputs: StoredRequiredInput[];
  };
  /** User-Level: the names each Connected User supplies; App-Level: the names of the app's values. */
  apiKeys?: StoredApiKeyName[];
  request?: {
    baseUrl: string;
    /** A variable in the API Base URL's host may choose the whole host (absent: false). */
    allowAnyHost?: boolean;
    authentication: StoredApiAuthentication;
    userProfile: StoredUserProfileSettings;
  };
}

/** What Finish publishes: the draft's API Info and configuration, frozen until the next Finish. */
export interface PublishedResource {
  level: "user" | "app";
  authType: "oauth2" | "api_keys";
  grantType: "refresh_token" | "client_credentials" | null;
  config: ResourceConfig;
}
