import { OutboundError, type OutboundPolicy, type OutboundResponse, sendRequest } from "@/lib/http/client";
import { requestToken, TokenEndpointError, type TokenSet } from "@/lib/oauth/token";
import type { PublishedResource } from "./config";
import { type ApiCall, buildApiRequest, describeRequest, RequestBuildError } from "./request";
import { renderUrl, TemplateError, type TemplateValues } from "./template";

/** A resource as a request needs it: its configuration and its decrypted resource-level secrets. */
export interface ResourceRuntime extends PublishedResource {
  clientSecret?: string;
  /** App-Level credential values by name (API keys, `refresh_token`). */
  appCredentials: Readonly<Record<string, string>>;
}

/** The credentials a request uses: a connection's values, or the app's. */
export interface CallCredentials {
  values: Readonly<Record<string, string>>;
  accessTokenExpiresAt?: Date | null;
}

export type DescribedRequest = ReturnType<typeof describeRequest>;

export type CallFailureKind = "configuration" | "token_endpoint" | "network";

/** Why a call could not be made or completed, in words a user can act on. */
export class ResourceCallError extends Error {
  override name = "ResourceCallError";
  constructor(
    message: string,
    readonly kind: CallFailureKind,
    readonly details: { status?: number; body?: string; oauthError?: string; request?: DescribedRequest } = {},
  ) {
    super(message);
  }
}

export interface CallResult {
  request: DescribedRequest;
  response: OutboundResponse;
  /** New tokens obtained during the call, for the caller to store. */
  tokens?: TokenSet;
}

// A token that expires within this window is refreshed before use rather than after a 401.
const EXPIRY_MARGIN_MS = 60_000;

/**
 * Sends one call through a resource: renders the request with the credentials, obtains
 * or refreshes OAuth tokens as the grant requires (refresh first when there is no usable
 * access token, and once more on a 401), and sends it through the outbound client.
 */
/** The template values of a call: inputs and API keys from the credentials (or the app's), and the OAuth tokens. */
export function credentialTemplateValues(resource: ResourceRuntime, credentials: CallCredentials): Record<string, string> {
  const values: Record<string, string> = {};
  const source = resource.level === "app" ? resource.appCredentials : credentials.values;
  for (const input of resource.config.oauth?.requiredInputs ?? []) values[`inputs.${input.key}`] = credentials.values[input.key] ?? "";
  for (const key of resource.config.apiKeys ?? []) values[`credentials.${key.name}`] = source[key.name] ?? "";
  if (resource.authType === "oauth2") {
    values["credentials.access_token"] = source.access_token ?? "";
    values["credentials.refresh_token"] = source.refresh_token ?? "";
  }
  return values;
}

/**
 * A usable access token for an OAuth resource: new tokens when the grant is client
 * credentials or the stored token is missing or about to expire; undefined when the
 * stored one will do.
 */
export async function freshTokens(resource: ResourceRuntime, credentials: CallCredentials, policy: OutboundPolicy): Promise<TokenSet | undefined> {
  if (resource.authType !== "oauth2") return undefined;
  const values = credentialTemplateValues(resource, credentials);
  const expiresAt = resource.level === "app" ? null : credentials.accessTokenExpiresAt;
  const stale = !values["credentials.access_token"] || (expiresAt && expiresAt.getTime() - Date.now() < EXPIRY_MARGIN_MS);
  if (resource.grantType === "client_credentials" || stale) return fetchToken(resource, values, policy);
  return undefined;
}

export async function callResource({
  resource,
  credentials,
  call,
  policy,
}: {
  resource: ResourceRuntime;
  credentials: CallCredentials;
  call: ApiCall;
  policy: OutboundPolicy;
}): Promise<CallResult> {
  const values = credentialTemplateValues(resource, credentials);
  const secrets = secretValues(resource, credentials);
  let tokens = await freshTokens(resource, credentials, policy);

  const send = () => {
    if (tokens) {
      values["credentials.access_token"] = tokens.accessToken;
      if (tokens.refreshToken) values["credentials.refresh_token"] = tokens.refreshToken;
    }
    return sendWithValues(resource, values, secrets, call, policy);
  };

  let result = await send();
  if (result.response.status === 401 && resource.authType === "oauth2" && resource.grantType === "refresh_token" && !tokens) {
    tokens = await fetchToken(resource, values, policy);
    result = await send();
  }
  return { ...result, tokens };
}

/** The values a shown request must mask: the client secret and every secret credential. */
export function secretValues(resource: ResourceRuntime, credentials: CallCredentials): string[] {
  const source = resource.level === "app" ? resource.appCredentials : credentials.values;
  return [
    resource.clientSecret ?? "",
    ...(resource.config.apiKeys ?? []).filter((key) => key.secret).map((key) => source[key.name] ?? ""),
  ];
}

/** Builds and sends one request with the given template values (tokens included). */
export async function sendWithValues(
  resource: ResourceRuntime,
  values: TemplateValues,
  secrets: readonly string[],
  call: ApiCall,
  policy: OutboundPolicy,
): Promise<{ request: DescribedRequest; response: OutboundResponse }> {
  const request = resource.config.request;
  if (!request) throw new ResourceCallError("Save the Request Details step first.", "configuration");
  const shownSecrets = [...secrets, values["credentials.access_token"] ?? "", values["credentials.refresh_token"] ?? ""];
  let built;
  try {
    built = buildApiRequest(request, values, call);
  } catch (error) {
    if (error instanceof RequestBuildError) throw new ResourceCallError(error.message, "configuration");
    throw error;
  }
  const described = describeRequest(built, shownSecrets);
  try {
    return { request: described, response: await sendRequest(built, policy) };
  } catch (error) {
    if (error instanceof OutboundError) throw new ResourceCallError(error.message, "network", { request: described });
    throw error;
  }
}

/** Asks the token endpoint for new tokens with the resource's grant. */
export async function fetchToken(resource: ResourceRuntime, values: TemplateValues, policy: OutboundPolicy): Promise<TokenSet> {
  const oauth = resource.config.oauth;
  if (!oauth || !resource.clientSecret) throw new ResourceCallError("Enter the Access Token URL, Client ID and Client Secret first.", "configuration");
  let url: URL;
  try {
    url = renderUrl(oauth.accessTokenUrl, values);
  } catch (error) {
    if (error instanceof TemplateError) throw new ResourceCallError(`Access Token URL: ${error.message}`, "configuration");
    throw error;
  }
  const endpoint = { url, clientId: oauth.clientId, clientSecret: resource.clientSecret, includeClientCredentials: oauth.includeClientCredentials };
  if (resource.grantType === "refresh_token" && !values["credentials.refresh_token"]) {
    throw new ResourceCallError("There is no refresh token to get an access token with.", "configuration");
  }
  try {
    return await requestToken(
      endpoint,
      resource.grantType === "refresh_token"
        ? { grantType: "refresh_token", refreshToken: values["credentials.refresh_token"]! }
        : { grantType: "client_credentials" },
      policy,
    );
  } catch (error) {
    if (error instanceof TokenEndpointError) {
      throw new ResourceCallError(error.message, "token_endpoint", { status: error.status, body: error.body, oauthError: error.error });
    }
    if (error instanceof OutboundError) throw new ResourceCallError(`Access Token URL: ${error.message}`, "network");
    throw error;
  }
}
