import {
  claimConnectSession,
  getConnectSession,
  getConnectSessionByStateHash,
  getConnectSessionByTokenHash,
  recordConnectOutcome,
  releaseConnectSession,
  startConnectAuthorization,
} from "@/db/queries/connect-sessions";
import { getResource } from "@/db/queries/resources";
import type { ConnectSession, Resource } from "@/db/schema";
import { type AuditActor, dashboardActor } from "@/lib/audit/audit-log";
import type { SessionUser } from "@/lib/auth/session-user";
import { publicUrl } from "@/lib/config/env";
import { connectUser } from "@/lib/connections/connect";
import { validateConnectBody } from "@/lib/connections/connect-body";
import { exchangeAuthorizationCode } from "@/lib/connections/grant";
import { outboundPolicy } from "@/lib/connections/request";
import { type ConnectionSession, credentialTemplateValues } from "@/lib/connections/session";
import { AppError, type CallFailure, ERROR_CATALOGUE } from "@/lib/errors";
import { log } from "@/lib/log";
import { getProjectAccess } from "@/lib/projects/access";
import { canChangeResources } from "@/lib/projects/roles";
import { currentProjectState } from "@/lib/projects/sdk-state";
import type { PublishedResource } from "@/lib/resources/config";
import { secretMasker } from "@/lib/resources/request";
import { requiredInputKeys, requiredKeys } from "@/lib/resources/required-keys";
import { loadResourceRuntime, type ResourceRuntime, resourceSnapshot } from "@/lib/resources/runtime";
import { saveTestCredentialsForResource } from "@/lib/connections/test-and-publish";
import { renderPathTemplate, renderTemplate, renderUrl, TemplateError } from "@/lib/resources/template";
import { OAUTH_CALLBACK_PATH, oauthRedirectUrl } from "@/lib/oauth/redirect-url";
import { type PortalFlow, portalFlow } from "./flow";
import { codeChallenge, decryptPendingAuthorization, encryptPendingAuthorization, hashToken, randomToken, tokenMatches } from "./secrets";

// The Connect Portal's steps, as plain functions the pages and routes call: open a session's page,
// Continue to the Authorization URL, take the OAuth callback, or connect with typed keys. Every
// Connected User's connection is saved by connectUser, the connect route's own path; a test-connection
// session's (Test and Publish's Connect test account) by saveTestCredentialsForResource, the Test
// credentials form's own path, over the resource's draft configuration.

/** The browser-binding cookie of one session's Continue (named per session, so two popups do not clash). */
export function bindingCookieName(sessionId: string): string {
  return `sb_connect_${sessionId.replaceAll("-", "")}`;
}

/** The longest answer of the API shown on the portal. */
const MAX_SHOWN_ANSWER = 2000;

export interface PortalField {
  key: string;
  label: string;
  /** Typed in a password field, and never shown back. */
  secret: boolean;
}

/** A live session's page: what the portal shows and asks for. */
export interface PortalPage {
  sessionId: string;
  resourceId: string;
  resourceName: string;
  projectName: string;
  flow: PortalFlow;
  fields: PortalField[];
  /** Authorization Code: the host the user is sent to, when the Authorization URL names it alone. */
  authorizationHost?: string;
  /** API Keys: the host the Validation request goes to, when there is one. */
  validationHost?: string;
  expiresAt: Date;
}

function hostOf(template: string | undefined): string | undefined {
  if (!template) return undefined;
  try {
    return renderUrl(template, {}).host;
  } catch {
    return undefined;
  }
}

/** Why a session cannot be used any more, or nothing. */
function sessionProblem(session: ConnectSession, now: Date): AppError | undefined {
  if (session.usedAt) return new AppError("connect_session_used");
  if (session.expiresAt.getTime() <= now.getTime()) return new AppError("connect_session_expired");
  return undefined;
}

/** What a session connects: its resource, in the configuration used (published; a test-connection session's draft), of a kind the portal connects. */
interface PortalResource {
  resource: Resource;
  version: "draft" | "published";
  snapshot: PublishedResource;
  flow: PortalFlow;
}

