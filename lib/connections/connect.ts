import { decodeJwt } from "jose";
import { deleteConnection, getUserConnection, upsertConnection } from "@/db/queries/connections";
import { getProjectRevision } from "@/db/queries/sdk-state";
import type { Connection, Resource } from "@/db/schema";
import type { AuditActor } from "@/lib/audit/audit-log";
import { AppError } from "@/lib/errors";
import { log } from "@/lib/log";
import { notifyConnectionDeleted, notifyConnectionWritten } from "@/lib/notifications/events";
import { queueSubscription, unsubscribe } from "@/lib/webhooks/subscription";
import { requiredKeys } from "@/lib/resources/required-keys";
import { profileFieldList } from "@/lib/resources/schema";
import { publishedResourceAt, type ResourceRuntime } from "@/lib/resources/runtime";
import { renderPathTemplate, TemplateError } from "@/lib/resources/template";
import type { ConnectionView } from "./api-schema";
import { validateConnectBody } from "./connect-body";
import { encryptConnectionCredentials } from "./credentials";
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
  origin,
  actor,
  current,
}: {
  /** With the configuration revision the Connect API's hot statement read, when it did. */
  project: SdkProject & { revision?: number };
  resourceId: string;
  userId: string;
  body: Record<string, unknown>;
  actor: AuditActor;
  /** This app's public origin, for the webhook URL a Subscription registers. */
  origin?: string;
  /** The user's connection to the resource as the Connect API's hot statement read it (null: none). */
  current?: Pick<Connection, "id" | "status"> | null;
}): Promise<ConnectionView> {
  const { resource, runtime } = await publishedUserResource(project.id, resourceId, project.revision);
  const values = validateConnectBody(body, requiredKeys(resource.published, resource.published.config));
  const session = await openConnectionSession({ resource, runtime, target: { kind: "pending", values }, policy: outboundPolicy(project) });
  const profile = await fetchProfile(session);
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
  });
  if (origin) await queueSubscription({ connectionId: connection.id, resource, origin });
  return connectionView(connection);
}

export async function disconnectUser({
  project,
  resourceId,
  userId,
  origin,
  actor,
}: {
  project: SdkProject & { revision?: number };
  resourceId: string;
  userId: string;
  /** This app's public origin: the webhook URL the Unsubscribe request names. */
  origin?: string;
  actor: AuditActor;
}): Promise<{ deleted: true }> {
  const { resource } = await publishedUserResource(project.id, resourceId, project.revision);
  // While the credentials still exist; a failure does not keep the user connected.
  if (origin && resource.webhook?.subscription?.unsubscribe && (await getUserConnection({ projectId: project.id, resourceId, userId }))) {
    const failure = await unsubscribe({ resource, userId, origin, policy: outboundPolicy(project) });
    if (failure) log.warn({ resourceId, failure: failure.slice(0, 200) }, "Webhook unsubscribe failed for a disconnected user");
  }
  if (!(await deleteConnection({ projectId: project.id, resourceId, userId, actor, onDeleted: notifyConnectionDeleted }))) throw new AppError("connection_not_found");
  return { deleted: true as const };
}

type Profile = Record<string, unknown>;

function credentialsRejected(message: string) {
  return new AppError("credentials_rejected", { message: `The API refused these credentials: ${message}` });
}

function profileFailed(message: string) {
  return new AppError("profile_request_failed", { message: `The User Profile could not be fetched: ${message}` });
}

/** Reads `a.b.c` out of a JSON value (own properties only). */
function pick(value: unknown, path: string): unknown {
  return path
    .split(".")
    .reduce<unknown>(
      (current, key) => (current && typeof current === "object" && Object.hasOwn(current, key) ? (current as Record<string, unknown>)[key] : undefined),
      value,
    );
}

async function fetchProfile(session: ConnectionSession): Promise<Profile | null> {
  const settings = session.runtime.config.request?.userProfile;
  if (!settings || settings.source === "none") return null;
  try {
    if (settings.source === "jwt") {
      let claims: Profile;
      try {
        claims = decodeJwt(await session.accessToken());
      } catch (error) {
        if (error instanceof AppError) throw error;
        throw credentialsRejected("the access token is not a JWT, so the User Profile's JWT field cannot be read.");
      }
      return { [settings.claimPath]: pick(claims, settings.claimPath) ?? null };
    }
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
    if (!(error instanceof AppError) || error.code === "credentials_rejected" || error.code === "profile_request_failed") throw error;
    const status = error.failure?.status;
    if (error.failure?.kind === "token_endpoint" && status !== undefined && status < 500) throw credentialsRejected(error.message);
    throw profileFailed(error.message);
  }
}

