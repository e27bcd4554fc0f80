import { z } from "zod";
import {
  deleteResourceConnection,
  getResourceConnection,
  lastSuccessfulTestRunAt,
  listTestRuns,
  recordTestRun,
  saveResourceConnection,
} from "@/db/queries/connections";
import {
  getResource,
  getResourceSecretCiphertexts,
  listResourceSecretNames,
  publishResource as publishResourceRow,
} from "@/db/queries/resources";
import type { Resource, ResourceTestRun } from "@/db/schema";
import { type AuditActor, changedFields } from "@/lib/audit/audit-log";
import { AppError, type CallFailure, invalidInputError } from "@/lib/errors";
import { notifyResourcePublished } from "@/lib/notifications/events";
import { publishedSecretName } from "@/lib/resources/config";
import { describeHostChange, publishedHosts } from "@/lib/resources/hosts";
import { type RequiredKey, requiredKeys } from "@/lib/resources/required-keys";
import { loadResourceRuntime, resourceSnapshot } from "@/lib/resources/runtime";
import { decryptResourceSecret, encryptResourceSecret } from "@/lib/resources/secrets";
import { type ConnectionCredentials, credentialStateOf, encryptConnectionCredentials } from "./credentials";
import { resourceGrantFingerprint } from "./grant";
import { credentialValueProblem } from "./connect-body";
import { outboundPolicy } from "./request";
import { type DescribedRequest, openConnectionSession } from "./session";

const HTTP_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] as const;

export const testRequestSchema = z.object({
  method: z.enum(HTTP_METHODS),
  path: z.string().trim().min(1, { error: "Enter a path, e.g. /me." }).max(2048, { error: "Use at most 2048 characters." }),
});
export type TestRequestInput = z.input<typeof testRequestSchema>;

/** Test credentials: every required key; secret ones are write-only, so empty keeps a saved value. */
export function testCredentialsSchema(keys: readonly RequiredKey[], saved: readonly string[]) {
  return z.record(z.string(), z.string().max(8192, { error: "Use at most 8192 characters." })).superRefine((values, ctx) => {
    for (const key of keys) {
      if (!key.optional && !values[key.key]?.trim() && !(key.secret && saved.includes(key.key))) {
        ctx.addIssue({ code: "custom", path: [key.key], message: `Enter the ${key.label}.` });
      }
      // Checked as it is stored: trimmed, so a pasted token's trailing line break is no problem.
      const problem = Object.hasOwn(values, key.key) ? credentialValueProblem(key, values[key.key]!.trim()) : undefined;
      if (problem) ctx.addIssue({ code: "custom", path: [key.key], message: problem });
    }
    for (const name of Object.keys(values)) {
      if (!keys.some((key) => key.key === name))
        ctx.addIssue({ code: "custom", path: [name], message: `"${name}" is not a key of this resource.` });
    }
  });
}

const notFound = () => new AppError("resource_not_found", { message: "Resource not found." });

/** What the Test and Publish step shows: the test credentials (plain values only, secrets as set), recent runs, whether Finish asks first. */
export interface TestAndPublishView {
  keys: RequiredKey[];
  savedValues: Record<string, string>;
  savedSecrets: string[];
  runs: ResourceTestRun[];
  needsConfirmation: boolean;
  publishedAt: Date | null;
}

export async function loadTestAndPublish(resource: Resource): Promise<TestAndPublishView | undefined> {
  const snapshot = resourceSnapshot(resource, "draft");
  if (!snapshot) return undefined;
  const keys = requiredKeys(snapshot, snapshot.config);
  const connection = snapshot.level === "user" ? await getResourceConnection({ resourceId: resource.id, kind: "test" }) : undefined;
  const stored = connection ? credentialStateOf(connection).values : {};
  return {
    keys,
    // Only plain values go to the browser; secrets are reported as set.
    savedValues: Object.fromEntries(keys.filter((key) => !key.secret && stored[key.key]).map((key) => [key.key, stored[key.key]!])),
    savedSecrets: keys.filter((key) => key.secret && stored[key.key]).map((key) => key.key),
    runs: await listTestRuns({ resourceId: resource.id }),
    needsConfirmation: await publishNeedsConfirmation(resource),
    publishedAt: resource.publishedAt,
  };
}

/**
 * Stores the Test and Publish step's test credentials as the resource's test connection: typed in
 * its form, or (`issued`) the tokens the API issued to Connect test account's sign-in.
 */
export async function saveTestCredentialsForResource({
  resource,
  values,
  actor,
  issued,
}: {
  resource: Resource;
  values: unknown;
  actor: AuditActor;
  /**
   * The values are what the API just issued (Connect test account): they replace the saved ones
   * whole (a secret not issued, such as a refresh token, is not kept from before), with the access
   * token's expiry the token answer gave.
   */
  issued?: { accessTokenExpiresAt: Date | null };
}): Promise<void> {
  const snapshot = resourceSnapshot(resource, "draft");
  if (!snapshot || snapshot.level !== "user")
    throw new AppError("invalid_input", { message: "Only User-Level resources have test credentials." });
  const keys = requiredKeys(snapshot, snapshot.config);
  const existing = await getResourceConnection({ resourceId: resource.id, kind: "test" });
  const previous = existing ? credentialStateOf(existing).values : {};
  const parsed = testCredentialsSchema(keys, Object.keys(previous)).safeParse(values);
  if (!parsed.success) throw invalidInputError(parsed.error);
  const next: ConnectionCredentials = {};
  for (const key of keys) {
    const value = parsed.data[key.key]?.trim() ?? "";
    const kept = key.secret && !value && !issued ? previous[key.key] : undefined;
    if (value || kept) next[key.key] = value || kept!;
  }
  // A new token pair replaces the old one's expiry; a kept one keeps it.
  const tokensChanged = !!parsed.data.access_token?.trim() || !!parsed.data.refresh_token?.trim();
  await saveResourceConnection({
    projectId: resource.projectId,
    resourceId: resource.id,
    kind: "test",
    encrypt: (connectionId) => encryptConnectionCredentials(connectionId, next),
    accessTokenExpiresAt: issued ? issued.accessTokenExpiresAt : tokensChanged ? null : (existing?.accessTokenExpiresAt ?? null),
    grantFingerprint: null,
    // The keys entered anew, by name.
    audit: { actor, changes: keys.filter((key) => parsed.data[key.key]?.trim()).map((key) => `credentials.${key.key}`) },
  });
}

