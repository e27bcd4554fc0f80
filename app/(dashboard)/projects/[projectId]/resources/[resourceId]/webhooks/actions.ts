"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { projectIdSchema } from "@/lib/projects/schema";
import { keepWebhookEventAsSample, pollWebhookTestEvent, saveWebhookSetup as saveSetup } from "@/lib/webhooks/setup";
import { projectAction } from "@/server/action";
import { dashboardActor } from "@/lib/audit/audit-log";

// The Webhook Setup page's actions. Values are validated by lib/webhooks/setup (the form's own
// schema, in the resource's context); the resource and event ids are checked against the
// project there.

const resourceInput = z.object({ projectId: projectIdSchema, resourceId: z.uuid() });

function webhooksPath(projectId: string, resourceId: string): string {
  return `/projects/${projectId}/resources/${resourceId}/webhooks`;
}

/** Changes the resource (its signing secret, what it runs): for the owner or an admin. */
export const saveWebhookSetup = projectAction(
  resourceInput.extend({ values: z.record(z.string(), z.unknown()) }),
  async (input, { user }) => {
    const data = await saveSetup({ ...input, actor: dashboardActor(user) });
    revalidatePath(webhooksPath(input.projectId, input.resourceId));
    return { ok: true, data };
  },
  { resourceEditor: true },
);

/** Listen for test event: without `since` it starts listening; with it, the first event since then. */
export const pollTestEvent = projectAction(
  resourceInput.extend({ since: z.iso.datetime({ offset: true }).optional() }),
  async ({ since, ...input }) => ({
    ok: true,
    data: await pollWebhookTestEvent({ ...input, since: since ? new Date(since) : undefined }),
  }),
);

/** Use as sample: the workflow editor lists this event's payload and headers. */
export const saveEventAsSample = projectAction(resourceInput.extend({ eventId: z.uuid() }), async (input) => {
  await keepWebhookEventAsSample(input);
  revalidatePath(webhooksPath(input.projectId, input.resourceId));
  return { ok: true, data: undefined };
});
