import { z } from "zod";
import { emailSchema } from "@/lib/auth/schema";

export const projectIdSchema = z.uuid({ error: "Not a valid Project ID." });

export const projectNameSchema = z
  .string()
  .trim()
  .min(1, { error: "Enter a project name." })
  .max(64, { error: "Use at most 64 characters." });

export const createProjectSchema = z.object({ name: projectNameSchema });
export type CreateProjectInput = z.input<typeof createProjectSchema>;

export const renameProjectSchema = z.object({ projectId: projectIdSchema, name: projectNameSchema });
export type RenameProjectInput = z.input<typeof renameProjectSchema>;

export const addMemberSchema = z.object({ projectId: projectIdSchema, email: emailSchema });
export type AddMemberInput = z.input<typeof addMemberSchema>;

export const removeMemberSchema = z.object({ projectId: projectIdSchema, userId: z.uuid() });
export type RemoveMemberInput = z.input<typeof removeMemberSchema>;

export const networkSettingsSchema = z.object({ projectId: projectIdSchema, allowPrivateNetwork: z.boolean() });
export type NetworkSettingsInput = z.input<typeof networkSettingsSchema>;