export interface TestRequestOutcome {
  request?: DescribedRequest;
  response?: { status: number; statusText: string; headers: Record<string, string>; body: string; truncated: boolean; durationMs: number };
  error?: { message: string; kind: CallFailure["kind"]; status?: number; body?: string };
  durationMs: number;
}

/** Sends a test request through the draft configuration with the test connection (or the app's grant), and records it. */
export async function sendTestRequestThroughResource({
  projectId,
  resourceId,
  allowPrivateNetwork,
  call,
  now,
}: {
  projectId: string;
  resourceId: string;
  allowPrivateNetwork: boolean;
  call: z.output<typeof testRequestSchema>;
  /** The clock that says whether the stored access token is still usable (ms; Date.now unless a test passes its own). */
  now?: () => number;
}): Promise<TestRequestOutcome> {
  const resource = await getResource({ projectId, resourceId });
  if (!resource) throw notFound();
  if (!resource.config.request) throw new AppError("resource_not_ready");
  const session = await openConnectionSession({ resource, target: { kind: "test" }, policy: outboundPolicy({ allowPrivateNetwork }), now });

  const started = performance.now();
  let outcome: TestRequestOutcome;
  try {
    const { request, response } = await session.send({ method: call.method, path: call.path });
    const { status, statusText, headers, body, truncated, durationMs } = response;
    outcome = {
      request,
      response: { status, statusText, headers, body, truncated, durationMs },
      durationMs: Math.round(performance.now() - started),
    };
  } catch (error) {
    if (!(error instanceof AppError) || !error.failure) throw error;
    const { kind, status, body, request } = error.failure;
    outcome = { request, error: { message: error.message, kind, status, body }, durationMs: Math.round(performance.now() - started) };
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
  return outcome;
}

/** Whether Finish should ask first: no test succeeded since the configuration last changed. */
export async function publishNeedsConfirmation(resource: Resource): Promise<boolean> {
  const lastSuccess = await lastSuccessfulTestRunAt({ resourceId: resource.id });
  return !lastSuccess || lastSuccess < resource.configChangedAt;
}

/**
 * Finish: the draft becomes the configuration in force, with its secrets. An App-Level grant
 * that the draft replaced and tested on a row of its own becomes the app's, tokens and all
 * (its refresh token may have rotated since it was entered).
 */
export async function publishResourceDraft({
  projectId,
  resourceId,
  actor,
}: {
  projectId: string;
  resourceId: string;
  actor: AuditActor;
}): Promise<void> {
  const resource = await getResource({ projectId, resourceId });
  if (!resource) throw notFound();
  const snapshot = resourceSnapshot(resource, "draft");
  if (!snapshot?.config.request) throw new AppError("resource_not_ready");
  const names = (await listResourceSecretNames({ resourceId })).filter((name) => !name.startsWith(publishedSecretName("")));
  const ciphertexts = await getResourceSecretCiphertexts({ resourceId, names });
  const secrets = names.map((name) =>
    encryptResourceSecret(resourceId, publishedSecretName(name), decryptResourceSecret(resourceId, name, ciphertexts.get(name)!)),
  );
  // Where credentials go, before and after: in the Audit Log and the resource.published notification.
  const hosts = publishedHosts(resource.published, snapshot);
  await publishResourceRow({
    projectId,
    resourceId,
    published: snapshot,
    secrets,
    publishedSecretPrefix: publishedSecretName(""),
    actor,
    changes: [...changedFields(resource.published ?? {}, snapshot, { depth: 3 }), ...hosts.map(describeHostChange)],
    onPublished: (tx) => notifyResourcePublished(tx, { projectId, resourceId, hosts }),
  });
  if (snapshot.level === "app" && snapshot.authType === "oauth2") await adoptTestedAppGrant(resource);
}

async function adoptTestedAppGrant(resource: Resource) {
  const tested = await getResourceConnection({ resourceId: resource.id, kind: "test" });
  const runtime = await loadResourceRuntime(resource, "draft");
  if (!tested || !runtime || tested.grantFingerprint !== resourceGrantFingerprint(runtime) || tested.status !== "VALID") return;
  const state = credentialStateOf(tested);
  await saveResourceConnection({
    projectId: resource.projectId,
    resourceId: resource.id,
    kind: "app",
    encrypt: (connectionId) => encryptConnectionCredentials(connectionId, state.values),
    accessTokenExpiresAt: state.accessTokenExpiresAt,
    grantFingerprint: tested.grantFingerprint,
  });
  await deleteResourceConnection({ resourceId: resource.id, kind: "test" });
}
