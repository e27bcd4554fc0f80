import { z } from "zod";
import {
  createResource,
  getResource,
  listResourceSecretNames,
  type NameConflict,
  saveResource,
  type ResourceUpdate,
} from "@/db/queries/resources";
import { deleteResourceConnection } from "@/db/queries/connections";
import type { Resource } from "@/db/schema";
import { type AuditActor, changedFields } from "@/lib/audit/audit-log";
import { AppError, invalidInputError } from "@/lib/errors";
import { WEBHOOK_SECRET } from "@/lib/webhooks/settings";
import { appCredentialSecretName, CLIENT_SECRET, publishedSecretName, type ResourceConfig } from "./config";
import { toResourceDraft } from "./draft";
import {
  apiInfoStepSchema,
  authorizationStepSchema,
  nameStepSchema,
  requestDetailsStepSchema,
  resourceSlug,
  templateOrigin,
  type ResourceWizardStep,
} from "./schema";
import { encryptResourceSecret } from "./secrets";
import { furthestStep, nextStep } from "./wizard";

export interface StepSaved {
  resourceId: string;
  next: ResourceWizardStep | null;
}

function invalid(error: z.ZodError): AppError {
  return invalidInputError(error);
}

function conflictError(conflict: NameConflict, name: string): AppError {
  const message =
    conflict.conflict === "name"
      ? `A resource named "${name}" already exists in this project.`
      : `A resource with a similar name already uses the identifier "${resourceSlug(name)}".`;
  return new AppError("name_taken", { fields: { name: message } });
}

const notFound = () => new AppError("resource_not_found", { message: "Resource not found." });

/** The Name step of a new resource: creates the draft. */
export async function createResourceDraft({
  projectId,
  values,
  actor,
}: {
  projectId: string;
  values: unknown;
  actor: AuditActor;
}): Promise<StepSaved> {
  const parsed = nameStepSchema.safeParse(values);
  if (!parsed.success) throw invalid(parsed.error);
  const { name } = parsed.data;
  const created = await createResource({ projectId, name, slug: resourceSlug(name), stepReached: "api-info", actor });
  if ("conflict" in created) throw conflictError(created, name);
  return { resourceId: created.id, next: "api-info" };
}

/**
 * What an update of a resource's draft changes, as the Audit Log names it: the fields (inside the
 * configuration too) and the secrets set or dropped ("secrets.client_secret"), never a value.
 * A wizard step's save and an import both name their changes with it.
 */
export function resourceDraftChanges(resource: Resource, update: ResourceUpdate, secretsTouched: readonly string[]): string[] {
  return [
    ...Object.entries(update).flatMap(([key, value]) =>
      key === "stepReached" ? [] : changedFields(resource[key as keyof ResourceUpdate], value, { prefix: key }),
    ),
    ...secretsTouched.map((name) => `secrets.${name}`),
  ];
}

