"use server";

import { z } from "zod";
import { deleteConnection } from "@/db/queries/connections";
import { projectAction, type ActionResult } from "@/server/action";
import { dashboardActor } from "@/lib/audit/audit-log";
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
