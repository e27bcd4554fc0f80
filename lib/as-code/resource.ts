import type { AuditActor } from "@/lib/audit/audit-log";
import type { StoredWebhookSettings } from "@/db/webhook-settings";
import { deleteResourceConnection } from "@/db/queries/connections";
import { createResource, getResource, listResourceSecretNames, type NameConflict, saveResource } from "@/db/queries/resources";
import type { Resource } from "@/db/schema";
import { AppError } from "@/lib/errors";
import { CONFIG_RESOURCE_NOT_FOUND_MESSAGE, resourceNameTakenMessage } from "./api-schema";
import { appCredentialSecretName, CLIENT_SECRET, publishedSecretName, type ResourceConfig } from "@/lib/resources/config";
import {
  type ApiInfo,
  apiInfoStepSchema,
  apiKeysAuthorizationSchema,
  nameStepSchema,
  oauthAuthorizationSchema,
  requestDetailsStepSchema,
  resourceSlug,
  type ResourceWizardStep,
  type SavedSecrets,
  templateOrigin,
} from "@/lib/resources/schema";
import { resourceDraftChanges } from "@/lib/resources/save-step";
import { isPlainObject } from "@/lib/json";
import { WEBHOOK_SECRET } from "@/lib/webhooks/settings";
import { webhookSetupSchema } from "@/lib/webhooks/setup-schema";
import {
  checkDocument,
  CONFIG_FORMAT_VERSION,
  FieldErrors,
  type SecretPlaceholder,
  secretPlaceholder,
  takeSecretPlaceholder,
  without,
} from "./document";

// A resource as code: its draft configuration and webhook settings as a JSON document with a
// placeholder for each secret, and back. An import is validated step by step with the wizard's
// own schemas and the Webhook Setup page's, and never sets a secret: the imported draft shows
// them as still to be entered, as the wizard does.

const REFRESH_TOKEN_SECRET = appCredentialSecretName("refresh_token");

export interface ResourceDocument {
  kind: "resource";
  version: typeof CONFIG_FORMAT_VERSION;
  name: string;
  level: ApiInfo["level"] | null;
  authType: ApiInfo["authType"] | null;
  grantType: ApiInfo["grantType"];
  config: {
    oauth?: Omit<NonNullable<ResourceConfig["oauth"]>, "requiredInputs"> & {
      requiredInputs?: NonNullable<ResourceConfig["oauth"]>["requiredInputs"];
      clientSecret: SecretPlaceholder;
      refreshToken?: SecretPlaceholder;
    };
    apiKeys?: { name: string; secret: boolean; value?: SecretPlaceholder }[];
    request?: ResourceConfig["request"];
  };
  webhook: (StoredWebhookSettings & { signingSecret?: SecretPlaceholder }) | null;
}

const resourceNotFound = () => new AppError("resource_not_found", { message: CONFIG_RESOURCE_NOT_FOUND_MESSAGE });

/** The document of a resource's draft: configuration only, each secret a placeholder named as resource_secrets names it. */
export function resourceDocument(resource: Resource): ResourceDocument {
  const appLevel = resource.level === "app";
  const { oauth, apiKeys, request } = resource.config;
  const config: ResourceDocument["config"] = {};
  if (oauth) {
    const { requiredInputs, ...client } = oauth;
    config.oauth = {
      ...client,
      ...(appLevel ? {} : { requiredInputs }),
      clientSecret: secretPlaceholder(CLIENT_SECRET),
      ...(appLevel && resource.grantType === "refresh_token" ? { refreshToken: secretPlaceholder(REFRESH_TOKEN_SECRET) } : {}),
    };
  }
  if (apiKeys) {
    config.apiKeys = apiKeys.map(({ name, secret }) => ({
      name,
      secret,
      ...(appLevel ? { value: secretPlaceholder(appCredentialSecretName(name)) } : {}),
    }));
  }
  if (request) config.request = request;
  const webhook = resource.webhook
    ? { ...resource.webhook, ...(resource.webhook.signature.kind === "none" ? {} : { signingSecret: secretPlaceholder(WEBHOOK_SECRET) }) }
    : null;
  return {
    kind: "resource",
    version: CONFIG_FORMAT_VERSION,
    name: resource.name,
    level: resource.level,
    authType: resource.authType,
    grantType: resource.grantType,
    config,
    webhook,
  };
}

export async function exportResource({ projectId, resourceId }: { projectId: string; resourceId: string }): Promise<ResourceDocument> {
  const resource = await getResource({ projectId, resourceId });
  if (!resource) throw resourceNotFound();
  return resourceDocument(resource);
}

/** What an import writes: the draft's fields, as the wizard's steps would have saved them. */
export interface ParsedResource {
  name: string;
  apiInfo: ApiInfo | null;
  config: ResourceConfig;
  webhook: StoredWebhookSettings | null;
  stepReached: ResourceWizardStep;
}

