import { deleteConnection, getUserConnection, ProfileValueTakenError, upsertConnection } from "@/db/queries/connections";
import { getProjectRevision } from "@/db/queries/sdk-state";
import type { Connection, Resource } from "@/db/schema";
import type { AuditActor } from "@/lib/audit/audit-log";
import { AppError, type ErrorCode } from "@/lib/errors";
import type { OutboundPolicy } from "@/lib/http/client";
import { log } from "@/lib/log";
import { notifyConnectionDeleted, notifyConnectionWritten } from "@/lib/notifications/events";
import { queueSubscription, unsubscribe } from "@/lib/webhooks/subscription";
import type { TokenSet } from "@/lib/oauth/token";
import { requiredInputKeys, requiredKeys } from "@/lib/resources/required-keys";
import { profileFieldList } from "@/lib/resources/schema";
import { publishedResourceAt, type ResourceRuntime } from "@/lib/resources/runtime";
import { renderPathTemplate, TemplateError } from "@/lib/resources/template";
import type { ConnectionView } from "./api-schema";
import { validateConnectBody } from "./connect-body";
import { encryptConnectionCredentials } from "./credentials";
import { jwtProfile, pick } from "./jwt-profile";
import { outboundPolicy, type SdkProject } from "./request";
import { type ConnectionSession, credentialTemplateValues, openConnectionSession } from "./session";

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

type PublishedUserResource = { resource: Resource & { published: NonNullable<Resource["published"]> }; runtime: ResourceRuntime };

/**
 * A published User-Level resource of the project with its runtime, from the process's cache when
 * current as of `revision` (the Connect API's hot statement read it; read here when not given);
 * 404 / 409 otherwise.
 */
async function publishedUserResource(projectId: string, resourceId: string, revision: number | undefined): Promise<PublishedUserResource> {
  const current = revision ?? (await getProjectRevision({ projectId }));
  const found = current === undefined ? undefined : await publishedResourceAt({ projectId, resourceId, revision: current });
  if (!found?.resource.published) throw new AppError("resource_not_found");
  if (found.resource.published.level === "app") throw new AppError("app_level_resource");
  return found as PublishedUserResource;
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
  actor,
  current,
  tokens,
  validate,
}: {
  /** With the configuration revision the Connect API's hot statement read, when it did. */
  project: SdkProject & { revision?: number };
  resourceId: string;
  userId: string;
  body: Record<string, unknown>;
  actor: AuditActor;
  /** The user's connection to the resource as the Connect API's hot statement read it (null: none). */
  current?: Pick<Connection, "id" | "status"> | null;
  /**
   * Tokens the Connect Portal obtained with an authorization code: `body` then holds the user's
   * Required Inputs only, and these join them.
   */
  tokens?: TokenSet;
  /** Runs on the credentials before the User Profile is fetched and anything is stored (the Connect Portal's Validation request); throws to refuse them. */
  validate?: (session: ConnectionSession) => Promise<void>;
}): Promise<ConnectionView> {
  const { resource, runtime } = await publishedUserResource(project.id, resourceId, project.revision);
  const keys = tokens ? requiredInputKeys(resource.published.config) : requiredKeys(resource.published, resource.published.config);
  const typed = validateConnectBody(body, keys);
  const values = tokens
    ? { ...typed, access_token: tokens.accessToken, ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}) }
    : typed;
  const policy = outboundPolicy(project);
  const session = await openConnectionSession({
    resource,
    runtime,
    target: { kind: "pending", values, accessTokenExpiresAt: tokens?.expiresAt ?? null },
    policy,
  });
  await validate?.(session);
  const profile = await fetchProfile(session, policy);
  const credentials = session.current();
  const connection = await upsertConnection({
    projectId: project.id,
    resourceId,
    userId,
    resourceName: resource.name,
    encrypt: (connectionId) => encryptConnectionCredentials(connectionId, credentials.values),
    profile,
    accessTokenExpiresAt: credentials.accessTokenExpiresAt,
    actor,
    // Names only: which keys were given, and the profile when one was fetched.
    changes: [...Object.keys(values).map((key) => `credentials.${key}`), ...(profile ? ["profile"] : [])],
    onWrite: notifyConnectionWritten,
    current,
    uniqueProfileValue: uniqueProfileValue(resource, profile),
  }).catch((error: unknown) => {
    if (error instanceof ProfileValueTakenError) {
      throw new AppError("profile_value_taken", {
        message: `Another user's connection to this resource already has ${error.path} = ${JSON.stringify(error.value.slice(0, 200))} in its User Profile, and the resource's webhooks match users on it (Profile field is unique). Nothing was stored.`,
      });
    }
    throw error;
  });
  // The webhook URL it registers comes from the configured public URL, never from the request.
  await queueSubscription({ connectionId: connection.id, resource });
  return connectionView(connection);
}