async function portalResource(session: ConnectSession): Promise<PortalResource> {
  const resource = await getResource({ projectId: session.projectId, resourceId: session.resourceId });
  const version = session.target === "test" ? "draft" : "published";
  const snapshot = resource ? resourceSnapshot(resource, version) : undefined;
  if (!resource || !snapshot) throw new AppError("resource_not_found");
  const flow = portalFlow(snapshot);
  // A test connection is made by the Authorization Code sign-in only (keys are typed in the Test credentials form).
  if (!flow || (session.target === "test" && flow !== "authorization_code")) throw new AppError("connect_portal_unsupported");
  return { resource, version, snapshot, flow };
}

function portalFields(snapshot: PublishedResource, flow: PortalFlow): PortalField[] {
  const keys = flow === "api_keys" ? requiredKeys(snapshot, snapshot.config) : requiredInputKeys(snapshot.config);
  return keys.map(({ key, label, secret }) => ({ key, label, secret }));
}

/**
 * A test-connection session's Continue: the signed-in team member, who must be the project's Owner
 * or an Admin (as for the Test credentials form). The audit log names them.
 */
async function testConnectionEditor(session: ConnectSession, dashboardUser: () => Promise<SessionUser | null>): Promise<AuditActor> {
  const user = await dashboardUser();
  if (!user) throw new AppError("not_signed_in", { message: "Sign in to Switchboard in this browser, then Connect test account again." });
  const membership = await getProjectAccess(user, session.projectId);
  if (!membership) throw new AppError("connect_session_not_found");
  if (!canChangeResources(membership.role)) throw new AppError("resource_editor_only");
  return dashboardActor(user);
}

/** A session by the token in its URL, ready to be used: 404 unknown, 410 used or expired. */
async function liveSession(token: string, now: Date) {
  const found = token.length <= 64 ? await getConnectSessionByTokenHash({ tokenHash: hashToken(token) }) : undefined;
  if (!found) throw new AppError("connect_session_not_found");
  const problem = sessionProblem(found.session, now);
  if (problem) throw problem;
  return found;
}

/** What /connect/{token} shows; throws an AppError (404, 410, 409) when the session cannot be used. */
export async function openPortalPage(token: string, now = new Date()): Promise<PortalPage> {
  const { session, projectName } = await liveSession(token, now);
  const { resource, snapshot, flow } = await portalResource(session);
  const config = snapshot.config;
  return {
    sessionId: session.id,
    resourceId: resource.id,
    resourceName: resource.name,
    projectName,
    flow,
    fields: portalFields(snapshot, flow),
    ...(flow === "authorization_code"
      ? { authorizationHost: hostOf(config.oauth?.authorization?.authorizationUrl) }
      : config.request?.validationRequest
        ? { validationHost: hostOf(config.request.baseUrl) }
        : {}),
    expiresAt: session.expiresAt,
  };
}

/** The browser-binding cookie Continue sets: HttpOnly, SameSite=Lax, only sent to the callback. */
export interface BindingCookie {
  name: string;
  value: string;
  maxAge: number;
  path: typeof OAUTH_CALLBACK_PATH;
  secure: boolean;
}

function notReady(message: string) {
  return new AppError("resource_not_ready", { message, failure: { kind: "configuration" } });
}

/** The Authorization URL for one Continue: rendered over the inputs, with the OAuth parameters last (they cannot be overridden). */
function authorizationUrl(
  runtime: ResourceRuntime,
  inputs: Record<string, string>,
  { state, challenge }: { state: string; challenge: string | undefined },
): URL {
  const oauth = runtime.config.oauth;
  const settings = oauth?.authorization;
  if (!oauth || !settings?.authorizationUrl) throw notReady("Enter the Authorization URL first.");
  const values = Object.fromEntries(oauth.requiredInputs.map((input) => [`inputs.${input.key}`, inputs[input.key] ?? ""]));
  let url: URL;
  try {
    url = renderUrl(settings.authorizationUrl, values);
    for (const parameter of settings.parameters) {
      if (parameter.name) url.searchParams.set(parameter.name, renderTemplate(parameter.value, values));
    }
  } catch (error) {
    if (error instanceof TemplateError) throw notReady(`Authorization URL: ${error.message}`);
    throw error;
  }
  url.searchParams.set("response_type", "code");
  url.searchParams.set("client_id", oauth.clientId);
  url.searchParams.set("redirect_uri", oauthRedirectUrl());
  url.searchParams.set("state", state);
  if (settings.scopes.trim()) url.searchParams.set("scope", settings.scopes.trim().split(/\s+/).join(" "));
  else url.searchParams.delete("scope");
  if (challenge) {
    url.searchParams.set("code_challenge", challenge);
    url.searchParams.set("code_challenge_method", "S256");
  }
  return url;
}

