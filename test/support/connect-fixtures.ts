// Builds what the Connect API tests need through the app's own code paths: an account, a
// project with a signing key, and a published TaskLab resource.
import { randomUUID } from "node:crypto";
import { importPKCS8, SignJWT } from "jose";
import { setAllowedOrigins, setAllowPrivateNetwork } from "@/db/queries/projects";
import { addSigningKey } from "@/db/queries/signing-keys";
import { createUserWithProject } from "@/db/queries/users";
import type { StoredUserProfileSettings } from "@/db/resource-config";
import type { TaskLab } from "@/test/fixtures/tasklab";
import { TASKLAB_DEFAULT_CLIENT } from "@/test/fixtures/tasklab";
import { generateSigningKey } from "@/lib/auth/signing-keys";
import { createResourceDraft, saveResourceStep } from "@/lib/resources/save-step";
import { publishResourceDraft } from "@/lib/connections/test-and-publish";
import { type AuditActor, SYSTEM_ACTOR } from "@/lib/audit/audit-log";

export const ALLOWED_ORIGIN = "https://app.customer.test";

export async function projectWithSigningKey() {
  const created = await createUserWithProject({ email: `c-${randomUUID()}@example.test`, passwordHash: "x", projectName: "P" });
  const projectId = created!.projectId;
  await setAllowPrivateNetwork({ projectId, allow: true, actor: SYSTEM_ACTOR });
  await setAllowedOrigins({ projectId, origins: [ALLOWED_ORIGIN], actor: SYSTEM_ACTOR });
  const key = await generateSigningKey();
  const stored = await addSigningKey({ projectId, kid: key.kid, publicKeyJwk: key.publicKeyJwk, source: "generated", actor: SYSTEM_ACTOR });
  if ("error" in stored) throw new Error(stored.error);
  return { projectId, key, keyId: stored.id };
}

/** A User Token signed with the project's private key; `claims` override or (as undefined) remove the defaults. */
export async function signUserToken(
  privateKeyPem: string,
  { kid, claims = {} }: { kid?: string; claims?: Record<string, unknown> } = {},
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload = Object.fromEntries(
    Object.entries({ sub: "user-1", iat: now, exp: now + 300, ...claims }).filter(([, value]) => value !== undefined),
  );
  return new SignJWT(payload).setProtectedHeader({ alg: "RS256", ...(kid ? { kid } : {}) }).sign(await importPKCS8(privateKeyPem, "RS256"));
}

const blankAuth = { token: "", username: "", password: "", name: "", value: "", custom: [] };

/**
 * A published resource for TaskLab: User-Level OAuth Refresh Token with a User Profile from /me
 * (or none), User-Level OAuth Authorization Code (TaskLab's /oauth/authorize, PKCE, a User
 * Profile from /me), or App-Level API Keys or OAuth.
 */
export async function publishedTaskLabResource(
  projectId: string,
  tasklab: Pick<TaskLab, "url">,
  kind:
    | "user-oauth"
    | "user-oauth-no-profile"
    | "user-oauth-authorization-code"
    | "app-api-keys"
    | "app-oauth-refresh"
    | "app-oauth-client-credentials" = "user-oauth",
  {
    appRefreshToken = "",
    actor = SYSTEM_ACTOR,
    userProfile,
    baseUrl = `${tasklab.url}/api`,
  }: {
    appRefreshToken?: string;
    /** Who the audit log says made it. */
    actor?: AuditActor;
    /** A User-Level resource's User Profile instead of its kind's, and its API Base URL instead of TaskLab's /api. */
    userProfile?: StoredUserProfileSettings;
    baseUrl?: string;
  } = {},
) {
  const { resourceId } = await createResourceDraft({ projectId, values: { name: `TaskLab ${randomUUID().slice(0, 8)}` }, actor });
  const save = async (step: "api-info" | "authorization" | "request-details", values: unknown) => {
    await saveResourceStep({ projectId, resourceId, step, values, actor });
  };
  if (kind === "app-oauth-refresh" || kind === "app-oauth-client-credentials") {
    const grantType = kind === "app-oauth-refresh" ? "refresh_token" : "client_credentials";
    await save("api-info", { level: "app", authType: "oauth2", grantType });
    await save("request-details", {
      baseUrl: `${tasklab.url}/api`,
      authentication: { ...blankAuth, preset: "bearer", token: "{{credentials.access_token}}" },
      userProfile: { source: "none", method: "GET", path: "", fields: "", claimPath: "" },
      appOAuth: {
        accessTokenUrl: `${tasklab.url}/oauth/token`,
        clientId: TASKLAB_DEFAULT_CLIENT.clientId,
        clientSecret: TASKLAB_DEFAULT_CLIENT.clientSecret,
        includeClientCredentials: true,
        refreshToken: appRefreshToken,
      },
    });
  } else if (kind !== "app-api-keys") {
    const authorizationCode = kind === "user-oauth-authorization-code";
    await save("api-info", { level: "user", authType: "oauth2", grantType: authorizationCode ? "authorization_code" : "refresh_token" });
    await save("authorization", {
      accessTokenUrl: `${tasklab.url}/oauth/token`,
      clientId: TASKLAB_DEFAULT_CLIENT.clientId,
      clientSecret: TASKLAB_DEFAULT_CLIENT.clientSecret,
      includeClientCredentials: true,
      requiredInputs: [],
      ...(authorizationCode
        ? { authorization: { authorizationUrl: `${tasklab.url}/oauth/authorize`, scopes: "tasks:read", usePkce: true, parameters: [] } }
        : {}),
    });
    await save("request-details", {
      baseUrl,
      authentication: { ...blankAuth, preset: "bearer", token: "{{credentials.access_token}}" },
      userProfile:
        userProfile ??
        (kind === "user-oauth" || kind === "user-oauth-authorization-code"
          ? { source: "request", method: "GET", path: "/me", fields: "id, email, team.name", claimPath: "" }
          : { source: "none", method: "GET", path: "", fields: "", claimPath: "" }),
    });
  } else {
    await save("api-info", { level: "app", authType: "api_keys", grantType: null });
    await save("request-details", {
      baseUrl: `${tasklab.url}/header`,
      authentication: { ...blankAuth, preset: "header", name: "X-API-Key", value: "{{credentials.api_key}}" },
      userProfile: { source: "none", method: "GET", path: "", fields: "", claimPath: "" },
      appApiKeys: [{ name: "api_key", secret: true, value: "tl_key_123" }],
    });
  }
  await publishResourceDraft({ projectId, resourceId, actor });
  return resourceId;
}
