"use server";

import { revalidatePath } from "next/cache";
import { outboundPolicy } from "@/lib/connections/request";
import {
  createNotificationEndpoint as createEndpoint,
  enableNotificationEndpoint as enableEndpoint,
  removeNotificationEndpoint,
  resendNotificationDelivery,
} from "@/lib/notifications/endpoints";
import { createEndpointSchema, endpointActionSchema, resendDeliverySchema } from "@/lib/notifications/schema";
import { projectAction, type ActionResult } from "@/server/action";

const page = (projectId: string) => `/projects/${projectId}/settings/notifications`;

/**
 * Adds an endpoint. Its signing secret goes back in this result, once: it is stored
 * encrypted, never logged, and no page renders it.
 */
export const createNotificationEndpoint = projectAction(
  createEndpointSchema,
  async ({ projectId, url, events }, { membership }): Promise<ActionResult<{ endpointId: string; url: string; secret: string }>> => {
    const { endpoint, secret } = await createEndpoint({ projectId, url, events, policy: outboundPolicy(membership.project) });
    revalidatePath(page(projectId));
    return { ok: true, data: { endpointId: endpoint.id, url: endpoint.url, secret } };
  },
  { ownerOnly: true },
);

export const deleteNotificationEndpoint = projectAction(
  endpointActionSchema,
  async ({ projectId, endpointId }): Promise<ActionResult> => {
    await removeNotificationEndpoint({ projectId, endpointId });
    revalidatePath(page(projectId));
    return { ok: true, data: undefined };
  },
  { ownerOnly: true },
);

export const enableNotificationEndpoint = projectAction(
  endpointActionSchema,
  async ({ projectId, endpointId }): Promise<ActionResult> => {
    await enableEndpoint({ projectId, endpointId });
    revalidatePath(page(projectId));
    return { ok: true, data: undefined };
  },
  { ownerOnly: true },
);

export const resendDelivery = projectAction(
  resendDeliverySchema,
  async ({ projectId, deliveryId }): Promise<ActionResult<{ deliveryId: string }>> => {
    const resent = await resendNotificationDelivery({ projectId, deliveryId });
    revalidatePath(page(projectId));
    return { ok: true, data: resent };
  },
  { ownerOnly: true },
);
