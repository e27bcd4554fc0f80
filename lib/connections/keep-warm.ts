import { getConnection } from "@/db/queries/connections";
import { listKeepWarmResources, listStaleConnections, setKeepWarm } from "@/db/queries/keep-warm";
import { getResource } from "@/db/queries/resources";
import { AppError } from "@/lib/errors";
import { loadResourceRuntime } from "@/lib/resources/runtime";
import { credentialStateOf } from "./credentials";
import { requestNewTokens } from "./grant";
import { refreshConnectionTokens } from "./refresh";
import { projectOutboundPolicy } from "./request";

// Keep-warm (a resource setting, off by default): some providers expire a refresh token that
// goes unused, so an hourly job refreshes the connections whose tokens were not refreshed for
// the resource's N days, through the one refresh path (lease, compare-and-set, invalid_grant
// marks the connection INVALID and notifies).

export interface KeepWarmOutcome {
  refreshed: string[];
  failed: string[];
}

/** Connections refreshed per resource per run (hourly): a backlog is worked off over the next runs. */
const PER_RESOURCE_LIMIT = 200;

export async function runKeepWarm(): Promise<KeepWarmOutcome> {
  const outcome: KeepWarmOutcome = { refreshed: [], failed: [] };
  for (const setting of await listKeepWarmResources()) {
    const resource = await getResource({ projectId: setting.projectId, resourceId: setting.resourceId });
    const runtime = resource?.published ? await loadResourceRuntime(resource, "published") : undefined;
    // Only OAuth 2.0 User-Level connections hold refresh tokens that can go idle.
    if (!runtime || runtime.authType !== "oauth2" || runtime.level !== "user") continue;
    const policy = await projectOutboundPolicy(setting.projectId);
    for (const connectionId of await listStaleConnections({
      resourceId: setting.resourceId,
      days: setting.days,
      limit: PER_RESOURCE_LIMIT,
    })) {
      const connection = await getConnection({ connectionId });
      if (!connection || connection.status !== "VALID") continue;
      const stale = credentialStateOf(connection);
      // An Authorization Code connection whose API issued no refresh token has nothing to keep warm.
      if (runtime.grantType === "authorization_code" && !stale.values.refresh_token) continue;
      try {
        await refreshConnectionTokens({
          connectionId,
          stale,
          grant: (values) => requestNewTokens(runtime, values, policy),
        });
        outcome.refreshed.push(connectionId);
      } catch (error) {
        // One connection's failure (INVALID now, or the token endpoint down) does not stop the others.
        if (!(error instanceof AppError)) throw error;
        outcome.failed.push(connectionId);
      }
    }
  }
  return outcome;
}

/** Turns Keep-warm on (refresh after `days` days) or off (null) for a resource of the project. */
export async function saveKeepWarm({
  projectId,
  resourceId,
  days,
}: {
  projectId: string;
  resourceId: string;
  days: number | null;
}): Promise<number | null> {
  if (!(await getResource({ projectId, resourceId })))
    throw new AppError("resource_not_found", { message: "No resource with this ID in this project." });
  await setKeepWarm({ resourceId, days });
  return days;
}
