import { z } from "zod";
import {
  getTestConnection,
  lastSuccessfulTestRunAt,
  recordTestRun,
  saveTestConnection,
  updateConnectionCredentials,
} from "@/db/queries/connections";
import {
  getResource,
  getResourceSecretCiphertexts,
  listResourceSecretNames,
  publishResource as publishResourceRow,
  saveResource,
} from "@/db/queries/resources";
import type { Resource } from "@/db/schema";
import type { ActionResult } from "@/lib/actions/action";
import { allowPrivateNetworkEverywhere } from "@/lib/config/env";
import {
  type ConnectionCredentials,
  decryptConnectionCredentials,
  encryptConnectionCredentials,
} from "@/lib/connections/credentials";
import { callResource, type DescribedRequest, ResourceCallError, type ResourceRuntime } from "./call";
import { appCredentialSecretName, CLIENT_SECRET, type PublishedResource, publishedSecretName } from "./config";
import { type RequiredKey, requiredKeys } from "./required-keys";
import { decryptResourceSecret, encryptResourceSecret } from "./secrets";

const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] as const;

export const testRequestSchema = z.object({
  method: z.enum(HTTP_METHODS),
  path: z
    .string()
    .trim()
    .min(1, { error: "Enter a path, e.g. /me." })
    .max(2048, { error: "Use at most 2048 characters." }),
});
export type TestRequestInput = z.input<typeof testRequestSchema>;

/** Test credentials: every required key; secret ones are write-only, so empty keeps a saved value. */
export function testCredentialsSchema(keys: readonly RequiredKey[], saved: readonly string[]) {
  return z.record(z.string(), z.string().max(8192, { error: "Use at most 8192 characters." })).superRefine((values, ctx) => {
    for (const key of keys) {
      if (!key.optional && !values[key.key]?.trim() && !(key.secret && saved.includes(key.key))) {
        ctx.addIssue({ code: "custom", path: [key.key], message: `Enter the ${key.label}.` });
      }
    }
    for (const name of Object.keys(values)) {
      if (!keys.some((key) => key.key === name)) ctx.addIssue({ code: "custom", path: [name], message: `"${name}" is not a key of this resource.` });
    }
  });
}

/** The draft (for tests) or published (for connections and requests) configuration of a resource. */
export function resourceSnapshot(resource: Resource, version: "draft" | "published"): PublishedResource | undefined {
  if (version === "published") return resource.published ?? undefined;
  if (!resource.level || !resource.authType) return undefined;
  return { level: resource.level, authType: resource.authType, grantType: resource.grantType, config: resource.config };
}

/** A resource with its resource-level secrets decrypted, ready to send requests. */
export async function loadResourceRuntime(resource: Resource, version: "draft" | "published"): Promise<ResourceRuntime | undefined> {
  const snapshot = resourceSnapshot(resource, version);
  if (!snapshot) return undefined;
  const stored = (name: string) => (version === "published" ? publishedSecretName(name) : name);
  const credentialNames = snapshot.level === "app" ? [...(snapshot.config.apiKeys ?? []).map((key) => key.name), "refresh_token"] : [];
  const names = [CLIENT_SECRET, ...credentialNames.map(appCredentialSecretName)];
  const ciphertexts = await getResourceSecretCiphertexts({ resourceId: resource.id, names: names.map(stored) });
  const decrypt = (name: string) => {
    const ciphertext = ciphertexts.get(stored(name));
    return ciphertext === undefined ? undefined : decryptResourceSecret(resource.id, stored(name), ciphertext);
  };
  const appCredentials: Record<string, string> = {};
  for (const name of credentialNames) {
    const value = decrypt(appCredentialSecretName(name));
    if (value !== undefined) appCredentials[name] = value;
  }
  return { ...snapshot, clientSecret: decrypt(CLIENT_SECRET), appCredentials };
}

/** Stores the Test and Publish step's test credentials as the resource's test connection. */
export async function saveTestCredentialsForResource({
  projectId,
  resource,
  values,
}: {
  projectId: string;
  resource: Resource;
  values: unknown;
}): Promise<ActionResult<undefined>> {
  const snapshot = resourceSnapshot(resource, "draft");
  if (!snapshot || snapshot.level !== "user") return { ok: false, formError: "Only User-Level resources have test credentials." };
  const keys = requiredKeys(snapshot, snapshot.config);
  const existing = await getTestConnection({ resourceId: resource.id });
  const previous = existing ? decryptConnectionCredentials(existing.id, existing.credentials) : {};
  const parsed = testCredentialsSchema(keys, Object.keys(previous)).safeParse(values);
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) (fieldErrors[issue.path.join(".")] ??= []).push(issue.message);
    return { ok: false, fieldErrors };
  }
  const next: ConnectionCredentials = {};
  for (const key of keys) {
    const value = parsed.data[key.key]?.trim() ?? "";
    const kept = key.secret && !value ? previous[key.key] : undefined;
    if (value || kept) next[key.key] = value || kept!;
  }
  // A new token pair replaces the old one's expiry; a kept one keeps it.
  const tokensChanged = !!parsed.data.access_token?.trim() || !!parsed.data.refresh_token?.trim();
  await saveTestConnection({
    projectId,
    resourceId: resource.id,
    encrypt: (connectionId) => encryptConnectionCredentials(connectionId, next),
    accessTokenExpiresAt: tokensChanged ? null : (existing?.accessTokenExpiresAt ?? null),
  });
  return { ok: true, data: undefined };
}