/** Validates and saves one step of an existing resource's draft. */
export async function saveResourceStep({
  projectId,
  resourceId,
  step,
  values,
  actor,
}: {
  projectId: string;
  resourceId: string;
  step: ResourceWizardStep;
  values: unknown;
  actor: AuditActor;
}): Promise<StepSaved> {
  const resource = await getResource({ projectId, resourceId });
  if (!resource) throw notFound();
  const secretNames = await listResourceSecretNames({ resourceId });
  const draft = toResourceDraft(resource, secretNames);
  const apiInfo = draft.apiInfo;
  // The draft's own secrets; the published copies belong to Finish, the webhook signing secret to the Webhooks tab.
  const draftSecretNames = secretNames.filter((name) => !name.startsWith(publishedSecretName("")) && name !== WEBHOOK_SECRET);

  let plan: {
    update: ResourceUpdate;
    setSecrets?: Array<{ name: string; ciphertext: string }>;
    deleteSecrets?: string[];
    clearTestCredentials?: boolean;
  };
  switch (step) {
    case "name": {
      const parsed = nameStepSchema.safeParse(values);
      if (!parsed.success) throw invalid(parsed.error);
      plan = { update: { name: parsed.data.name, slug: resourceSlug(parsed.data.name) } };
      break;
    }
    case "api-info": {
      const parsed = apiInfoStepSchema.safeParse(values);
      if (!parsed.success) throw invalid(parsed.error);
      const next = parsed.data;
      const changed =
        !apiInfo || apiInfo.level !== next.level || apiInfo.authType !== next.authType || apiInfo.grantType !== next.grantType;
      // Later steps were written for the old level and authentication: start them afresh.
      plan = changed
        ? { update: { ...next, config: {}, stepReached: nextStep("api-info", next.level)! }, deleteSecrets: draftSecretNames }
        : { update: next };
      break;
    }
    case "authorization": {
      if (apiInfo?.level !== "user")
        throw new AppError("invalid_input", { message: "Only User-Level resources have an Authorization step." });
      const parsed = authorizationStepSchema(apiInfo.authType, apiInfo.grantType, draft.saved).safeParse(values);
      if (!parsed.success) throw invalid(parsed.error);
      if ("apiKeys" in parsed.data) {
        const wasSecret = new Set((draft.config.apiKeys ?? []).filter((key) => key.secret).map((key) => key.name));
        plan = {
          update: { config: { ...draft.config, apiKeys: parsed.data.apiKeys } },
          // A test credential saved as a secret is never shown: unticking Secret means entering it again.
          clearTestCredentials: parsed.data.apiKeys.some((key) => !key.secret && wasSecret.has(key.name)),
        };
      } else {
        const { clientSecret, authorization, ...client } = parsed.data;
        // Authorization Code only (the schema refuses the settings for other grants).
        const oauth = authorization ? { ...client, authorization } : client;
        plan = {
          update: { config: { ...draft.config, oauth } },
          setSecrets: clientSecret ? [encryptResourceSecret(resourceId, CLIENT_SECRET, clientSecret)] : [],
          // The test refresh token goes to the Access Token URL: a new one means entering it again.
          clearTestCredentials: draft.config.oauth !== undefined && draft.config.oauth.accessTokenUrl !== oauth.accessTokenUrl,
        };
      }
      break;
    }
    case "request-details": {
      if (!apiInfo) throw new AppError("resource_not_ready", { message: "Save the API Info step first." });
      const context = {
        ...apiInfo,
        requiredInputs: draft.config.oauth?.requiredInputs ?? [],
        apiKeys: draft.config.apiKeys ?? [],
        saved: draft.saved,
      };
      const parsed = requestDetailsStepSchema(context).safeParse(values);
      if (!parsed.success) throw invalid(parsed.error);
      const { baseUrl, allowAnyHost, authentication, userProfile, validationRequest, appOAuth, appApiKeys } = parsed.data;
      const config: ResourceConfig = {
        ...draft.config,
        request: { baseUrl, allowAnyHost, authentication, userProfile, ...(validationRequest ? { validationRequest } : {}) },
      };
      const setSecrets: Array<{ name: string; ciphertext: string }> = [];
      let deleteSecrets: string[] = [];
      if (apiInfo.level === "app" && apiInfo.authType === "oauth2" && appOAuth) {
        const { clientSecret, refreshToken, ...oauth } = appOAuth;
        config.oauth = { ...oauth, requiredInputs: [] };
        if (clientSecret) setSecrets.push(encryptResourceSecret(resourceId, CLIENT_SECRET, clientSecret));
        const refreshName = appCredentialSecretName("refresh_token");
        if (refreshToken) setSecrets.push(encryptResourceSecret(resourceId, refreshName, refreshToken));
      }
      if (apiInfo.level === "app" && apiInfo.authType === "api_keys" && appApiKeys) {
        config.apiKeys = appApiKeys.map(({ name, secret }) => ({ name, secret }));
        for (const key of appApiKeys) {
          if (key.value) setSecrets.push(encryptResourceSecret(resourceId, appCredentialSecretName(key.name), key.value));
        }
        // Values of keys that were removed from the list go with them.
        const kept = new Set(appApiKeys.map((key) => appCredentialSecretName(key.name)));
        deleteSecrets = draftSecretNames.filter((name) => name.startsWith(appCredentialSecretName("")) && !kept.has(name));
      }
      const before = draft.config.request?.baseUrl;
      // Test credentials go to the API Base URL's origin: another origin means entering them again.
      const clearTestCredentials = apiInfo.level === "user" && before !== undefined && templateOrigin(before) !== templateOrigin(baseUrl);
      plan = { update: { config }, setSecrets, deleteSecrets, clearTestCredentials };
      break;
    }
    case "test-and-publish":
      throw new AppError("invalid_input", { message: "Test and Publish saves test credentials and publishes; it has no form of its own." });
  }

  const next = nextStep(step, plan.update.level ?? apiInfo?.level ?? null) ?? null;
  const changes = resourceDraftChanges(resource, plan.update, [
    ...(plan.setSecrets ?? []).map((secret) => secret.name),
    ...(plan.deleteSecrets ?? []),
  ]);
  const saved = await saveResource({
    projectId,
    resourceId,
    update: {
      ...plan.update,
      stepReached: plan.update.stepReached ?? furthestStep(draft.stepReached, next ?? step),
      // A rename changes no request; every other step may change what a test vouched for.
      ...(step === "name" ? {} : { configChangedAt: new Date() }),
    },
    setSecrets: plan.setSecrets,
    deleteSecrets: plan.deleteSecrets,
    actor,
    changes,
  });
  if (!saved) throw notFound();
  if ("conflict" in saved) throw conflictError(saved, (plan.update.name as string) ?? resource.name);
  if (plan.clearTestCredentials) await deleteResourceConnection({ resourceId, kind: "test" });
  return { resourceId, next };
}