const documentKeys = new Set(["kind", "version", "name", "level", "authType", "grantType", "config", "webhook"]);
const configKeys = new Set(["oauth", "apiKeys", "request"]);

/** An import passes every check on secrets that the wizard makes once a secret is saved: none is required, none is compared. */
function placeholderSecrets(credentials: readonly string[]): SavedSecrets {
  return { clientSecret: true, credentials };
}

const at =
  (...prefix: PropertyKey[]) =>
  (path: readonly PropertyKey[]) => [...prefix, ...path];

/**
 * Validates a resource document with the wizard's schemas — Name, API Info, Authorization
 * (User-Level), Request Details — and the Webhook Setup page's, each in the context the earlier
 * parts give it, with every error at its path in the document ("config.oauth.clientId").
 */
export function parseResourceDocument(value: unknown): ParsedResource {
  const doc = checkDocument(value, "resource");
  const errors = new FieldErrors();
  for (const key of Object.keys(doc)) if (!documentKeys.has(key)) errors.add([key], "Unknown field.");

  const name = nameStepSchema.safeParse({ name: doc.name });
  if (!name.success) errors.addZod(name.error, at());

  let apiInfo: ApiInfo | null = null;
  if (doc.level != null || doc.authType != null || doc.grantType != null) {
    const parsed = apiInfoStepSchema.safeParse({ level: doc.level, authType: doc.authType, grantType: doc.grantType ?? null });
    if (parsed.success) apiInfo = parsed.data;
    else errors.addZod(parsed.error, at());
  }

  const config = isPlainObject(doc.config) ? doc.config : undefined;
  if (!config) errors.add(["config"], "Enter the configuration: an object, {} for none.");
  else for (const key of Object.keys(config)) if (!configKeys.has(key)) errors.add(["config", key], "Unknown field.");
  errors.throwIfAny();

  const parts = { oauth: config!.oauth, apiKeys: config!.apiKeys, request: config!.request };
  const stored: ResourceConfig = {};
  const notFor = (part: string, why: string) => errors.add(["config", part], `Unknown field: ${why}.`);
  let stepReached: ResourceWizardStep = "api-info";

  if (!apiInfo) {
    for (const part of configKeys) if (parts[part as keyof typeof parts] !== undefined) notFor(part, "set level and authType first");
  } else {
    const userLevel = apiInfo.level === "user";
    const oauth2 = apiInfo.authType === "oauth2";
    if (oauth2 && parts.apiKeys !== undefined) notFor("apiKeys", "an OAuth 2.0 resource has no API key names");
    if (!oauth2 && parts.oauth !== undefined) notFor("oauth", "an API Keys resource has no OAuth client");
    const credentialsPart = oauth2 ? "oauth" : "apiKeys";
    if (parts[credentialsPart] === undefined) {
      if (parts.request !== undefined) errors.add(["config", credentialsPart], "Required with config.request.");
    } else if (!userLevel && parts.request === undefined) {
      errors.add(
        ["config", "request"],
        `Required with config.${credentialsPart}: an App-Level resource's credentials are part of its Request Details.`,
      );
    }
    errors.throwIfAny();

    // Authorization (User-Level): the Client or the API key names.
    if (userLevel && parts[credentialsPart] !== undefined) {
      if (oauth2) {
        const given = isPlainObject(parts.oauth)
          ? takeSecretPlaceholder(parts.oauth, "clientSecret", CLIENT_SECRET, errors, ["config", "oauth"])
          : parts.oauth;
        const input = isPlainObject(given) ? { ...given, clientSecret: "" } : given;
        const parsed = oauthAuthorizationSchema(placeholderSecrets([]), apiInfo.grantType).safeParse(input);
        if (!parsed.success) errors.addZod(parsed.error, at("config", "oauth"));
        else {
          errors.addUnknownFields(input, parsed.data, at("config", "oauth"));
          stored.oauth = without(parsed.data, "clientSecret");
        }
      } else {
        const input = { apiKeys: parts.apiKeys };
        const parsed = apiKeysAuthorizationSchema.safeParse(input);
        if (!parsed.success) errors.addZod(parsed.error, at("config"));
        else {
          errors.addUnknownFields(input, parsed.data, at("config"));
          stored.apiKeys = parsed.data.apiKeys;
        }
      }
      stepReached = "request-details";
    } else if (userLevel) stepReached = "authorization";
    else stepReached = "request-details";
    errors.throwIfAny();

    // Request Details, with the App-Level credentials' fields.
    if (parts.request !== undefined) {
      const input: Record<string, unknown> = isPlainObject(parts.request) ? { ...parts.request } : { request: parts.request };
      const credentialNames: string[] = [];
      if (!userLevel && oauth2) {
        let given = isPlainObject(parts.oauth)
          ? takeSecretPlaceholder(parts.oauth, "clientSecret", CLIENT_SECRET, errors, ["config", "oauth"])
          : parts.oauth;
        if (isPlainObject(given) && apiInfo.grantType === "refresh_token") {
          given = takeSecretPlaceholder(given, "refreshToken", REFRESH_TOKEN_SECRET, errors, ["config", "oauth"]);
          credentialNames.push("refresh_token");
        }
        input.appOAuth = isPlainObject(given) ? { ...given, clientSecret: "", refreshToken: "" } : given;
      }
      if (!userLevel && !oauth2) {
        input.appApiKeys = Array.isArray(parts.apiKeys)
          ? parts.apiKeys.map((key: unknown, index) => {
              if (!isPlainObject(key)) return key;
              const name = typeof key.name === "string" ? key.name.trim() : "";
              credentialNames.push(name);
              return {
                ...takeSecretPlaceholder(key, "value", appCredentialSecretName(name), errors, ["config", "apiKeys", index]),
                value: "",
              };
            })
          : parts.apiKeys;
      }
      const toDocument = (path: readonly PropertyKey[]): PropertyKey[] => {
        const [first, ...rest] = path;
        if (first === "appOAuth") return ["config", "oauth", ...rest];
        if (first === "appApiKeys") return ["config", "apiKeys", ...rest];
        return ["config", "request", ...path];
      };
      const parsed = requestDetailsStepSchema({
        ...apiInfo,
        requiredInputs: stored.oauth?.requiredInputs ?? [],
        apiKeys: stored.apiKeys ?? [],
        saved: placeholderSecrets(credentialNames),
      }).safeParse(input);
      if (!parsed.success) errors.addZod(parsed.error, toDocument);
      else {
        errors.addUnknownFields(input, parsed.data, toDocument);
        const { baseUrl, allowAnyHost, authentication, userProfile, validationRequest, appOAuth, appApiKeys } = parsed.data;
        stored.request = { baseUrl, allowAnyHost, authentication, userProfile, ...(validationRequest ? { validationRequest } : {}) };
        if (appOAuth) stored.oauth = { ...without(appOAuth, "clientSecret", "refreshToken"), requiredInputs: [] };
        if (appApiKeys) stored.apiKeys = appApiKeys.map(({ name, secret }) => ({ name, secret }));
      }
      stepReached = "test-and-publish";
    }
  }

  // Webhook Setup: the settings, the signing secret left to be entered.
  let webhook: StoredWebhookSettings | null = null;
  if (doc.webhook != null) {
    const given = isPlainObject(doc.webhook)
      ? takeSecretPlaceholder(doc.webhook, "signingSecret", WEBHOOK_SECRET, errors, ["webhook"])
      : doc.webhook;
    const input = isPlainObject(given) ? { ...given, signingSecret: "" } : given;
    const signature = isPlainObject(given) && isPlainObject(given.signature) ? given.signature.kind : undefined;
    const parsed = webhookSetupSchema({
      level: apiInfo?.level ?? null,
      savedSecretKind: signature === "hmac" || signature === "standard_webhooks" ? signature : null,
    }).safeParse(input);
    if (!parsed.success) errors.addZod(parsed.error, at("webhook"));
    else {
      errors.addUnknownFields(input, parsed.data, at("webhook"));
      webhook = without(parsed.data, "signingSecret");
    }
  }
  errors.throwIfAny();
  return { name: name.data!.name, apiInfo, config: stored, webhook, stepReached };
}