export interface TestRequestOutcome {
  request?: DescribedRequest;
  response?: { status: number; statusText: string; headers: Record<string, string>; body: string; truncated: boolean; durationMs: number };
  error?: { message: string; kind: ResourceCallError["kind"]; status?: number; body?: string };
  durationMs: number;
}

/** Sends a test request through the draft configuration with the test connection (or app credentials), and records it. */
export async function sendTestRequestThroughResource({
  projectId,
  resourceId,
  allowPrivateNetwork,
  call,
}: {
  projectId: string;
  resourceId: string;
  allowPrivateNetwork: boolean;
  call: z.output<typeof testRequestSchema>;
}): Promise<ActionResult<TestRequestOutcome>> {
  const resource = await getResource({ projectId, resourceId });
  if (!resource) return { ok: false, formError: "Resource not found." };
  const runtime = await loadResourceRuntime(resource, "draft");
  if (!runtime || !runtime.config.request) return { ok: false, formError: "Finish the Request Details step first." };

  const connection = runtime.level === "user" ? await getTestConnection({ resourceId }) : undefined;
  // A User-Level resource whose users supply nothing (client credentials without inputs) needs no test connection.
  if (runtime.level === "user" && !connection && requiredKeys(runtime, runtime.config).length > 0) {
    return { ok: false, formError: "Save test credentials first." };
  }
  const values = connection ? decryptConnectionCredentials(connection.id, connection.credentials) : {};

  const started = performance.now();
  let outcome: TestRequestOutcome;
  try {
    const result = await callResource({
      resource: runtime,
      credentials: { values, accessTokenExpiresAt: connection?.accessTokenExpiresAt },
      call: { method: call.method, path: call.path },
      policy: { allowPrivateNetwork: allowPrivateNetwork || allowPrivateNetworkEverywhere() },
    });
    if (result.tokens) await storeTokens(resource, connection, values, result.tokens);
    const { response } = result;
    outcome = {
      request: result.request,
      response: {
        status: response.status,
        statusText: response.statusText,
        headers: response.headers,
        body: response.body,
        truncated: response.truncated,
        durationMs: response.durationMs,
      },
      durationMs: Math.round(performance.now() - started),
    };
  } catch (error) {
    if (!(error instanceof ResourceCallError)) throw error;
    outcome = {
      request: error.details.request,
      error: { message: error.message, kind: error.kind, status: error.details.status, body: error.details.body },
      durationMs: Math.round(performance.now() - started),
    };
  }
  const status = outcome.response?.status ?? null;
  await recordTestRun({
    resourceId,
    method: call.method,
    path: call.path,
    status,
    durationMs: outcome.durationMs,
    succeeded: status !== null && status >= 200 && status < 300,
    error: outcome.error?.message ?? null,
  });
  return { ok: true, data: outcome };
}

async function storeTokens(
  resource: Resource,
  connection: Awaited<ReturnType<typeof getTestConnection>>,
  values: ConnectionCredentials,
  tokens: { accessToken: string; refreshToken?: string; expiresAt?: Date },
) {
  if (connection) {
    const next = { ...values, access_token: tokens.accessToken, ...(tokens.refreshToken ? { refresh_token: tokens.refreshToken } : {}) };
    await updateConnectionCredentials({
      connectionId: connection.id,
      credentials: encryptConnectionCredentials(connection.id, next),
      accessTokenExpiresAt: tokens.expiresAt ?? null,
    });
  }
  // An App-Level refresh token that the endpoint rotated must be kept, or the next refresh fails.
  if (resource.level === "app" && tokens.refreshToken) {
    await saveResource({
      projectId: resource.projectId,
      resourceId: resource.id,
      update: {},
      setSecrets: [encryptResourceSecret(resource.id, appCredentialSecretName("refresh_token"), tokens.refreshToken)],
    });
  }
}

/** Whether Finish should ask first: no test succeeded since the configuration last changed. */
export async function publishNeedsConfirmation(resource: Resource): Promise<boolean> {
  const lastSuccess = await lastSuccessfulTestRunAt({ resourceId: resource.id });
  return !lastSuccess || lastSuccess < resource.configChangedAt;
}

/** Finish: the draft becomes the configuration in force, with its secrets. */
export async function publishResourceDraft({ projectId, resourceId }: { projectId: string; resourceId: string }): Promise<ActionResult<undefined>> {
  const resource = await getResource({ projectId, resourceId });
  if (!resource) return { ok: false, formError: "Resource not found." };
  const snapshot = resourceSnapshot(resource, "draft");
  if (!snapshot?.config.request) return { ok: false, formError: "Finish the Request Details step first." };
  const names = (await listResourceSecretNames({ resourceId })).filter((name) => !name.startsWith(publishedSecretName("")));
  const ciphertexts = await getResourceSecretCiphertexts({ resourceId, names });
  const secrets = names.map((name) =>
    encryptResourceSecret(resourceId, publishedSecretName(name), decryptResourceSecret(resourceId, name, ciphertexts.get(name)!)),
  );
  await publishResourceRow({ projectId, resourceId, published: snapshot, secrets, publishedSecretPrefix: publishedSecretName("") });
  return { ok: true, data: undefined };
}
