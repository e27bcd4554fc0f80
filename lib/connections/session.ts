import { recordApiAnswer } from "@/db/queries/connection-refresh";
import { getResourceConnection, getUserConnection, saveResourceConnection } from "@/db/queries/connections";
import type { Connection, Resource } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { notifyConnectionInvalid } from "@/lib/notifications/events";
import { OutboundError, type OutboundPolicy, type OutboundResponse, sendRequest } from "@/lib/http/client";
import { type ApiCall, buildApiRequest, describeRequest, RequestBuildError } from "@/lib/resources/request";
import { requiredKeys } from "@/lib/resources/required-keys";
import { loadResourceRuntime, type ResourceRuntime } from "@/lib/resources/runtime";
import { type TemplateValues, urlHostChosenByValues } from "@/lib/resources/template";
import {
  type ConnectionCredentials,
  type CredentialState,
  credentialStateOf,
  encryptConnectionCredentials,
  hasUsableAccessToken,
  withNewTokens,
} from "./credentials";
import { requestNewTokens, resourceGrantFingerprint } from "./grant";
import { reconnectNeeded, refreshConnectionTokens } from "./refresh";

export type DescribedRequest = ReturnType<typeof describeRequest>;

export interface SessionResult {
  /** The request as sent, secrets masked. */
  request: DescribedRequest;
  response: OutboundResponse;
}

/**
 * Whose credentials a session uses. Every request through a resource names one:
 * - `user`: a Connected User's connection (published configuration);
 * - `app`: an App-Level resource's own (published configuration);
 * - `test`: the resource's test connection (draft configuration; the Test and Publish step);
 * - `pending`: credentials a user is connecting with, not stored yet (the User Profile at connect).
 */
export type SessionTarget =
  /** `connection`: the user's connection to this resource, when the caller has just read it (a workflow step: for its profile). */
  | { kind: "user"; userId: string; connection?: Connection }
  | { kind: "app" }
  | { kind: "test" }
  /** `accessTokenExpiresAt`: when the access token among `values` expires (tokens just obtained with an authorization code). */
  | { kind: "pending"; values: ConnectionCredentials; accessTokenExpiresAt?: Date | null };

/** One set of credentials in use: requests through it refresh and store its tokens. */
export interface ConnectionSession {
  runtime: ResourceRuntime;
  /** Renders, authenticates and sends one call; refreshes OAuth tokens ahead of expiry and once on a 401. */
  send(call: ApiCall): Promise<SessionResult>;
  /** A usable access token (refreshed first when needed). */
  accessToken(): Promise<string>;
  /** The credentials as they stand now: for a pending connection, what to store. */
  current(): CredentialState;
}

// Where a session's credentials live, and how new tokens for them are obtained and kept.
interface CredentialHolder {
  state: CredentialState;
  refresh(stale: CredentialState): Promise<CredentialState>;
  /** What the API answered with these credentials (after the one refresh on a 401): a user's connection counts 401s. */
  answered?(status: number): Promise<void>;
}

/** A Connected User's connection turns INVALID when the API answers this many requests in a row with 401. */
export const UNAUTHORIZED_ANSWERS_TO_INVALID = 5;

const notPublished = () => new AppError("resource_not_found");

/**
 * Opens the connection session for one set of credentials of a resource: loads the published
 * configuration (the draft for `test`), decrypts the credentials of the one row that holds
 * them, and gives a `send` that every caller — test requests, the User Profile at connect,
 * the request API, workflow steps — uses.
 */
export async function openConnectionSession({
  resource,
  runtime: loaded,
  target,
  policy,
  now = Date.now,
}: {
  resource: Resource;
  /** The published runtime when the caller has it already (`publishedResourceAt`); loaded here otherwise. */
  runtime?: ResourceRuntime;
  target: SessionTarget;
  policy: OutboundPolicy;
  /** The clock that says whether the stored access token is still usable (ms); tests pass their own. */
  now?: () => number;
}): Promise<ConnectionSession> {
  const runtime =
    target.kind !== "test" && loaded ? loaded : await loadResourceRuntime(resource, target.kind === "test" ? "draft" : "published");
  if (!runtime) throw target.kind === "test" ? new AppError("resource_not_ready") : notPublished();
  if (target.kind === "pending")
    return openPendingSession({ runtime, values: target.values, accessTokenExpiresAt: target.accessTokenExpiresAt, policy });
  const holder = await credentialHolder(resource, runtime, target, policy);
  return sessionOver(runtime, holder, policy, now);
}

