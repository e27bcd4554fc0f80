import { AppError } from "@/lib/errors";
import { OutboundError, type OutboundPolicy } from "@/lib/http/client";
import {
  basicClientAuthorization,
  requestToken,
  type TokenEndpoint,
  TokenEndpointError,
  type TokenGrant,
  type TokenSet,
} from "@/lib/oauth/token";
import { secretMasker } from "@/lib/resources/request";
import type { ResourceRuntime } from "@/lib/resources/runtime";
import { renderUrl, TemplateError, urlHostChosenByValues } from "@/lib/resources/template";
import type { ConnectionCredentials } from "./credentials";
import { grantFingerprint } from "./credentials";

/** Token endpoint 5xx answers and network failures are retried after these pauses. */
const RETRY_DELAYS_MS = [200, 800];

/** Which grant the tokens of a resource's test or app connection come from (see grantFingerprint). */
export function resourceGrantFingerprint(runtime: ResourceRuntime): string {
  const oauth = runtime.config.oauth;
  return grantFingerprint([
    runtime.grantType,
    oauth?.accessTokenUrl,
    oauth?.clientId,
    oauth?.includeClientCredentials,
    runtime.clientSecret,
    runtime.appCredentials.refresh_token,
  ]);
}

/** Everything a token endpoint's answer must not show: the client secret in each encoding, and the tokens. */
function grantSecrets(runtime: ResourceRuntime, values: ConnectionCredentials): string[] {
  const clientId = runtime.config.oauth?.clientId ?? "";
  const secret = runtime.clientSecret ?? "";
  return [
    secret,
    basicClientAuthorization(clientId, secret).slice("Basic ".length),
    values.refresh_token ?? "",
    values.access_token ?? "",
    values.code ?? "",
  ];
}

const notReady = (message: string) => new AppError("resource_not_ready", { message, failure: { kind: "configuration" } });

/** The resource's token endpoint, its Access Token URL rendered with the user's Required Inputs. */
function tokenEndpoint(runtime: ResourceRuntime, values: ConnectionCredentials): TokenEndpoint {
  const oauth = runtime.config.oauth;
  if (!oauth || !runtime.clientSecret) throw notReady("Enter the Access Token URL, Client ID and Client Secret first.");
  if (runtime.level === "user" && urlHostChosenByValues(oauth.accessTokenUrl, oauth.allowAnyHost)) {
    throw notReady(
      "Access Token URL: a variable chooses the whole host, so a user could send the Client Secret anywhere. Follow it with your domain, or tick Allow any host.",
    );
  }
  let url: URL;
  try {
    const inputs = Object.fromEntries(oauth.requiredInputs.map((input) => [`inputs.${input.key}`, values[input.key] ?? ""]));
    url = renderUrl(oauth.accessTokenUrl, inputs);
  } catch (error) {
    if (error instanceof TemplateError) throw notReady(`Access Token URL: ${error.message}`);
    throw error;
  }
  return { url, clientId: oauth.clientId, clientSecret: runtime.clientSecret, includeClientCredentials: oauth.includeClientCredentials };
}

/**
 * Asks the resource's token endpoint for new tokens with its grant (the connection's refresh
 * token — also for Authorization Code resources, once connected — or client credentials),
 * retrying 5xx answers and network failures. With exchangeAuthorizationCode, the one caller of
 * lib/oauth.
 */
export async function requestNewTokens(runtime: ResourceRuntime, values: ConnectionCredentials, policy: OutboundPolicy): Promise<TokenSet> {
  const endpoint = tokenEndpoint(runtime, values);
  const refreshToken = values.refresh_token;
  // Authorization Code connections refresh as Refresh Token ones do, when the API issued a refresh token.
  const refreshes = runtime.grantType === "refresh_token" || runtime.grantType === "authorization_code";
  if (runtime.grantType === "authorization_code" && !refreshToken) {
    throw notReady(
      "The API issued no refresh token for this connection, so its access token cannot be renewed: the user must connect again.",
    );
  }
  if (runtime.grantType === "refresh_token" && !refreshToken) throw notReady("There is no refresh token to get an access token with.");
  const grant = refreshes
    ? { grantType: "refresh_token" as const, refreshToken: refreshToken! }
    : { grantType: "client_credentials" as const };
  return callTokenEndpoint(runtime, values, endpoint, grant, policy, RETRY_DELAYS_MS);
}

/**
 * The Connect Portal's token request: the authorization code (with the PKCE verifier) for the
 * user's first tokens. Sent once: a code is single use, so a failure is not retried.
 */
export async function exchangeAuthorizationCode(
  runtime: ResourceRuntime,
  inputs: ConnectionCredentials,
  grant: { code: string; redirectUri: string; codeVerifier?: string },
  policy: OutboundPolicy,
): Promise<TokenSet> {
  const endpoint = tokenEndpoint(runtime, inputs);
  return callTokenEndpoint(runtime, { ...inputs, code: grant.code }, endpoint, { grantType: "authorization_code", ...grant }, policy, []);
}

async function callTokenEndpoint(
  runtime: ResourceRuntime,
  values: ConnectionCredentials,
  endpoint: TokenEndpoint,
  grant: TokenGrant,
  policy: OutboundPolicy,
  retryDelays: readonly number[],
): Promise<TokenSet> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await requestToken(endpoint, grant, policy);
    } catch (error) {
      const transient = error instanceof OutboundError || (error instanceof TokenEndpointError && error.status >= 500);
      if (transient && attempt < retryDelays.length) {
        await new Promise((resolve) => setTimeout(resolve, retryDelays[attempt]));
        continue;
      }
      const mask = secretMasker(grantSecrets(runtime, values));
      if (error instanceof TokenEndpointError) {
        throw new AppError("token_refresh_failed", {
          message: mask(error.message),
          failure: { kind: "token_endpoint", status: error.status, body: mask(error.body), oauthError: error.error },
        });
      }
      if (error instanceof OutboundError) {
        throw new AppError("upstream_unreachable", { message: `Access Token URL: ${error.message}`, failure: { kind: "network" } });
      }
      throw error;
    }
  }
}
