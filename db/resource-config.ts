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

export interface StoredAuthorizationSettings {
  /** A template over Required Inputs. */
  authorizationUrl: string;
  /** Space-separated, sent as `scope`. */
  scopes: string;
  /** S256 code challenge and verifier (on by default). */
  usePkce: boolean;
  /** Additional authorization parameters: added to the authorization URL's query; values are templates over Required Inputs. */
  parameters: { name: string; value: string }[];
}

export interface StoredValidationRequest {
  method: "GET" | "POST";
  /** Relative to the API Base URL; a template over the values the end user typed. */
  path: string;
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
    /** Authorization Code grant: where the Connect Portal sends an end user to authorize. */
    authorization?: StoredAuthorizationSettings;
  };
  /** User-Level: the names each Connected User supplies; App-Level: the names of the app's values. */
  apiKeys?: StoredApiKeyName[];
  request?: {
    baseUrl: string;
    /** A variable in the API Base URL's host may choose the whole host (absent: false). */
    allowAnyHost?: boolean;
    authentication: StoredApiAuthentication;
    userProfile: StoredUserProfileSettings;
    /**
     * API Keys / Required Inputs: the request the Connect Portal sends with what an end user typed
     * before it saves anything (only a 2xx saves). Absent: none.
     */
    validationRequest?: StoredValidationRequest;
  };
}

/** What Finish publishes: the draft's API Info and configuration, frozen until the next Finish. */
export interface PublishedResource {
  level: "user" | "app";
  authType: "oauth2" | "api_keys";
  grantType: "refresh_token" | "client_credentials" | "authorization_code" | null;
  config: ResourceConfig;
}
