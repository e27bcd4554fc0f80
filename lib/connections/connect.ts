import { decodeJwt } from "jose";
import { deleteConnection, upsertConnection } from "@/db/queries/connections";
import { getResource } from "@/db/queries/resources";
import type { Connection } from "@/db/schema";
import { ApiError } from "@/lib/api/errors";
import { allowPrivateNetworkEverywhere } from "@/lib/config/env";
import { callResource, credentialTemplateValues, freshTokens, ResourceCallError, type ResourceRuntime } from "@/lib/resources/call";
import { requiredKeys } from "@/lib/resources/required-keys";
import { profileFieldList } from "@/lib/resources/schema";
import { renderTemplate, TemplateError } from "@/lib/resources/template";
import { loadResourceRuntime } from "@/lib/resources/test-and-publish";
import type { TokenSet } from "@/lib/oauth/token";
import type { ConnectionView } from "./api-schema";
import { type ConnectionCredentials, encryptConnectionCredentials } from "./credentials";
import { validateConnectBody } from "./connect-body";

export interface SdkProject {
  id: string;
  allowPrivateNetwork: boolean;
}

/** What the Connect API answers about a connection: never a secret. */
export function connectionView(connection: Connection): ConnectionView {
  return {
    id: connection.id,
    projectId: connection.projectId,
    resourceId: connection.resourceId,
    userId: connection.userId ?? "",
    status: connection.status,
    profile: connection.profile,
    dateCreated: connection.createdAt.toISOString(),
    dateUpdated: connection.updatedAt.toISOString(),
    dateRefreshed: connection.refreshedAt?.toISOString() ?? null,
  };
}

const notFound = () => new ApiError({ status: 404, code: "resource_not_found", message: "No published resource with this ID in this project." });

/** A published User-Level resource of the project, ready to use; 404 / 409 otherwise. */
async function publishedUserResource(projectId: string, resourceId: string): Promise<ResourceRuntime> {
  const resource = await getResource({ projectId, resourceId });
  if (!resource?.published) throw notFound();
  if (resource.published.level === "app") {
    throw new ApiError({
      status: 409,
      code: "app_level_resource",
      message: "This is an App-Level resource: it uses the app's credentials, so users do not connect to it.",
    });
  }
  const runtime = await loadResourceRuntime(resource, "published");
  if (!runtime) throw notFound();
  return runtime;
}

/**
 * Connects one user's credentials to a resource: validates them against the published
 * configuration, fetches the User Profile when one is configured (nothing is stored when
 * the API refuses the credentials), then creates or replaces the connection.
 */
export async function connectUser({
  project,
  resourceId,
  userId,
  body,
}: {
  project: SdkProject;
  resourceId: string;
  userId: string;
  body: Record<string, unknown>;
}): Promise<ConnectionView> {
  const resource = await publishedUserResource(project.id, resourceId);
  const values = validateConnectBody(body, requiredKeys(resource, resource.config));
  const policy = { allowPrivateNetwork: project.allowPrivateNetwork || allowPrivateNetworkEverywhere() };
  const { profile, tokens } = await fetchProfile(resource, values, policy);

  const credentials: ConnectionCredentials = { ...values };
  if (tokens) {
    credentials.access_token = tokens.accessToken;
    if (tokens.refreshToken) credentials.refresh_token = tokens.refreshToken;
  }
  const connection = await upsertConnection({
    projectId: project.id,
    resourceId,
    userId,
    encrypt: (connectionId) => encryptConnectionCredentials(connectionId, credentials),
    profile,
    accessTokenExpiresAt: tokens?.expiresAt ?? null,
  });
  return connectionView(connection);
}

export async function disconnectUser({
  project,
  resourceId,
  userId,
}: {
  project: SdkProject;
  resourceId: string;
  userId: string;
}): Promise<{ deleted: true }> {
  await publishedUserResource(project.id, resourceId);
  if (!(await deleteConnection({ projectId: project.id, resourceId, userId }))) {
    throw new ApiError({ status: 404, code: "connection_not_found", message: "This user has no connection to this resource." });
  }
  return { deleted: true as const };
}

type Profile = Record<string, unknown>;

function credentialsRejected(message: string) {
  return new ApiError({ status: 422, code: "credentials_rejected", message: `The API refused these credentials: ${message}` });
}

function profileFailed(message: string) {
  return new ApiError({ status: 502, code: "profile_request_failed", message: `The User Profile could not be fetched: ${message}` });
}

/** Reads `a.b.c` out of a JSON value. */
function pick(value: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((current, key) => (current && typeof current === "object" ? (current as Record<string, unknown>)[key] : undefined), value);
}

async function fetchProfile(
  resource: ResourceRuntime,
  values: ConnectionCredentials,
  policy: { allowPrivateNetwork: boolean },
): Promise<{ profile: Profile | null; tokens?: TokenSet }> {
  const settings = resource.config.request?.userProfile;
  if (!settings || settings.source === "none") return { profile: null };
  const credentials = { values };
  try {
    if (settings.source === "jwt") {
      const tokens = await freshTokens(resource, credentials, policy);
      const accessToken = tokens?.accessToken ?? values.access_token ?? "";
      let claims: Profile;
      try {
        claims = decodeJwt(accessToken);
      } catch {
        throw credentialsRejected("the access token is not a JWT, so the User Profile's JWT field cannot be read.");
      }
      return { profile: { [settings.claimPath]: pick(claims, settings.claimPath) ?? null }, tokens };
    }
    let path: string;
    try {
      path = renderTemplate(settings.path, credentialTemplateValues(resource, credentials));
    } catch (error) {
      if (error instanceof TemplateError) throw profileFailed(error.message);
      throw error;
    }
    const result = await callResource({ resource, credentials, call: { method: settings.method, path }, policy });
    const { status, body } = result.response;
    if (status === 401 || status === 403) throw credentialsRejected(`the profile request answered ${status}.`);
    if (status < 200 || status >= 300) throw profileFailed(`the profile request answered ${status}.`);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw profileFailed("the profile response is not JSON.");
    }
    const profile = Object.fromEntries(profileFieldList(settings.fields).map((field) => [field, pick(json, field) ?? null]));
    return { profile, tokens: result.tokens };
  } catch (error) {
    if (!(error instanceof ResourceCallError)) throw error;
    if (error.kind === "token_endpoint" && error.details.status && error.details.status < 500) throw credentialsRejected(error.message);
    throw profileFailed(error.message);
  }
}
