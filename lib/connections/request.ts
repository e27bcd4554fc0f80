import type { z } from "zod";
import { getOrCreateAppConnection, getUserConnection } from "@/db/queries/connection-refresh";
import { getResource } from "@/db/queries/resources";
import type { Connection } from "@/db/schema";
import { ApiError } from "@/lib/api/errors";
import { allowPrivateNetworkEverywhere } from "@/lib/config/env";
import type { OutboundPolicy, OutboundResponse } from "@/lib/http/client";
import {
  credentialTemplateValues,
  ResourceCallError,
  type ResourceRuntime,
  secretValues,
  sendWithValues,
} from "@/lib/resources/call";
import { loadResourceRuntime } from "@/lib/resources/test-and-publish";
import { apiRequestSchema, type apiResponseSchema } from "./api-schema";
import { decryptConnectionCredentials, encryptConnectionCredentials } from "./credentials";
import { type ConnectionTokens, hasUsableAccessToken, reconnectNeeded, refreshConnectionTokens } from "./refresh";

export type ApiRequestInput = z.infer<typeof apiRequestSchema>;


export type ApiResponseView = z.infer<typeof apiResponseSchema>;

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
    if (resource.level === "app") return toView(await requestAsApp(project.id, resourceId, resource, input, policy));
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
  return sendThroughConnection(connection, resource, input, policy);
}

async function requestAsApp(
  projectId: string,
  resourceId: string,
  resource: ResourceRuntime,
  input: ApiRequestInput,
  policy: OutboundPolicy,
): Promise<OutboundResponse> {
  if (resource.authType !== "oauth2") {
    return (await sendWithValues(resource, credentialTemplateValues(resource, { values: {} }), secretValues(resource, { values: {} }), toCall(input), policy)).response;
  }
  // The app's OAuth tokens live in the resource's app connection, shared by every process.
  const refreshToken = resource.appCredentials.refresh_token;
  const connection = await getOrCreateAppConnection({
    projectId,
    resourceId,
    encrypt: (connectionId) => encryptConnectionCredentials(connectionId, refreshToken ? { refresh_token: refreshToken } : {}),
  });
  return sendThroughConnection(connection, resource, input, policy);
}

/** Sends with a connection's credentials: OAuth tokens refreshed ahead of expiry (single-flight) and once on a 401. */
async function sendThroughConnection(
  connection: Connection,
  resource: ResourceRuntime,
  input: ApiRequestInput,
  policy: OutboundPolicy,
): Promise<OutboundResponse> {
  if (connection.status === "INVALID") throw reconnectNeeded(connection.invalidReason);
  let tokens: ConnectionTokens = {
    values: decryptConnectionCredentials(connection.id, connection.credentials),
    accessTokenExpiresAt: connection.accessTokenExpiresAt,
  };
  const oauth = resource.authType === "oauth2";
  const refresh = () =>
    refreshConnectionTokens({ connectionId: connection.id, staleAccessToken: tokens.values.access_token ?? "", resource, policy });
  if (oauth && !hasUsableAccessToken(tokens)) tokens = await refresh();
  const send = () => {
    const values = credentialTemplateValues(resource, { values: tokens.values });
    if (oauth) values["credentials.access_token"] = tokens.values.access_token ?? "";
    return sendWithValues(resource, values, secretValues(resource, { values: tokens.values }), toCall(input), policy);
  };
  let { response } = await send();
  if (oauth && response.status === 401) {
    tokens = await refresh();
    ({ response } = await send());
  }
  return response;
}