/** The step a person opens first after an import: the first one with a secret to enter, else the furthest reached. */
export function firstStepToOpen(parsed: Pick<ParsedResource, "apiInfo" | "stepReached">): ResourceWizardStep {
  if (parsed.stepReached === "test-and-publish" && parsed.apiInfo) {
    const { level, authType } = parsed.apiInfo;
    if (level === "user" && authType === "oauth2") return "authorization";
    if (level === "app") return "request-details";
  }
  return parsed.stepReached;
}

function nameTaken(conflict: NameConflict, name: string): AppError {
  const message =
    conflict.conflict === "name"
      ? resourceNameTakenMessage(name)
      : `A resource with a similar name already uses the identifier "${resourceSlug(name)}".`;
  return new AppError("name_taken", { message, fields: { name: message } });
}

function draftFields(parsed: ParsedResource) {
  return {
    name: parsed.name,
    slug: resourceSlug(parsed.name),
    level: parsed.apiInfo?.level ?? null,
    authType: parsed.apiInfo?.authType ?? null,
    grantType: parsed.apiInfo?.grantType ?? null,
    config: parsed.config,
    webhook: parsed.webhook,
    stepReached: parsed.stepReached,
  };
}

/** Imports a resource document as a new draft of the project: never published, no secret set. */
export async function importResource({
  projectId,
  document,
  actor,
}: {
  projectId: string;
  document: unknown;
  actor: AuditActor;
}): Promise<{ resourceId: string; openStep: ResourceWizardStep }> {
  const parsed = parseResourceDocument(document);
  const created = await createResource({ projectId, ...draftFields(parsed), actor });
  if ("conflict" in created) throw nameTaken(created, parsed.name);
  return { resourceId: created.id, openStep: firstStepToOpen(parsed) };
}