/**
 * Continue: makes a new single-use state (kept hashed), a browser-binding cookie (kept hashed)
 * and, with Use PKCE, a verifier (kept encrypted with the typed inputs), and answers where to
 * send the browser. An earlier Continue's state stops matching.
 */
export async function beginAuthorization({
  token,
  inputs,
  dashboardUser = async () => null,
  now = new Date(),
}: {
  token: string;
  /** The form's values: the resource's Required Inputs. */
  inputs: Record<string, unknown>;
  /** The team member signed in to the dashboard in this browser: a test-connection session needs one. */
  dashboardUser?: () => Promise<SessionUser | null>;
  now?: Date;
}): Promise<{ location: string; cookie: BindingCookie }> {
  const { session } = await liveSession(token, now);
  const { resource, version, flow } = await portalResource(session);
  if (flow !== "authorization_code") throw new AppError("connect_portal_unsupported");
  const actor = session.target === "test" ? await testConnectionEditor(session, dashboardUser) : undefined;
  const runtime = await loadResourceRuntime(resource, version);
  if (!runtime) throw new AppError("resource_not_found");
  const typed = validateConnectBody(inputs, requiredInputKeys(runtime.config));
  const state = randomToken();
  const binding = randomToken();
  const codeVerifier = runtime.config.oauth?.authorization?.usePkce ? randomToken() : undefined;
  const url = authorizationUrl(runtime, typed, { state, challenge: codeVerifier && codeChallenge(codeVerifier) });
  const started = await startConnectAuthorization({
    sessionId: session.id,
    stateHash: hashToken(state),
    bindingHash: hashToken(binding),
    authorization: encryptPendingAuthorization(session.id, {
      inputs: typed,
      ...(codeVerifier ? { codeVerifier } : {}),
      ...(actor ? { actor } : {}),
    }),
  });
  if (!started) throw new AppError("connect_session_expired");
  const maxAge = Math.max(1, Math.floor((session.expiresAt.getTime() - now.getTime()) / 1000));
  return {
    location: url.toString(),
    cookie: {
      name: bindingCookieName(session.id),
      value: binding,
      maxAge,
      path: OAUTH_CALLBACK_PATH,
      secure: publicUrl().startsWith("https:"),
    },
  };
}

/** The connected user, as the audit log names them. */
function connectedUser(session: ConnectSession): AuditActor {
  return { kind: "connected_user", userId: session.userId ?? "" };
}

/** The Validation request, when the resource has one: it must answer 2xx with what the user gave, or nothing is stored. */
function validationOf(runtime: ResourceRuntime): ((session: ConnectionSession) => Promise<void>) | undefined {
  const settings = runtime.config.request?.validationRequest;
  if (!settings?.path) return undefined;
  return async (session) => {
    const values = session.current().values;
    let path: string;
    try {
      path = renderPathTemplate(settings.path, credentialTemplateValues(session.runtime, values));
    } catch (error) {
      if (error instanceof TemplateError) throw notReady(`Validation request: ${error.message}`);
      throw error;
    }
    const { response } = await session.send({ method: settings.method, path });
    if (response.status >= 200 && response.status < 300) return;
    const mask = secretMasker(Object.values(values));
    throw new AppError("validation_failed", {
      message: `The API answered the Validation request with ${response.status}: these credentials were not accepted, and nothing was stored.`,
      failure: { kind: "api", status: response.status, body: mask(response.body.slice(0, MAX_SHOWN_ANSWER)) },
    });
  };
}

async function sdkProject(projectId: string) {
  const state = await currentProjectState(projectId);
  if (!state) throw new AppError("connect_session_not_found");
  return state.project;
}

/** What a failed connect shows: the message, per field what is wrong, and the API's answer when it gave one. */
export interface ConnectFailure {
  code: string;
  message: string;
  fields?: Record<string, string>;
  answer?: Pick<CallFailure, "status" | "body">;
}