export async function disconnectUser({
  project,
  resourceId,
  userId,
  actor,
}: {
  project: SdkProject & { revision?: number };
  resourceId: string;
  userId: string;
  actor: AuditActor;
}): Promise<{ deleted: true }> {
  const { resource } = await publishedUserResource(project.id, resourceId, project.revision);
  // While the credentials still exist; a failure does not keep the user connected.
  if (resource.webhook?.subscription?.unsubscribe && (await getUserConnection({ projectId: project.id, resourceId, userId }))) {
    const failure = await unsubscribe({ resource, userId, policy: outboundPolicy(project) });
    if (failure) log.warn({ resourceId, failure: failure.slice(0, 200) }, "Webhook unsubscribe failed for a disconnected user");
  }
  if (!(await deleteConnection({ projectId: project.id, resourceId, userId, actor, onDeleted: notifyConnectionDeleted })))
    throw new AppError("connection_not_found");
  return { deleted: true as const };
}

type Profile = Record<string, unknown>;

/** What fetching the User Profile answers as it is; any other error is reported as a failed profile request. */
const PROFILE_ERRORS = new Set<ErrorCode>(["credentials_rejected", "profile_request_failed", "profile_unverified", "invalid_profile"]);

function credentialsRejected(message: string) {
  return new AppError("credentials_rejected", { message: `The API refused these credentials: ${message}` });
}

function profileFailed(message: string) {
  return new AppError("profile_request_failed", { message: `The User Profile could not be fetched: ${message}` });
}

/**
 * The profile value a connect claims, when the resource's webhooks match users on a profile field
 * marked unique: no other user's VALID connection may hold it (the write checks, under a lock).
 */
function uniqueProfileValue(resource: Resource, profile: Profile | null): { path: string; value: string } | undefined {
  const field = resource.webhook?.userMatchField;
  if (!profile || field?.kind !== "profile" || !field.unique) return undefined;
  // As webhook matching reads it: the field under its dotted name, else nested.
  const value = Object.hasOwn(profile, field.path) ? profile[field.path] : pick(profile, field.path);
  if (value === null || value === undefined) return undefined;
  return { path: field.path, value: typeof value === "string" ? value : JSON.stringify(value) };
}

async function fetchProfile(session: ConnectionSession, policy: OutboundPolicy): Promise<Profile | null> {
  const settings = session.runtime.config.request?.userProfile;
  if (!settings || settings.source === "none") return null;
  try {
    if (settings.source === "jwt") return await jwtProfile(session, settings, policy);
    let path: string;
    try {
      path = renderPathTemplate(settings.path, credentialTemplateValues(session.runtime, session.current().values));
    } catch (error) {
      if (error instanceof TemplateError) throw profileFailed(error.message);
      throw error;
    }
    const { status, body } = (await session.send({ method: settings.method, path })).response;
    if (status === 401 || status === 403) throw credentialsRejected(`the profile request answered ${status}.`);
    if (status < 200 || status >= 300) throw profileFailed(`the profile request answered ${status}.`);
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      throw profileFailed("the profile response is not JSON.");
    }
    return Object.fromEntries(profileFieldList(settings.fields).map((field) => [field, pick(json, field) ?? null]));
  } catch (error) {
    if (!(error instanceof AppError) || PROFILE_ERRORS.has(error.code)) throw error;
    const status = error.failure?.status;
    if (error.failure?.kind === "token_endpoint" && status !== undefined && status < 500) throw credentialsRejected(error.message);
    throw profileFailed(error.message);
  }
}