/**
 * A session over credentials that no row holds yet (a user connecting): new tokens stay in
 * `current()` for the caller to store with the connection.
 */
export function openPendingSession({
  runtime,
  values,
  accessTokenExpiresAt = null,
  policy,
}: {
  runtime: ResourceRuntime;
  values: ConnectionCredentials;
  accessTokenExpiresAt?: Date | null;
  policy: OutboundPolicy;
}): ConnectionSession {
  const holder = memoryHolder(values, (current) => requestNewTokens(runtime, current, policy));
  holder.state.accessTokenExpiresAt = accessTokenExpiresAt;
  return sessionOver(runtime, holder, policy);
}

function sessionOver(runtime: ResourceRuntime, holder: CredentialHolder, policy: OutboundPolicy, now = Date.now): ConnectionSession {
  const oauth = runtime.authType === "oauth2";
  const refresh = async () => {
    holder.state = await holder.refresh(holder.state);
    return holder.state;
  };
  const usableState = async () => (oauth && !hasUsableAccessToken(holder.state, now()) ? refresh() : holder.state);
  return {
    runtime,
    current: () => holder.state,
    accessToken: async () => (await usableState()).values.access_token ?? "",
    async send(call) {
      let result = await sendOnce(runtime, (await usableState()).values, call, policy);
      if (oauth && result.response.status === 401) result = await sendOnce(runtime, (await refresh()).values, call, policy);
      await holder.answered?.(result.response.status);
      return result;
    },
  };
}

async function credentialHolder(
  resource: Resource,
  runtime: ResourceRuntime,
  target: Exclude<SessionTarget, { kind: "pending" }>,
  policy: OutboundPolicy,
): Promise<CredentialHolder> {
  const grant = (values: ConnectionCredentials) => requestNewTokens(runtime, values, policy);
  if (runtime.level === "app") {
    // App-Level API keys are the resource's own secrets: no row holds anything.
    if (runtime.authType !== "oauth2") return memoryHolder({}, grant);
    if (target.kind === "user") throw new AppError("app_level_resource");
    return rowHolder(await appLevelGrantRow(resource, runtime, target.kind), grant);
  }
  if (target.kind === "app") throw new AppError("resource_not_found");
  if (target.kind === "user") {
    const connection =
      target.connection?.resourceId === resource.id && target.connection.userId === target.userId
        ? target.connection
        : await getUserConnection({ projectId: resource.projectId, resourceId: resource.id, userId: target.userId });
    if (!connection) throw new AppError("connection_not_found");
    return rowHolder(connection, grant);
  }
  const connection = await getResourceConnection({ resourceId: resource.id, kind: "test" });
  if (connection) return rowHolder(connection, grant);
  // A User-Level resource whose users supply nothing (client credentials without inputs) needs no test connection.
  if (requiredKeys(runtime, runtime.config).length > 0) throw new AppError("test_connection_missing");
  return memoryHolder({}, grant);
}

/**
 * The row that holds an App-Level grant's live tokens. Production (`app`) uses the app
 * connection. A test (`test`) uses it too while the draft names the same grant as the
 * published configuration, so both share one rotating refresh token; a draft with a replaced
 * grant tests on a row of its own until Finish makes it the app's. A row whose grant is not
 * the one its configuration names now is seeded afresh from the resource's secrets.
 */
async function appLevelGrantRow(resource: Resource, runtime: ResourceRuntime, kind: "app" | "test"): Promise<Connection> {
  const fingerprint = resourceGrantFingerprint(runtime);
  let rowKind: "app" | "test" = kind;
  if (kind === "test") {
    const published = resource.published ? await loadResourceRuntime(resource, "published") : undefined;
    if (published && resourceGrantFingerprint(published) === fingerprint) rowKind = "app";
  }
  const row = await getResourceConnection({ resourceId: resource.id, kind: rowKind });
  if (row?.grantFingerprint === fingerprint) return row;
  const seed = runtime.appCredentials.refresh_token;
  return saveResourceConnection({
    projectId: resource.projectId,
    resourceId: resource.id,
    kind: rowKind,
    encrypt: (connectionId) => encryptConnectionCredentials(connectionId, seed ? { refresh_token: seed } : {}),
    accessTokenExpiresAt: null,
    grantFingerprint: fingerprint,
    onlyWhenGrantChanged: true,
  });
}

