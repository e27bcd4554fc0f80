import { z } from "zod";
import { getUserConnection } from "@/db/queries/connection-refresh";
import { getResource, saveResource } from "@/db/queries/resources";
import { ApiError } from "@/lib/api/errors";
import { allowPrivateNetworkEverywhere } from "@/lib/config/env";
import type { OutboundPolicy, OutboundResponse } from "@/lib/http/client";
import type { TokenSet } from "@/lib/oauth/token";
import {
  credentialTemplateValues,
  fetchToken,
  ResourceCallError,
  type ResourceRuntime,
  secretValues,
  sendWithValues,
} from "@/lib/resources/call";
import { appCredentialSecretName, publishedSecretName } from "@/lib/resources/config";
import { encryptResourceSecret } from "@/lib/resources/secrets";
import { loadResourceRuntime } from "@/lib/resources/test-and-publish";
import { decryptConnectionCredentials } from "./credentials";
import { type ConnectionTokens, hasUsableAccessToken, reconnectNeeded, refreshConnectionTokens } from "./refresh";

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

export const apiRequestSchema = z
  .object({
    method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"]),
    path: z.string().min(1).max(4096).meta({ description: "A path under the API Base URL, or a full URL on its origin." }),
    query: z.record(z.string(), z.string()).optional(),
    headers: z
      .record(z.string().regex(HEADER_NAME, { error: "Not a valid header name." }), z.string().max(8192))
      .optional(),
    body: z.unknown().optional().meta({ description: "A string is sent as it is; anything else as JSON." }),
  })
  .meta({ id: "ApiRequest" });
export type ApiRequestInput = z.infer<typeof apiRequestSchema>;

export interface ApiResponseView {
  status: number;
  headers: Record<string, string>;
  body: unknown;
  truncated: boolean;
}

function toCall(input: ApiRequestInput) {
  return {
    method: input.method,
    path: input.path,
    query: input.query,
    headers: input.headers,
    body: input.body === undefined ? undefined : typeof input.body === "string" ? input.body : JSON.stringify(input.body),
  };
}

function toView(response: OutboundResponse): ApiResponseView {
  let body: unknown = response.body;
  if (/\bjson\b/i.test(response.headers["content-type"] ?? "") && !response.truncated) {
    try {
      body = JSON.parse(response.body);
    } catch {
      body = response.body;
    }
  }
  return { status: response.status, headers: response.headers, body, truncated: response.truncated };
}

function callFailed(error: ResourceCallError): ApiError {
  if (error.kind === "configuration") return new ApiError({ status: 400, code: "invalid_request", message: error.message });
  return new ApiError({ status: 502, code: "upstream_unreachable", message: error.message });
}

async function publishedResource(projectId: string, resourceId: string): Promise<ResourceRuntime> {
  const resource = await getResource({ projectId, resourceId });
  const runtime = resource?.published ? await loadResourceRuntime(resource, "published") : undefined;
  if (!runtime) throw new ApiError({ status: 404, code: "resource_not_found", message: "No published resource with this ID in this project." });
  return runtime;
}

/**
 * Sends a request through a published resource for a Connected User (User-Level) or with
 * the app's credentials (App-Level), refreshing OAuth tokens ahead of expiry and once on a 401.
 */
export async function requestThroughResource({
  project,
  resourceId,
  userId,
  input,
}: {
  project: { id: string; allowPrivateNetwork: boolean };
  resourceId: string;
  userId: string | undefined;
  input: ApiRequestInput;
}): Promise<ApiResponseView> {
  const resource = await publishedResource(project.id, resourceId);
  const policy: OutboundPolicy = { allowPrivateNetwork: project.allowPrivateNetwork || allowPrivateNetworkEverywhere() };
  try {
    if (resource.level === "app") return toView(await requestAsApp(resourceId, project.id, resource, input, policy));
    if (!userId) {
      throw new ApiError({ status: 400, code: "missing_user", message: "Name the Connected User in the X-Switchboard-User header." });
    }
    return toView(await requestAsUser(project.id, resourceId, userId, resource, input, policy));
  } catch (error) {
    if (error instanceof ResourceCallError) throw callFailed(error);
    throw error;
  }
}

