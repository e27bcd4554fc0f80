import { z } from "zod";
import { projectIdSchema } from "@/lib/projects/schema";
import { TOOL_NAME_PATTERN } from "./names";

// The resource tab Tools' inputs: one schema for its forms and its server actions.

/** The largest OpenAPI document accepted, in UTF-8 bytes (lib/tools/openapi-import.ts checks the bytes). */
export const MAX_DOCUMENT_BYTES = 5 * 1024 * 1024;

const resourceIds = { projectId: projectIdSchema, resourceId: z.uuid() };

export const importToolsSchema = z.object({
  ...resourceIds,
  document: z
    .string()
    .trim()
    .min(1, { error: "Paste an OpenAPI document, or choose its file." })
    .max(MAX_DOCUMENT_BYTES, { error: "The document is over 5 MB: at most 5 MB is accepted." }),
});
export type ImportToolsInput = z.input<typeof importToolsSchema>;

export const toolSwitchSchema = z.object({ ...resourceIds, toolId: z.uuid(), enabled: z.boolean() });

export const toolNameSchema = z.object({
  ...resourceIds,
  toolId: z.uuid(),
  name: z
    .string()
    .trim()
    .regex(TOOL_NAME_PATTERN, { error: "Use 1 to 64 lowercase letters, digits and underscores, starting with a letter." }),
});
export type ToolNameInput = z.input<typeof toolNameSchema>;

export const offerToolsSchema = z.object({ ...resourceIds, offer: z.boolean() });
