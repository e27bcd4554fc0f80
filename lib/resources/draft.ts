import type { Resource } from "@/db/schema";
import { type ResourceConfig, appCredentialSecretName, CLIENT_SECRET } from "./config";
import type { ApiInfo, ResourceWizardStep, SavedSecrets } from "./schema";

/**
 * What the wizard's pages send to the browser about a resource. It holds no secret: only
 * which write-only secrets are set.
 */
export interface ResourceDraft {
  id: string;
  projectId: string;
  name: string;
  slug: string;
  apiInfo: ApiInfo | null;
  status: Resource["status"];
  stepReached: ResourceWizardStep;
  config: ResourceConfig;
  saved: SavedSecrets;
}

const CREDENTIAL_PREFIX = appCredentialSecretName("");

export function toResourceDraft(resource: Resource, secretNames: readonly string[]): ResourceDraft {
  return {
    id: resource.id,
    projectId: resource.projectId,
    name: resource.name,
    slug: resource.slug,
    apiInfo:
      resource.level && resource.authType ? { level: resource.level, authType: resource.authType, grantType: resource.grantType } : null,
    status: resource.status,
    stepReached: resource.stepReached as ResourceWizardStep,
    config: resource.config,
    saved: {
      clientSecret: secretNames.includes(CLIENT_SECRET),
      credentials: secretNames.filter((name) => name.startsWith(CREDENTIAL_PREFIX)).map((name) => name.slice(CREDENTIAL_PREFIX.length)),
      sentTo: {
        accessTokenUrl: resource.config.oauth?.accessTokenUrl,
        baseUrl: resource.config.request?.baseUrl,
        secretCredentials: (resource.config.apiKeys ?? []).filter((key) => key.secret).map((key) => key.name),
      },
    },
  };
}