/**
 * Which saved secrets the new configuration may keep, by the wizard's rule that a saved secret
 * is only sent where it was entered for: a new level or authentication starts the draft's
 * secrets afresh; a new Access Token URL drops the Client Secret (and an App-Level refresh
 * token); a new API Base URL origin, a removed key or a key no longer secret drops an App-Level
 * value; another signature kind drops the webhook signing secret. Published copies are Finish's.
 */
function secretsToDrop(resource: Resource, parsed: ParsedResource, secretNames: readonly string[]): string[] {
  const draftSecrets = secretNames.filter((name) => !name.startsWith(publishedSecretName("")));
  const before = resource.config;
  const apiInfoChanged =
    resource.level !== (parsed.apiInfo?.level ?? null) ||
    resource.authType !== (parsed.apiInfo?.authType ?? null) ||
    resource.grantType !== (parsed.apiInfo?.grantType ?? null);
  const tokenUrlChanged = before.oauth?.accessTokenUrl !== parsed.config.oauth?.accessTokenUrl;
  const originChanged = templateOrigin(before.request?.baseUrl ?? "") !== templateOrigin(parsed.config.request?.baseUrl ?? "");
  const keys = new Map((parsed.config.apiKeys ?? []).map((key) => [appCredentialSecretName(key.name), key]));
  const wasSecret = new Set((before.apiKeys ?? []).filter((key) => key.secret).map((key) => appCredentialSecretName(key.name)));
  const signatureKind = parsed.webhook?.signature.kind ?? "none";
  return draftSecrets.filter((name) => {
    if (name === WEBHOOK_SECRET) return signatureKind === "none" || signatureKind !== resource.webhook?.signature.kind;
    if (apiInfoChanged) return true;
    if (name === CLIENT_SECRET || name === REFRESH_TOKEN_SECRET) return tokenUrlChanged;
    if (name.startsWith(appCredentialSecretName(""))) {
      const key = keys.get(name);
      return !key || originChanged || (wasSecret.has(name) && !key.secret);
    }
    return false;
  });
}

/** Whether the resource's test credentials (User-Level) were vouched for a configuration the new one sends elsewhere. */
function testCredentialsOutdated(resource: Resource, parsed: ParsedResource): boolean {
  if (resource.level !== "user") return false;
  if (resource.authType !== (parsed.apiInfo?.authType ?? null) || parsed.apiInfo?.level !== "user") return true;
  const before = resource.config;
  const unticked = (before.apiKeys ?? []).some(
    (key) => key.secret && parsed.config.apiKeys?.some((next) => next.name === key.name && !next.secret),
  );
  return (
    before.oauth?.accessTokenUrl !== parsed.config.oauth?.accessTokenUrl ||
    (before.request !== undefined && templateOrigin(before.request.baseUrl) !== templateOrigin(parsed.config.request?.baseUrl ?? "")) ||
    unticked
  );
}

/**
 * Replaces an existing resource's draft configuration and webhook settings with a document's.
 * Sets no secret and leaves the published configuration as it is (Finish publishes); saved
 * secrets the new configuration would send elsewhere are dropped, to be entered again.
 */
export async function replaceResourceConfig({
  projectId,
  resourceId,
  document,
  actor,
}: {
  projectId: string;
  resourceId: string;
  document: unknown;
  actor: AuditActor;
}): Promise<ResourceDocument> {
  const resource = await getResource({ projectId, resourceId });
  if (!resource) throw resourceNotFound();
  const parsed = parseResourceDocument(document);
  const secretNames = await listResourceSecretNames({ resourceId });
  const update = draftFields(parsed);
  const deleteSecrets = secretsToDrop(resource, parsed, secretNames);
  const saved = await saveResource({
    projectId,
    resourceId,
    update: { ...update, configChangedAt: new Date() },
    deleteSecrets,
    actor,
    changes: resourceDraftChanges(resource, update, deleteSecrets),
  });
  if (!saved) throw resourceNotFound();
  if ("conflict" in saved) throw nameTaken(saved, parsed.name);
  if (testCredentialsOutdated(resource, parsed)) await deleteResourceConnection({ resourceId, kind: "test" });
  return resourceDocument(saved);
}
