import { type OutboundPolicy, sendRequest } from "@/lib/http/client";
import { isPlainObject } from "@/lib/json";

/** Where and how to ask for tokens: the resource's rendered Access Token URL and client. */
export interface TokenEndpoint {
  url: URL;
  clientId: string;
  clientSecret: string;
  /** On: a Basic Authorization header (RFC 6749 §2.3.1). Off: client_id/client_secret in the body. */
  includeClientCredentials: boolean;
}

export type TokenGrant =
  | { grantType: "refresh_token"; refreshToken: string }
  | { grantType: "client_credentials" }
  /** The Connect Portal's: the code the authorization endpoint sent to the callback, with the PKCE verifier when one was used. */
  | { grantType: "authorization_code"; code: string; redirectUri: string; codeVerifier?: string };

export interface TokenSet {
  accessToken: string;
  /** The token to refresh with next: a rotated one when the endpoint sent one, else the one used. */
  refreshToken?: string;
  expiresAt?: Date;
  scope?: string;
}

/** A token endpoint's refusal, with what it said, so a user can act on it. */
export class TokenEndpointError extends Error {
  override name = "TokenEndpointError";
  constructor(
    message: string,
    readonly status: number,
    readonly body: string,
    /** The OAuth error code (`invalid_grant`, `invalid_client`, …) when the body had one. */
    readonly error?: string,
  ) {
    super(message);
  }
}

const MAX_ERROR_BODY = 2000;

// RFC 6749 §2.3.1: the client id and secret are form-urlencoded before they are joined and base64'd.
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

export function basicClientAuthorization(clientId: string, clientSecret: string): string {
  return `Basic ${Buffer.from(`${formEncode(clientId)}:${formEncode(clientSecret)}`).toString("base64")}`;
}

/** Runs a refresh_token, client_credentials or authorization_code grant against the token endpoint. */
export async function requestToken(endpoint: TokenEndpoint, grant: TokenGrant, policy: OutboundPolicy): Promise<TokenSet> {
  const body = new URLSearchParams({ grant_type: grant.grantType });
  if (grant.grantType === "refresh_token") body.set("refresh_token", grant.refreshToken);
  if (grant.grantType === "authorization_code") {
    body.set("code", grant.code);
    body.set("redirect_uri", grant.redirectUri);
    if (grant.codeVerifier) body.set("code_verifier", grant.codeVerifier);
  }
  const headers: Record<string, string> = {
    accept: "application/json",
    "content-type": "application/x-www-form-urlencoded",
  };
  if (endpoint.includeClientCredentials) {
    headers.authorization = basicClientAuthorization(endpoint.clientId, endpoint.clientSecret);
  } else {
    body.set("client_id", endpoint.clientId);
    body.set("client_secret", endpoint.clientSecret);
  }

  // A 307/308 would resend the client secret to wherever it points: token endpoints get no redirects.
  const response = await sendRequest({ method: "POST", url: endpoint.url, headers, body }, { ...policy, maxRedirects: 0 });
  const shownBody = response.body.slice(0, MAX_ERROR_BODY);
  let json: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(response.body);
    if (isPlainObject(parsed)) json = parsed;
  } catch {
    json = undefined;
  }
  const oauthError = typeof json?.error === "string" ? json.error : undefined;

  if (response.status < 200 || response.status >= 300) {
    const description = typeof json?.error_description === "string" ? `: ${json.error_description}` : "";
    throw new TokenEndpointError(
      oauthError
        ? `The token endpoint answered ${response.status} ${oauthError}${description}.`
        : `The token endpoint answered ${response.status}${json ? "" : " with a body that is not JSON"}.`,
      response.status,
      shownBody,
      oauthError,
    );
  }
  if (!json || typeof json.access_token !== "string" || !json.access_token) {
    throw new TokenEndpointError(
      json ? "The token endpoint's answer has no access_token." : "The token endpoint's answer is not JSON.",
      response.status,
      shownBody,
      oauthError,
    );
  }
  const expiresIn = Number(json.expires_in);
  return {
    accessToken: json.access_token,
    refreshToken:
      typeof json.refresh_token === "string" && json.refresh_token
        ? json.refresh_token
        : grant.grantType === "refresh_token"
          ? grant.refreshToken
          : undefined,
    expiresAt: Number.isFinite(expiresIn) && expiresIn > 0 ? new Date(Date.now() + expiresIn * 1000) : undefined,
    scope: typeof json.scope === "string" ? json.scope : undefined,
  };
}