function failureOf(error: unknown): ConnectFailure {
  if (!(error instanceof AppError)) {
    log.error({ error }, "Unexpected error in the Connect Portal");
    return { code: "internal_error", message: new AppError("internal_error").message };
  }
  const answer =
    error.failure && error.failure.status !== undefined ? { status: error.failure.status, body: error.failure.body ?? "" } : undefined;
  return { code: error.code, message: error.message, ...(error.fields ? { fields: error.fields } : {}), ...(answer ? { answer } : {}) };
}

/** Errors after which the same session may try again: what the user typed was refused, nothing else went wrong. */
const RETRYABLE = new Set([
  "invalid_credentials_payload",
  "validation_failed",
  "credentials_rejected",
  "profile_unverified",
  "invalid_profile",
]);

/**
 * API Keys: checks the typed values (the Validation request, then the User Profile) and saves the
 * connection through connectUser. The session is taken for the attempt (one at a time); when the
 * API refuses what was typed it is given back, so the user can correct it.
 */
export async function connectWithKeys({
  token,
  values,
  now = new Date(),
}: {
  token: string;
  values: Record<string, unknown>;
  now?: Date;
}): Promise<
  | { ok: true; sessionId: string }
  | {
      ok: false;
      failure: ConnectFailure;
      final: boolean;
      /** What the form may be filled in with again: the values of keys that are not secret. */
      kept: Record<string, string>;
    }
> {
  let session: ConnectSession;
  let kept: Record<string, string> = {};
  try {
    session = (await liveSession(token, now)).session;
    const { resource, flow } = await portalResource(session);
    if (flow !== "api_keys") throw new AppError("connect_portal_unsupported");
    const keys = requiredKeys(resource.published!, resource.published!.config);
    kept = Object.fromEntries(
      keys.flatMap((key) => (!key.secret && typeof values[key.key] === "string" ? [[key.key, values[key.key] as string]] : [])),
    );
    // Refused before the session is taken: a form missing a key is the user's to fix.
    validateConnectBody(values, keys);
  } catch (error) {
    const failure = failureOf(error);
    return { ok: false, failure, final: !RETRYABLE.has(failure.code), kept };
  }
  const claimed = await claimConnectSession({ sessionId: session.id });
  if (!claimed) return { ok: false, failure: failureOf(new AppError("connect_session_used")), final: true, kept };
  try {
    const resource = (await portalResource(session)).resource;
    const runtime = await loadResourceRuntime(resource, "published");
    await connectUser({
      project: await sdkProject(session.projectId),
      resourceId: session.resourceId,
      userId: session.userId ?? "",
      body: values,
      actor: connectedUser(session),
      ...(runtime ? { validate: validationOf(runtime) } : {}),
    });
  } catch (error) {
    const failure = failureOf(error);
    if (RETRYABLE.has(failure.code)) {
      await releaseConnectSession({ sessionId: session.id });
      return { ok: false, failure, final: false, kept };
    }
    await recordConnectOutcome({ sessionId: session.id, outcome: "error", error: { code: failure.code, message: failure.message } });
    return { ok: false, failure, final: true, kept };
  }
  await recordConnectOutcome({ sessionId: session.id, outcome: "connected" });
  return { ok: true, sessionId: session.id };
}

/** What the callback answers: a refusal that touches no session (an error page), or the end of a session's flow (its outcome page). */
export type CallbackResult =
  | { kind: "refused"; error: AppError; clearCookie?: string }
  | { kind: "ended"; sessionId: string; outcome: "connected" | "error"; clearCookie: string };

const MAX_PROVIDER_TEXT = 300;

/**
 * /oauth/callback: finds the session by the state's hash, requires this browser's binding cookie,
 * takes the session (single use, unexpired), then either records the API's refusal (`error=`) or
 * exchanges the code (with the PKCE verifier) at the Token URL and saves the connection through
 * connectUser. Nothing is stored unless all of that succeeds.
 */
