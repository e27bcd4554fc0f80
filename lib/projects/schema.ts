import { z } from "zod";
import { emailSchema } from "@/lib/auth/schema";
import { ASSIGNABLE_ROLES } from "./roles";

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

export const setMemberRoleSchema = z.object({ projectId: projectIdSchema, userId: z.uuid(), role: z.enum(ASSIGNABLE_ROLES) });
export type SetMemberRoleInput = z.input<typeof setMemberRoleSchema>;

/** The project's Secret Key rate limit: Connect API calls a minute with its Secret Keys, all together. */
export const rateLimitSettingsSchema = z.object({
  projectId: projectIdSchema,
  secretKeyRateLimit: z.coerce
    .number({ error: "Enter a number of requests." })
    .int({ error: "Enter a whole number of requests." })
    .min(60, { error: "Allow at least 60 requests a minute." })
    .max(1_000_000, { error: "Allow at most 1,000,000 requests a minute." }),
});
export type RateLimitSettingsInput = z.input<typeof rateLimitSettingsSchema>;

export const networkSettingsSchema = z.object({ projectId: projectIdSchema, allowPrivateNetwork: z.boolean() });
export type NetworkSettingsInput = z.input<typeof networkSettingsSchema>;

// Signing keys: the keys that verify the User Tokens a project's backend signs.

export const generateSigningKeySchema = z.object({ projectId: projectIdSchema });
export type GenerateSigningKeyInput = z.input<typeof generateSigningKeySchema>;

export const addPublicKeySchema = z.object({
  projectId: projectIdSchema,
  publicKey: z
    .string()
    .trim()
    .min(1, { error: "Paste a public key: a PEM (-----BEGIN PUBLIC KEY-----) or a JWK." })
    .max(20_000, { error: "This is too long for a public key." }),
});
export type AddPublicKeyInput = z.input<typeof addPublicKeySchema>;

export const revokeSigningKeySchema = z.object({ projectId: projectIdSchema, keyId: z.uuid() });
export type RevokeSigningKeyInput = z.input<typeof revokeSigningKeySchema>;

// Allowed Origins: the browser origins the SDK may call the Connect API from.

export const MAX_ALLOWED_ORIGINS = 20;

/**
 * Why one line is not an origin the Connect API can match against a browser's `Origin`
 * header, or undefined when it is one. An origin is exactly what `new URL(line).origin`
 * gives: scheme, host and port only, lowercase, no default port, no trailing slash.
 */
export function originLineError(line: string): string | undefined {
  const shown = line.length > 80 ? `${line.slice(0, 80)}…` : line;
  if (line.includes("*")) return `"${shown}" has a wildcard; list each origin in full.`;
  let url: URL;
  try {
    url = new URL(line);
  } catch {
    return `"${shown}" is not a URL. Write an origin such as https://app.example.com.`;
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return `"${shown}" must start with https:// or http://.`;
  if (url.origin !== line) {
    return `"${shown}" is not an origin: write ${url.origin} (scheme, host and port only, no path or trailing slash).`;
  }
  return undefined;
}

/**
 * The Allowed Origins textarea: one origin per line, blank lines ignored, duplicates
 * dropped; parses to the list to store. Each bad line gets an error that names it.
 */
export const allowedOriginsTextSchema = z
  .string()
  .max(20_000, { error: `List at most ${MAX_ALLOWED_ORIGINS} origins.` })
  .transform((text, ctx) => {
    const lines = text
      .split(/\r?\n|\r/)
      .map((line) => line.trim())
      .filter(Boolean);
    const origins = [...new Set(lines)];
    let valid = true;
    let reported = 0;
    for (const line of origins) {
      const message = originLineError(line);
      if (!message) continue;
      valid = false;
      // A few bad lines are enough to say what is wrong.
      if (reported++ < 5) ctx.issues.push({ code: "custom", message, input: text });
    }
    if (origins.length > MAX_ALLOWED_ORIGINS) {
      ctx.issues.push({ code: "custom", message: `List at most ${MAX_ALLOWED_ORIGINS} origins.`, input: text });
      valid = false;
    }
    return valid ? origins : z.NEVER;
  });

export const allowedOriginsSchema = z.object({ projectId: projectIdSchema, origins: allowedOriginsTextSchema });
export type AllowedOriginsInput = z.input<typeof allowedOriginsSchema>;

// Secret keys: what a project's backend authenticates with when it calls the request API.

export const secretKeyNameSchema = z
  .string()
  .trim()
  .min(1, { error: "Enter a key name, such as the service that will use it." })
  .max(64, { error: "Use at most 64 characters." });

export const createSecretKeySchema = z.object({ projectId: projectIdSchema, name: secretKeyNameSchema });
export type CreateSecretKeyInput = z.input<typeof createSecretKeySchema>;

export const revokeSecretKeySchema = z.object({ projectId: projectIdSchema, keyId: z.uuid() });
export type RevokeSecretKeyInput = z.input<typeof revokeSecretKeySchema>;
