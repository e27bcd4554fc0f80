"use server";

import { z } from "zod";
import { deleteConnection, getUserConnection } from "@/db/queries/connections";
import { projectAction, type ActionResult } from "@/server/action";
import { dashboardActor } from "@/lib/audit/audit-log";
import { RECONNECT_LINK_TTL_MS } from "@/lib/connect-portal/flow";
import { type CreatedConnectSession, createConnectSession } from "@/lib/connect-portal/sessions";
import { saveKeepWarm as saveKeepWarmSetting } from "@/lib/connections/keep-warm";
import { notifyConnectionDeleted } from "@/lib/notifications/events";
import { keepWarmSchema } from "@/lib/notifications/schema";
import { projectIdSchema } from "@/lib/projects/schema";

const disconnectUserSchema = z.object({
  projectId: projectIdSchema,
  resourceId: z.uuid(),
  userId: z.string().min(1).max(256),
});

/** Deletes one Connected User's connection (credentials and profile) to a resource of the project. */
export const disconnectUser = projectAction(
  disconnectUserSchema,
  async ({ projectId, resourceId, userId }, { user }): Promise<ActionResult> => {
    const deleted = await deleteConnection({
      projectId,
      resourceId,
      userId,
      actor: dashboardActor(user),
      onDeleted: notifyConnectionDeleted,
    });
    return deleted ? { ok: true, data: undefined } : { ok: false, formError: "This user has no connection." };
  },
);

/** Keep-warm of a resource of the project: on with its days, or off. */
export const saveKeepWarm = projectAction(
  keepWarmSchema,
  async ({ projectId, resourceId, enabled, days }): Promise<ActionResult<{ days: number | null }>> => {
    const saved = await saveKeepWarmSetting({ projectId, resourceId, days: enabled ? days : null });
    return { ok: true, data: { days: saved } };
  },
);

/**
 * Reconnect link: a 24-hour Connect Portal session for a Connected User whose connection is
 * INVALID, to send them; opened from the link, no page hears the outcome.
 */
export const createReconnectLink = projectAction(
  disconnectUserSchema,
  async ({ projectId, resourceId, userId }): Promise<ActionResult<CreatedConnectSession>> => {
    const connection = await getUserConnection({ projectId, resourceId, userId });
    if (!connection) return { ok: false, formError: "This user has no connection." };
    if (connection.status !== "INVALID") return { ok: false, formError: "This connection is valid: there is nothing to reconnect." };
    const created = await createConnectSession({ projectId, resourceId, userId, origin: null, ttlMs: RECONNECT_LINK_TTL_MS });
    return { ok: true, data: created };
  },
);
