import { getResourceWithSecret } from "@/db/queries/resources";
import { getProjectRevision } from "@/db/queries/sdk-state";
import { type DeployedWorkflow, listDeployedWorkflowsOnResourceTriggers } from "@/db/queries/workflow-runs";
import type { PublishedResource } from "@/db/resource-config";
import type { StoredWebhookSettings } from "@/db/webhook-settings";
import { RevisionCache } from "@/lib/cache/revision-cache";
import { decryptResourceSecret } from "@/lib/resources/secrets";
import { WEBHOOK_SECRET } from "./settings";

/**
 * What the webhook intake reads of a published resource with webhooks set up, kept per process
 * by the project's configuration revision: every change to the resource, its secrets, or a
 * workflow's deployment or Enabled for all users bumps it (migrations 0010 and 0014).
 */
export interface WebhookIntakeState {
  revision: number;
  resourceId: string;
  projectId: string;
  published: PublishedResource;
  settings: StoredWebhookSettings;
  /** The signing secret, decrypted (empty: none is saved). */
  secrets: readonly string[];
  /**
   * The deployed workflows on the resource's triggers, by event type. Their deployed version and
   * Enabled for all users are as of `revision`; fields that do not bump it (name, draft) may be older.
   */
  deployed: ReadonlyMap<string, readonly DeployedWorkflow[]>;
}

/** Resources a process keeps (a few kilobytes each: settings and deployed definitions). */
const MAX_CACHED_RESOURCES = 2000;
const states = new RevisionCache<WebhookIntakeState | undefined>(MAX_CACHED_RESOURCES);

async function load(projectId: string, resourceId: string): Promise<{ revision: number; value: WebhookIntakeState | undefined }> {
  // The revision first: whatever is read after it is at least that new.
  const revision = await getProjectRevision({ projectId });
  if (revision === undefined) return { revision: -1, value: undefined };
  const [found, workflows] = await Promise.all([
    getResourceWithSecret({ projectId, resourceId, secretName: WEBHOOK_SECRET }),
    listDeployedWorkflowsOnResourceTriggers({ projectId, resourceId }),
  ]);
  const published = found?.resource.published;
  const settings = found?.resource.webhook;
  if (!found || !published || !settings) return { revision, value: undefined };
  const deployed = new Map<string, DeployedWorkflow[]>();
  for (const entry of workflows) {
    const type = entry.version.eventName ?? "";
    deployed.set(type, [...(deployed.get(type) ?? []), entry]);
  }
  return {
    revision,
    value: {
      revision,
      resourceId,
      projectId,
      published,
      settings,
      secrets: found.ciphertext === null ? [] : [decryptResourceSecret(resourceId, WEBHOOK_SECRET, found.ciphertext)],
      deployed,
    },
  };
}

// Keyed by project too: a resource id sent for another project must not find this one.
const keyOf = (projectId: string, resourceId: string) => `${projectId}:${resourceId}`;

/** The intake state at `revision` (read from the database by the caller) or newer; undefined: no such published resource with webhooks set up. */
export function webhookIntakeStateAt(projectId: string, resourceId: string, revision: number): Promise<WebhookIntakeState | undefined> {
  return states.get(keyOf(projectId, resourceId), revision, () => load(projectId, resourceId));
}

/** What this process last read, whatever the revision now: the intake checks it in its one read per event. */
export function lastKnownWebhookIntakeState(projectId: string, resourceId: string): Promise<WebhookIntakeState | undefined> {
  const key = keyOf(projectId, resourceId);
  return states.peek(key)?.value ?? states.refresh(key, () => load(projectId, resourceId));
}