export async function completeAuthorization({
  query,
  cookie,
}: {
  query: URLSearchParams;
  /** This request's cookie of the name given, if sent. */
  cookie: (name: string) => string | undefined;
}): Promise<CallbackResult> {
  const state = query.get("state");
  const found = state && state.length <= 128 ? await getConnectSessionByStateHash({ stateHash: hashToken(state) }) : undefined;
  if (!found) return { kind: "refused", error: new AppError("oauth_state_invalid") };
  const cookieName = bindingCookieName(found.id);
  if (found.usedAt) return { kind: "refused", error: new AppError("oauth_state_invalid"), clearCookie: cookieName };
  if (!tokenMatches(cookie(cookieName), found.bindingHash)) return { kind: "refused", error: new AppError("oauth_browser_mismatch") };
  const session = await claimConnectSession({ sessionId: found.id });
  if (!session) {
    const current = await getConnectSession({ sessionId: found.id });
    const problem = current ? sessionProblem(current, new Date()) : undefined;
    return { kind: "refused", error: problem ?? new AppError("connect_session_used"), clearCookie: cookieName };
  }
  const end = async (outcome: "connected" | "error", error?: { code: string; message: string }): Promise<CallbackResult> => {
    await recordConnectOutcome({ sessionId: session.id, outcome, error });
    return { kind: "ended", sessionId: session.id, outcome, clearCookie: cookieName };
  };

  const providerError = query.get("error");
  if (providerError) {
    const description = query.get("error_description");
    const said = `${providerError}${description ? `: ${description}` : ""}`.slice(0, MAX_PROVIDER_TEXT);
    // The API's own OAuth error code (access_denied, invalid_scope…) when it is one.
    const code = /^[a-z_]{1,64}$/.test(providerError) ? providerError : "authorization_denied";
    return end("error", { code, message: `${new AppError("authorization_denied").message} It answered ${said}.` });
  }
  const code = query.get("code");
  if (!code)
    return end("error", {
      code: "authorization_denied",
      message: `${new AppError("authorization_denied").message} Its answer has no code.`,
    });
  try {
    if (!session.authorization) throw new AppError("oauth_state_invalid");
    const pending = decryptPendingAuthorization(session.id, session.authorization);
    const { resource, version, flow } = await portalResource(session);
    if (flow !== "authorization_code") throw new AppError("connect_portal_unsupported");
    if (session.target === "test" && !pending.actor) throw new AppError("oauth_state_invalid");
    const runtime = await loadResourceRuntime(resource, version);
    if (!runtime) throw new AppError("resource_not_found");
    const project = await sdkProject(session.projectId);
    const policy = outboundPolicy(project);
    const tokens = await exchangeAuthorizationCode(
      runtime,
      pending.inputs,
      { code, redirectUri: oauthRedirectUrl(), ...(pending.codeVerifier ? { codeVerifier: pending.codeVerifier } : {}) },
      policy,
    ).catch((error: unknown) => {
      // The grant module words a token endpoint's refusal as a refresh's; here it refused the code.
      if (error instanceof AppError && error.code === "token_refresh_failed")
        throw new AppError("token_exchange_failed", {
          message: `${ERROR_CATALOGUE.token_exchange_failed.message} ${error.message}`,
          failure: error.failure,
        });
      throw error;
    });
    if (session.target === "test") {
      // The resource's test connection, saved as the Test credentials form saves it (same audit record).
      await saveTestCredentialsForResource({
        resource,
        values: {
          ...pending.inputs,
          access_token: tokens.accessToken,
          ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}),
        },
        actor: pending.actor!,
        issued: { accessTokenExpiresAt: tokens.expiresAt ?? null },
      });
    } else {
      await connectUser({
        project,
        resourceId: session.resourceId,
        userId: session.userId ?? "",
        body: pending.inputs,
        tokens,
        actor: connectedUser(session),
        validate: validationOf(runtime),
      });
    }
  } catch (error) {
    const { code: failed, message } = failureOf(error);
    return end("error", { code: failed, message });
  }
  return end("connected");
}

/** What the outcome page shows and tells its opener. */
export interface PortalOutcome {
  resourceId: string;
  resourceName: string;
  /** The opener's origin, which alone hears the outcome; null for a link. */
  origin: string | null;
  status: "connected" | "error";
  error?: { code: string; message: string };
}

/** A session's outcome, once its flow has ended. */
export async function getPortalOutcome(sessionId: string): Promise<PortalOutcome | undefined> {
  const session = await getConnectSession({ sessionId });
  if (!session?.outcome) return undefined;
  const resource = await getResource({ projectId: session.projectId, resourceId: session.resourceId });
  return {
    resourceId: session.resourceId,
    resourceName: resource?.name ?? "the API",
    origin: session.origin,
    status: session.outcome,
    ...(session.outcome === "error"
      ? { error: { code: session.outcomeCode ?? "connect_failed", message: session.outcomeError ?? "The connection failed." } }
      : {}),
  };
}