async function requestAsUser(
  projectId: string,
  resourceId: string,
  userId: string,
  resource: ResourceRuntime,
  input: ApiRequestInput,
  policy: OutboundPolicy,
): Promise<OutboundResponse> {
  const connection = await getUserConnection({ projectId, resourceId, userId });
  if (!connection) throw new ApiError({ status: 404, code: "connection_not_found", message: "This user has not connected to this resource." });
  if (connection.status === "INVALID") throw reconnectNeeded(connection.invalidReason);
  let tokens: ConnectionTokens = {
    values: decryptConnectionCredentials(connection.id, connection.credentials),
    accessTokenExpiresAt: connection.accessTokenExpiresAt,
  };
  const oauth = resource.authType === "oauth2";
  const refresh = () =>
    refreshConnectionTokens({ connectionId: connection.id, staleAccessToken: tokens.values.access_token ?? "", resource, policy });
  if (oauth && !hasUsableAccessToken(tokens)) tokens = await refresh();
  const send = () =>
    sendWithValues(
      resource,
      credentialTemplateValues(resource, { values: tokens.values }),
      secretValues(resource, { values: tokens.values }),
      toCall(input),
      policy,
    );
  let { response } = await send();
  if (oauth && response.status === 401) {
    tokens = await refresh();
    ({ response } = await send());
  }
  return response;
}

// App-Level OAuth tokens, per resource, in this process: one token request at a time.
const appTokens = new Map<string, { tokens: TokenSet; pending?: undefined } | { pending: Promise<TokenSet> }>();

async function appAccessToken(resourceId: string, projectId: string, resource: ResourceRuntime, policy: OutboundPolicy, stale?: string): Promise<TokenSet> {
  const cached = appTokens.get(resourceId);
  if (cached?.pending) return cached.pending;
  if (cached && "tokens" in cached && cached.tokens.accessToken !== stale) {
    const expiresAt = cached.tokens.expiresAt?.getTime() ?? Infinity;
    if (expiresAt - Date.now() > 60_000) return cached.tokens;
  }
  const refreshToken = (cached && "tokens" in cached ? cached.tokens.refreshToken : undefined) ?? resource.appCredentials.refresh_token ?? "";
  const pending = fetchToken(resource, { ...credentialTemplateValues(resource, { values: {} }), "credentials.refresh_token": refreshToken }, policy);
  appTokens.set(resourceId, { pending });
  try {
    const tokens = await pending;
    appTokens.set(resourceId, { tokens });
    if (tokens.refreshToken && tokens.refreshToken !== refreshToken) {
      // Keep a rotated App-Level refresh token, or the next process to start could not refresh.
      const name = publishedSecretName(appCredentialSecretName("refresh_token"));
      await saveResource({ projectId, resourceId, update: {}, setSecrets: [encryptResourceSecret(resourceId, name, tokens.refreshToken)] });
    }
    return tokens;
  } catch (error) {
    appTokens.delete(resourceId);
    throw error;
  }
}

async function requestAsApp(
  resourceId: string,
  projectId: string,
  resource: ResourceRuntime,
  input: ApiRequestInput,
  policy: OutboundPolicy,
): Promise<OutboundResponse> {
  const oauth = resource.authType === "oauth2";
  let token = oauth ? await appAccessToken(resourceId, projectId, resource, policy) : undefined;
  const send = () => {
    const values = credentialTemplateValues(resource, { values: {} });
    if (token) values["credentials.access_token"] = token.accessToken;
    return sendWithValues(resource, values, secretValues(resource, { values: {} }), toCall(input), policy);
  };
  let { response } = await send();
  if (oauth && response.status === 401) {
    token = await appAccessToken(resourceId, projectId, resource, policy, token?.accessToken);
    ({ response } = await send());
  }
  return response;
}