function rowHolder(
  connection: Connection,
  grant: (values: ConnectionCredentials) => ReturnType<typeof requestNewTokens>,
): CredentialHolder {
  if (connection.status === "INVALID") throw reconnectNeeded(connection.invalidReason);
  return {
    state: credentialStateOf(connection),
    refresh: (stale) => refreshConnectionTokens({ connectionId: connection.id, stale, grant }),
    // Only a user's credentials can be reconnected: the test and app connections are the team's.
    ...(connection.kind === "user"
      ? {
          answered: async (status: number) => {
            await recordApiAnswer({
              connection,
              unauthorized: status === 401,
              invalidAfter: UNAUTHORIZED_ANSWERS_TO_INVALID,
              onInvalid: notifyConnectionInvalid,
            });
          },
        }
      : {}),
  };
}

/** Credentials held in memory only: new tokens are kept in the state for the caller to store. */
function memoryHolder(
  values: ConnectionCredentials,
  grant: (values: ConnectionCredentials) => ReturnType<typeof requestNewTokens>,
): CredentialHolder {
  return {
    state: { values, accessTokenExpiresAt: null, obtainedAt: null, version: 0 },
    refresh: async (stale) => withNewTokens(stale, await grant(stale.values)),
  };
}

/** The template values of a call: inputs and API keys from the credentials (App-Level keys from the resource), and the OAuth tokens. */
export function credentialTemplateValues(runtime: ResourceRuntime, values: ConnectionCredentials): TemplateValues {
  const templateValues: Record<string, string> = {};
  const keySource = runtime.level === "app" ? runtime.appCredentials : values;
  for (const input of runtime.config.oauth?.requiredInputs ?? []) templateValues[`inputs.${input.key}`] = values[input.key] ?? "";
  for (const key of runtime.config.apiKeys ?? []) templateValues[`credentials.${key.name}`] = keySource[key.name] ?? "";
  if (runtime.authType === "oauth2") {
    templateValues["credentials.access_token"] = values.access_token ?? "";
    templateValues["credentials.refresh_token"] = values.refresh_token ?? "";
  }
  return templateValues;
}

/** The values a shown request must mask: the client secret, every App-Level value, every secret key and the tokens. */
function shownSecrets(runtime: ResourceRuntime, values: ConnectionCredentials): string[] {
  const secretKeys =
    runtime.level === "user" ? (runtime.config.apiKeys ?? []).filter((key) => key.secret).map((key) => values[key.name] ?? "") : [];
  return [
    runtime.clientSecret ?? "",
    ...Object.values(runtime.appCredentials),
    ...secretKeys,
    values.access_token ?? "",
    values.refresh_token ?? "",
  ];
}

async function sendOnce(
  runtime: ResourceRuntime,
  values: ConnectionCredentials,
  call: ApiCall,
  policy: OutboundPolicy,
): Promise<SessionResult> {
  const settings = runtime.config.request;
  if (!settings) throw new AppError("resource_not_ready", { failure: { kind: "configuration" } });
  if (runtime.level === "user" && urlHostChosenByValues(settings.baseUrl, settings.allowAnyHost)) {
    throw new AppError("resource_not_ready", {
      message:
        "API Base URL: a variable chooses the whole host, so a user could send requests and credentials anywhere. Follow it with your domain, or tick Allow any host.",
      failure: { kind: "configuration" },
    });
  }
  let built;
  try {
    built = buildApiRequest(settings, credentialTemplateValues(runtime, values), call);
  } catch (error) {
    if (error instanceof RequestBuildError)
      throw new AppError("invalid_request", { message: error.message, failure: { kind: "configuration" } });
    throw error;
  }
  // Described when asked for (a workflow step's history, a test request's view): the request
  // route answers only the response.
  let described: DescribedRequest | undefined;
  const describe = () => (described ??= describeRequest(built, shownSecrets(runtime, values)));
  try {
    const response = await sendRequest(built, policy);
    return {
      get request() {
        return describe();
      },
      response,
    };
  } catch (error) {
    if (error instanceof OutboundError)
      throw new AppError("upstream_unreachable", { message: error.message, failure: { kind: "network", request: describe() } });
    throw error;
  }
}
