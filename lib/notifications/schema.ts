import { z } from "zod";
import { projectIdSchema } from "@/lib/projects/schema";

// Settings → Notifications: the events a team can be told about, and the inputs of its forms.

export const NOTIFICATION_EVENT_TYPES = [
  "connection.created",
  "connection.deleted",
  "connection.invalid",
  "connection.recovered",
  "workflow.run.failed",
  "resource.published",
] as const;
export type NotificationEventType = (typeof NOTIFICATION_EVENT_TYPES)[number];

export const NOTIFICATION_EVENT_LABELS: Record<NotificationEventType, string> = {
  "connection.created": "A user connects",
  "connection.deleted": "A connection is deleted",
  "connection.invalid": "A connection becomes invalid (needs reconnect)",
  "connection.recovered": "An invalid connection is valid again",
  "workflow.run.failed": "A workflow run fails",
  "resource.published": "A resource is published (its base URL, authentication or credentials may have changed)",
};

export const MAX_NOTIFICATION_ENDPOINTS = 10;

export const createEndpointSchema = z.object({
  projectId: projectIdSchema,
  url: z.string().trim().min(1, { error: "Enter the endpoint's URL." }).max(2048, { error: "Use at most 2048 characters." }),
  events: z.array(z.enum(NOTIFICATION_EVENT_TYPES)).min(1, { error: "Pick at least one event." }),
});
export type CreateEndpointInput = z.input<typeof createEndpointSchema>;

export const endpointActionSchema = z.object({ projectId: projectIdSchema, endpointId: z.uuid() });
export type EndpointActionInput = z.input<typeof endpointActionSchema>;

export const resendDeliverySchema = z.object({ projectId: projectIdSchema, deliveryId: z.uuid() });

export const keepWarmSchema = z.object({
  projectId: projectIdSchema,
  resourceId: z.uuid(),
  enabled: z.boolean(),
  days: z.coerce
    .number({ error: "Enter a number of days." })
    .int({ error: "Enter a whole number of days." })
    .min(1, { error: "Use 1 to 90 days." })
    .max(90, { error: "Use 1 to 90 days." }),
});
export type KeepWarmInput = z.input<typeof keepWarmSchema>;
